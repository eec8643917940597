import { type Selectable, sql } from 'kysely';
import type { BankEntryId, BankId } from '../../core/ids.js';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { BankEntriesTable, BanksTable } from '../schema.js';

export const DIGEST_HASH_TYPES = ['md5', 'sha256'] as const;
export type DigestHashType = (typeof DIGEST_HASH_TYPES)[number];
export const HASH_TYPES = ['md5', 'sha256', 'pdq', 'vpdq'] as const;
export type HashType = (typeof HASH_TYPES)[number];
export const MATCH_MODES = ['enforce', 'review', 'shadow'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export interface Bank {
  id: BankId;
  name: string;
  description: string;
  source: string;
  createdAt: number;
  createdBy: string;
  enabled: boolean;
  matchMode: MatchMode;
  updatedAt: number | null;
}

export interface BankEntry {
  id: BankEntryId;
  bankId: BankId;
  hashType: string;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
  createdAt: number;
  createdBy: string;
  enabled: boolean;
  source: string | null;
  provenance: string | null;
  /** Extra hash material: the frame hashes of a vPDQ entry. */
  data: unknown;
}

export interface NewBankEntry {
  hashType: string;
  hash: string;
  category: string;
  classification?: string | null | undefined;
  label?: string | null | undefined;
  source?: string | null | undefined;
  provenance?: string | null | undefined;
  data?: unknown;
}

const toBank = (r: Selectable<BanksTable>): Bank => ({
  id: r.id as BankId, name: r.name, description: r.description, source: r.source, createdAt: r.created_at, createdBy: r.created_by,
  enabled: r.enabled === 1, matchMode: r.match_mode as MatchMode, updatedAt: r.updated_at,
});

export const toBankEntry = (r: Selectable<BankEntriesTable>): BankEntry => ({
  id: r.id as BankEntryId, bankId: r.bank_id as BankId, hashType: r.hash_type, hash: r.hash, category: r.category,
  classification: r.classification, label: r.label, createdAt: r.created_at, createdBy: r.created_by,
  enabled: r.enabled === 1, source: r.source, provenance: r.provenance, data: r.data === null ? null : fromJson(r.data),
});

export async function createBank(
  q: Queryable,
  b: { name: string; description: string; source: string; matchMode?: MatchMode | undefined; enabled?: boolean | undefined },
  actor: string,
  now: number,
): Promise<Bank> {
  const bank: Bank = {
    id: newId<BankId>(), name: b.name, description: b.description, source: b.source, createdAt: now, createdBy: actor,
    enabled: b.enabled ?? true, matchMode: b.matchMode ?? 'enforce', updatedAt: null,
  };
  await q
    .insertInto('banks')
    .values({
      id: bank.id, name: bank.name, description: bank.description, source: bank.source, created_at: now, created_by: actor,
      enabled: bank.enabled ? 1 : 0, match_mode: bank.matchMode,
    })
    .execute();
  await bumpBanksRevision(q);
  return bank;
}

export async function getBank(q: Queryable, id: string): Promise<Bank | null> {
  const r = await q.selectFrom('banks').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toBank(r) : null;
}

export async function getBankByName(q: Queryable, name: string): Promise<Bank | null> {
  const r = await q.selectFrom('banks').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? toBank(r) : null;
}

export async function listBanks(q: Queryable): Promise<(Bank & { entryCount: number })[]> {
  const rows = await q
    .selectFrom('banks as b')
    .selectAll('b')
    .select((eb) =>
      eb.selectFrom('bank_entries as e').select((e) => e.fn.countAll<number>().as('n')).whereRef('e.bank_id', '=', 'b.id').as('entry_count'),
    )
    .orderBy('b.name')
    .execute();
  return rows.map((r) => ({ ...toBank(r), entryCount: Number(r.entry_count ?? 0) }));
}

/** Adds entries; an entry already in the bank (same hash type and hash) is left as it is and not counted. */
export async function addBankEntries(
  q: Queryable,
  bankId: BankId,
  entries: readonly NewBankEntry[],
  actor: string,
  now: number,
): Promise<BankEntry[]> {
  const added: BankEntry[] = [];
  // Large statements and only the new ids back: a million-row list imports in well under a minute.
  for (let i = 0; i < entries.length; i += 1000) {
    const rows = entries.slice(i, i + 1000).map((e) => ({
      id: newId(), bank_id: bankId, hash_type: e.hashType, hash: e.hash.toLowerCase(), category: e.category,
      classification: e.classification ?? null, label: e.label ?? null, created_at: now, created_by: actor,
      source: e.source ?? null, provenance: e.provenance ?? null, data: e.data === undefined || e.data === null ? null : toJson(e.data),
    }));
    const inserted = new Set(
      (await q
        .insertInto('bank_entries')
        .values(rows)
        .onConflict((oc) => oc.columns(['bank_id', 'hash_type', 'hash']).doNothing())
        .returning('id')
        .execute()).map((r) => r.id),
    );
    for (const r of rows) {
      if (!inserted.has(r.id)) continue;
      added.push({
        id: r.id as BankEntryId, bankId, hashType: r.hash_type, hash: r.hash, category: r.category, classification: r.classification,
        label: r.label, createdAt: now, createdBy: actor, enabled: true, source: r.source, provenance: r.provenance,
        data: r.data === null ? null : JSON.parse(r.data),
      });
    }
  }
  return added;
}

/** What one bulk insert did: entries it added, and the range of ids it handed out (added entries lie within it). */
export interface BulkInsertResult {
  added: number;
  firstId: BankEntryId | null;
  lastId: BankEntryId | null;
}

/** Rows per statement: the rows travel as one JSON parameter, so the statement text never changes with the size. */
const BULK_STATEMENT_ROWS = 5000;

/**
 * Row numbers in (hash type, first 24 bits of the hash) order. The order only buys write locality, so near is good
 * enough, and a numeric sort of packed keys is some 50x faster than comparing the hash strings. Every hash type is
 * hex-encoded (the input schema checks it).
 */
function localityOrder(rows: readonly { hashType: string; hash: string }[]): Float64Array {
  const n = rows.length;
  const keys = new Float64Array(n);
  // (type, prefix) * n + row stays an exact integer in a double for n up to 2^25 rows.
  for (let i = 0; i < n; i++) {
    const row = rows[i] as { hashType: string; hash: string };
    const type = Math.max(0, HASH_TYPES_SORTED.indexOf(row.hashType as HashType));
    keys[i] = (type * 2 ** 24 + (Number.parseInt(row.hash.slice(0, 6), 16) || 0)) * n + i;
  }
  keys.sort();
  for (let i = 0; i < n; i++) keys[i] = (keys[i] as number) % n;
  return keys;
}
const HASH_TYPES_SORTED = [...HASH_TYPES].sort();

/**
 * Adds many entries for a bulk import; an entry already in the bank (same hash type and hash) is skipped and not
 * counted. The rows are ordered by (hash type, hash) and only then given their ids, so both the unique index and the
 * primary key are written in order instead of at random places: this is what keeps a million-row import fast.
 * Returns counts only; use addBankEntries when the caller needs the entries back.
 */
export async function insertBankEntriesBulk(
  q: Queryable,
  bankId: BankId,
  entries: readonly NewBankEntry[],
  actor: string,
  now: number,
): Promise<BulkInsertResult> {
  if (entries.length > 2 ** 25) throw new Error('insertBankEntriesBulk takes at most 2^25 entries at a time');
  const order = localityOrder(entries);
  const ids = Array.from(order, () => newId<BankEntryId>());
  const postgres = isPostgres(q);
  let added = 0;
  for (let i = 0; i < order.length; i += BULK_STATEMENT_ROWS) {
    // Plain arrays for SQLite (json_each), named fields for Postgres (json_to_recordset); no other copies of a row.
    const part: unknown[] = [];
    for (let k = i; k < Math.min(order.length, i + BULK_STATEMENT_ROWS); k++) {
      const e = entries[order[k] as number] as NewBankEntry;
      const hash = e.hash.toLowerCase();
      part.push(postgres
        ? {
            id: ids[k], hash_type: e.hashType, hash, category: e.category, classification: e.classification ?? null, label: e.label ?? null,
            source: e.source ?? null, provenance: e.provenance ?? null, data: e.data ?? null,
          }
        : [ids[k], e.hashType, hash, e.category, e.classification ?? null, e.label ?? null, e.source ?? null, e.provenance ?? null, e.data ?? null]);
    }
    const rows = JSON.stringify(part);
    // SQLite needs the WHERE before ON CONFLICT in an INSERT ... SELECT, or it reads ON as a join's.
    const result = postgres
      ? await sql`
          INSERT INTO bank_entries (id, bank_id, hash_type, hash, category, classification, label, created_at, created_by, source, provenance, data)
          SELECT r.id, ${bankId}::text, r.hash_type, r.hash, r.category, r.classification, r.label, ${now}::bigint, ${actor}::text, r.source,
            r.provenance, r.data
          FROM json_to_recordset(${rows}::json) AS r(id text, hash_type text, hash text, category text, classification text, label text,
            source text, provenance text, data jsonb)
          ON CONFLICT (bank_id, hash_type, hash) DO NOTHING`.execute(q)
      : await sql`
          INSERT INTO bank_entries (id, bank_id, hash_type, hash, category, classification, label, created_at, created_by, source, provenance, data)
          SELECT j.value ->> 0, ${bankId}, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, ${now}, ${actor},
            j.value ->> 6, j.value ->> 7, j.value ->> 8
          FROM json_each(${rows}) AS j
          WHERE true
          ON CONFLICT (bank_id, hash_type, hash) DO NOTHING`.execute(q);
    added += Number(result.numAffectedRows ?? 0);
  }
  return { added, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null };
}

/**
 * Runs a bulk load with SQLite tuned for it: a page cache large enough to hold the bank's indexes while they are
 * written (the default 2 MiB spills to disk over and over). The setting is per connection and put back afterwards.
 * Postgres needs nothing here.
 */
export async function withBulkLoadSettings<T>(q: Queryable, fn: () => Promise<T>): Promise<T> {
  if (isPostgres(q)) return fn();
  const before = (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(q)).rows[0]?.cache_size ?? -2000;
  await sql`PRAGMA cache_size = -262144`.execute(q);
  try {
    return await fn();
  } finally {
    await sql.raw(`PRAGMA cache_size = ${Number(before)}`).execute(q);
  }
}

export async function listBankEntries(
  q: Queryable,
  bankId: string,
  opts: { limit: number; after?: string | undefined },
): Promise<BankEntry[]> {
  let query = q.selectFrom('bank_entries').selectAll().where('bank_id', '=', bankId);
  if (opts.after) query = query.where('id', '>', opts.after);
  return (await query.orderBy('id').limit(opts.limit).execute()).map(toBankEntry);
}

/** Entries the matchers load: enabled entries of enabled banks, with the bank's name and what a match does. */
export async function activeEntriesOfTypes(q: Queryable, hashTypes: readonly string[]): Promise<(BankEntry & { bankName: string; matchMode: MatchMode })[]> {
  const rows = await q
    .selectFrom('bank_entries as e')
    .innerJoin('banks as b', 'b.id', 'e.bank_id')
    .selectAll('e')
    .select(['b.name as bank_name', 'b.match_mode'])
    .where('e.hash_type', 'in', [...hashTypes])
    .where('e.enabled', '=', 1)
    .where('b.enabled', '=', 1)
    .execute();
  return rows.map((r) => ({ ...toBankEntry(r), bankName: r.bank_name, matchMode: r.match_mode as MatchMode }));
}

/** Changes that are not additions (a bank or entry switched on or off, a new match mode) bump this revision. */
export async function bumpBanksRevision(q: Queryable): Promise<void> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', 'banks_rev').executeTakeFirst();
  const next = String(Number(row?.value ?? 0) + 1);
  await q
    .insertInto('settings')
    .values({ key: 'banks_rev', value: next })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: next }))
    .execute();
}

