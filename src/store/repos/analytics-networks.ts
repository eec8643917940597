import { type RawBuilder, sql } from 'kysely';
import { DEVICE_METADATA_KEY, IP_METADATA_KEY, type LinkRow } from '../../analytics/networks/links.js';
import type { DisableFact, ViolationFact } from '../../analytics/networks/risk.js';
import { AGE_BANDS, isMinorBand } from '../../core/types.js';
import { isPostgres, type Queryable } from '../db.js';

// The rows behind the behaviour network of one window. Every query starts from an indexed range (items by
// ingested_at, decisions by (verdict, created_at)) and reaches media, signals and contacts through their item_id
// indexes; each is capped at `maxRowsPerQuery`, newest first, so a busy window costs a bounded read.

export interface NetworkWindow {
  from: number;
  to: number;
}

export interface NetworkInputs {
  rows: LinkRow[];
  violations: ViolationFact[];
  disables: DisableFact[];
  /** Queries that hit their cap (their oldest rows were left out). */
  capped: string[];
}

export const DEFAULT_MAX_ROWS_PER_QUERY = 200_000;

const MINOR_BANDS = AGE_BANDS.filter(isMinorBand);
/** Statuses of a disable that was requested or carried out (not withdrawn on appeal, not given up on). */
const LIVE_ACTION_STATUSES = ['pending', 'delivered', 'awaiting_approval', 'recorded', 'done'];

function jsonText(q: Queryable, column: string, key: string): RawBuilder<string | null> {
  return isPostgres(q)
    ? sql<string | null>`${sql.ref(column)} ->> ${sql.lit(key)}`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${key}`)})`;
}

