import type { Selectable } from 'kysely';
import type { BankEntryId, BankId } from '../../core/ids.js';
import { fromJson, type Queryable, toJson } from '../db.js';
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