/**
 * A version stamp for the banks, recorded with every match: the revision of bank settings and the newest entry
 * id (ULIDs grow), so it changes when an entry is added or anything is switched on or off.
 */
export async function banksVersion(q: Queryable): Promise<string> {
  const [last, rev] = await Promise.all([
    q.selectFrom('bank_entries').select((eb) => eb.fn.max('id').as('last')).executeTakeFirst(),
    q.selectFrom('settings').select('value').where('key', '=', 'banks_rev').executeTakeFirst(),
  ]);
  return `${rev?.value ?? '0'}:${last?.last ?? 'empty'}`;
}

export async function updateBank(q: Queryable, id: string, patch: { enabled?: boolean | undefined; matchMode?: MatchMode | undefined; description?: string | undefined }, now: number): Promise<void> {
  await q
    .updateTable('banks')
    .set({
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.matchMode === undefined ? {} : { match_mode: patch.matchMode }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await bumpBanksRevision(q);
}

export async function setEntryEnabled(q: Queryable, bankId: string, entryId: string, enabled: boolean): Promise<boolean> {
  const r = await q.updateTable('bank_entries').set({ enabled: enabled ? 1 : 0 }).where('id', '=', entryId).where('bank_id', '=', bankId).executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) await bumpBanksRevision(q);
  return Number(r.numUpdatedRows) > 0;
}