export async function loadNetworkInputs(
  q: Queryable, window: NetworkWindow, opts: { maxRowsPerQuery?: number } = {},
): Promise<NetworkInputs> {
  const cap = opts.maxRowsPerQuery ?? DEFAULT_MAX_ROWS_PER_QUERY;
  const capped: string[] = [];
  const note = <T>(name: string, rows: T[]): T[] => {
    if (rows.length >= cap) capped.push(name);
    return rows;
  };
  const inWindow = () =>
    q.selectFrom('items').where('items.ingested_at', '>=', window.from).where('items.ingested_at', '<', window.to).where('items.author_id', 'is not', null);

  const entryOf = jsonText(q, 'signals.evidence', 'bankEntryId');
  const bankRows = note('bank_entry', await inWindow()
    .innerJoin('signals', 'signals.item_id', 'items.id')
    .select(['items.author_id', 'items.id', entryOf.as('entry')])
    .where('signals.detector', 'like', 'hashmatch.%')
    .where(entryOf, 'is not', null)
    .orderBy('items.ingested_at', 'desc')
    .limit(cap)
    .execute());

  const mediaRows = note('media', await inWindow()
    .innerJoin('media', 'media.item_id', 'items.id')
    .select(['items.author_id', 'items.id', 'media.sha256'])
    // Only media some hash matcher matched: shared ordinary photos are no sign of anything.
    .where((eb) => eb.exists(
      eb.selectFrom('signals').select('signals.id').whereRef('signals.item_id', '=', 'items.id').where('signals.detector', 'like', 'hashmatch.%'),
    ))
    .orderBy('items.ingested_at', 'desc')
    .limit(cap)
    .execute());

  const contactRows = note('minor_contact', await inWindow()
    .innerJoin('contacts', 'contacts.item_id', 'items.id')
    .select(['items.author_id', 'items.id', 'contacts.recipient_id'])
    .where('contacts.recipient_band', 'in', MINOR_BANDS)
    .orderBy('items.ingested_at', 'desc')
    .limit(cap)
    .execute());

  const deviceOf = jsonText(q, 'items.metadata', DEVICE_METADATA_KEY);
  const ipOf = jsonText(q, 'items.metadata', IP_METADATA_KEY);
  const idRows = note('device_ip', await inWindow()
    .select(['items.author_id', 'items.id', deviceOf.as('device'), ipOf.as('ip')])
    .where((eb) => eb.or([eb(deviceOf, 'is not', null), eb(ipOf, 'is not', null)]))
    .orderBy('items.ingested_at', 'desc')
    .limit(cap)
    .execute());

  const rows: LinkRow[] = [];
  for (const r of bankRows) rows.push({ accountId: r.author_id as string, type: 'bank_entry', key: String(r.entry), itemId: r.id });
  for (const r of mediaRows) rows.push({ accountId: r.author_id as string, type: 'media', key: r.sha256, itemId: r.id });
  for (const r of contactRows) rows.push({ accountId: r.author_id as string, type: 'minor_contact', key: r.recipient_id, itemId: r.id });
  for (const r of idRows) {
    // Opaque platform identifiers: only strings of sane length are used (a number or object is not an id).
    if (typeof r.device === 'string' && r.device.length > 0 && r.device.length <= 256) rows.push({ accountId: r.author_id as string, type: 'device', key: r.device, itemId: r.id });
    if (typeof r.ip === 'string' && r.ip.length > 0 && r.ip.length <= 256) rows.push({ accountId: r.author_id as string, type: 'ip', key: r.ip, itemId: r.id });
  }

  const violating = () =>
    q.selectFrom('decisions')
      .innerJoin('items', 'items.id', 'decisions.item_id')
      .where('decisions.verdict', '=', 'violating')
      .where('decisions.created_at', '>=', window.from)
      .where('decisions.created_at', '<', window.to);
  const violations = note('violations', await violating()
    .select(['items.author_id', 'decisions.id', 'decisions.item_id', 'decisions.category', 'decisions.created_at'])
    .where('items.author_id', 'is not', null)
    .orderBy('decisions.created_at', 'desc')
    .limit(cap)
    .execute());
  // Disables come from decisions (automated or a reviewer's); reached through the decisions index, not a scan of actions.
  const disables = note('disables', await violating()
    .innerJoin('actions', (j) => j.onRef('actions.decision_id', '=', 'decisions.id').onRef('actions.item_id', '=', 'decisions.item_id'))
    .select(['actions.account_id', 'actions.id', 'actions.item_id', 'actions.created_at', 'items.created_at as item_created_at'])
    .where('actions.type', '=', 'disable')
    .where('actions.status', 'in', LIVE_ACTION_STATUSES)
    .where('actions.account_id', 'is not', null)
    .orderBy('actions.created_at', 'desc')
    .limit(cap)
    .execute());

  return {
    rows,
    violations: violations.map((v) => ({
      accountId: v.author_id as string, decisionId: v.id, itemId: v.item_id, category: v.category, at: Number(v.created_at),
    })),
    // When the account was banned: the time of the item it was disabled for (a backfill or a replay acts later than
    // the platform did, and the item's time is what a new account's creation is compared with), or the action's if earlier.
    disables: disables.map((d) => ({
      accountId: d.account_id as string, actionId: d.id, itemId: d.item_id, at: Math.min(Number(d.created_at), Number(d.item_created_at)),
    })),
    capped,
  };
}

export interface AccountSummary {
  id: string;
  externalId: string;
  ageBand: string;
  createdAt: number;
}

export async function accountSummaries(q: Queryable, ids: readonly string[]): Promise<Map<string, AccountSummary>> {
  const out = new Map<string, AccountSummary>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q.selectFrom('accounts').select(['id', 'external_id', 'age_band', 'created_at']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, { id: r.id, externalId: r.external_id, ageBand: r.age_band, createdAt: Number(r.created_at) });
  }
  return out;
}

/** The account id of an id or an external id (an analyst often has the platform's id at hand). */
export async function resolveAccountId(q: Queryable, idOrExternal: string): Promise<string | null> {
  const r = await q.selectFrom('accounts').select('id').where((eb) => eb.or([eb('id', '=', idOrExternal), eb('external_id', '=', idOrExternal)])).executeTakeFirst();
  return r?.id ?? null;
}
