import type { Selectable } from 'kysely';
import type { BankEntryId, BankId } from '../../core/ids.js';
import type { Queryable } from '../db.js';
import { newId } from '../ids.js';
import type { BankEntriesTable, BanksTable } from '../schema.js';

export const DIGEST_HASH_TYPES = ['md5', 'sha256'] as const;
export type DigestHashType = (typeof DIGEST_HASH_TYPES)[number];

export interface Bank {
  id: BankId;
  name: string;
  description: string;
  source: string;
  createdAt: number;
  createdBy: string;
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
}

export interface NewBankEntry {
  hashType: string;
  hash: string;
  category: string;
  classification?: string | null | undefined;
  label?: string | null | undefined;
}

const toBank = (r: Selectable<BanksTable>): Bank => ({
  id: r.id as BankId, name: r.name, description: r.description, source: r.source, createdAt: r.created_at, createdBy: r.created_by,
});

export const toBankEntry = (r: Selectable<BankEntriesTable>): BankEntry => ({
  id: r.id as BankEntryId, bankId: r.bank_id as BankId, hashType: r.hash_type, hash: r.hash, category: r.category,
  classification: r.classification, label: r.label, createdAt: r.created_at, createdBy: r.created_by,
});

export async function createBank(
  q: Queryable,
  b: { name: string; description: string; source: string },
  actor: string,
  now: number,
): Promise<Bank> {
  const bank: Bank = { id: newId<BankId>(), ...b, createdAt: now, createdBy: actor };
  await q
    .insertInto('banks')
    .values({ id: bank.id, name: bank.name, description: bank.description, source: bank.source, created_at: now, created_by: actor })
    .execute();
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
  for (let i = 0; i < entries.length; i += 200) {
    const rows = entries.slice(i, i + 200).map((e) => ({
      id: newId(), bank_id: bankId, hash_type: e.hashType, hash: e.hash.toLowerCase(), category: e.category,
      classification: e.classification ?? null, label: e.label ?? null, created_at: now, created_by: actor,
    }));
    const inserted = await q
      .insertInto('bank_entries')
      .values(rows)
      .onConflict((oc) => oc.columns(['bank_id', 'hash_type', 'hash']).doNothing())
      .returningAll()
      .execute();
    added.push(...inserted.map(toBankEntry));
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

export async function allEntriesOfTypes(q: Queryable, hashTypes: readonly string[]): Promise<(BankEntry & { bankName: string })[]> {
  const rows = await q
    .selectFrom('bank_entries as e')
    .innerJoin('banks as b', 'b.id', 'e.bank_id')
    .selectAll('e')
    .select('b.name as bank_name')
    .where('e.hash_type', 'in', [...hashTypes])
    .execute();
  return rows.map((r) => ({ ...toBankEntry(r), bankName: r.bank_name }));
}

/**
 * A version stamp for the banks: the newest entry id (ULIDs grow), so it changes whenever an entry is added.
 * Entries are never edited in place; removal comes with bank curation and will bump this too.
 */
export async function banksVersion(q: Queryable): Promise<string> {
  const r = await q.selectFrom('bank_entries').select((eb) => eb.fn.max('id').as('last')).executeTakeFirst();
  return r?.last ?? 'empty';
}
