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
  const seq = await nextBankChangeSeq(q);
  await q
    .insertInto('banks')
    .values({
      id: bank.id, name: bank.name, description: bank.description, source: bank.source, created_at: now, created_by: actor,
      enabled: bank.enabled ? 1 : 0, match_mode: bank.matchMode, change_seq: seq,
    })
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

/**
 * Adds entries under one bank change sequence number; an entry already in the bank (same hash type and hash) is
 * left as it is and not counted.
 */
export async function addBankEntries(
  q: Queryable,
  bankId: BankId,
  entries: readonly NewBankEntry[],
  actor: string,
  now: number,
): Promise<BankEntry[]> {
  const added: BankEntry[] = [];
  const seq = await nextBankChangeSeq(q);
  // Large statements and only the new ids back: a million-row list imports in well under a minute.
  for (let i = 0; i < entries.length; i += 1000) {
    const rows = entries.slice(i, i + 1000).map((e) => ({
      id: newId(), bank_id: bankId, hash_type: e.hashType, hash: e.hash.toLowerCase(), category: e.category,
      classification: e.classification ?? null, label: e.label ?? null, created_at: now, created_by: actor,
      source: e.source ?? null, provenance: e.provenance ?? null, data: e.data === undefined || e.data === null ? null : toJson(e.data),
      change_seq: seq,
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
  if (added.length === 0) await releaseBankChangeSeq(q, seq);
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
 * Returns counts only; use addBankEntries when the caller needs the entries back. The rows carry `seq`, a bank change
 * sequence number the caller took (one for a whole import) with nextBankChangeSeq in the same transaction.
 */
export async function insertBankEntriesBulk(
  q: Queryable,
  bankId: BankId,
  entries: readonly NewBankEntry[],
  actor: string,
  now: number,
  seq: number,
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
          INSERT INTO bank_entries (id, bank_id, hash_type, hash, category, classification, label, created_at, created_by, source, provenance, data,
            change_seq)
          SELECT r.id, ${bankId}::text, r.hash_type, r.hash, r.category, r.classification, r.label, ${now}::bigint, ${actor}::text, r.source,
            r.provenance, r.data, ${seq}::bigint
          FROM json_to_recordset(${rows}::json) AS r(id text, hash_type text, hash text, category text, classification text, label text,
            source text, provenance text, data jsonb)
          ON CONFLICT (bank_id, hash_type, hash) DO NOTHING`.execute(q)
      : await sql`
          INSERT INTO bank_entries (id, bank_id, hash_type, hash, category, classification, label, created_at, created_by, source, provenance, data,
            change_seq)
          SELECT j.value ->> 0, ${bankId}, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, ${now}, ${actor},
            j.value ->> 6, j.value ->> 7, j.value ->> 8, ${seq}
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

const BANK_CHANGE_SEQ = 'bank_change_seq';

/**
 * Takes the next bank change sequence number; every write to banks or bank_entries stamps its rows with one, inside
 * the same transaction. One UPDATE ... RETURNING: on Postgres it locks the counter row until the transaction ends, so
 * a second bank change waits for the first to commit (or roll back) before it gets its number. Numbers therefore
 * become visible in commit order: once seq N is visible every seq below N has committed (or was never used), which is
 * what lets a replica that has applied N read only `change_seq > N` and miss nothing. SQLite has one writer anyway.
 * Run it in the transaction that writes the stamped rows: committed alone, N could be applied before its rows exist.
 */
export async function nextBankChangeSeq(trx: Queryable): Promise<number> {
  const row = await sql<{ value: string }>`
    UPDATE settings SET value = CAST(CAST(value AS bigint) + 1 AS text) WHERE key = ${BANK_CHANGE_SEQ} RETURNING value`.execute(trx);
  const value = row.rows[0]?.value;
  if (value === undefined) throw new Error('the bank_change_seq setting is missing: run migrations first');
  return Number(value);
}

/**
 * Gives back a number taken by nextBankChangeSeq that stamped no row (an import or add that found every entry
 * present), so a change that changed nothing does not move the banks' version. Only while it is still the newest
 * number: the caller's transaction holds the counter, and outside a transaction a gap is harmless.
 */
export async function releaseBankChangeSeq(trx: Queryable, seq: number): Promise<void> {
  await trx
    .updateTable('settings')
    .set({ value: String(seq - 1) })
    .where('key', '=', BANK_CHANGE_SEQ)
    .where('value', '=', String(seq))
    .execute();
}

/** The newest committed bank change sequence number: one primary-key read. */
export async function bankChangeSeq(db: Queryable): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', BANK_CHANGE_SEQ).executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** A version stamp for the banks, recorded with every match: the bank change sequence number. */
export async function banksVersion(db: Queryable): Promise<string> {
  return String(await bankChangeSeq(db));
}

/** A bank entry as a hash-index replica applies it: with what its bank says about it now. */
export interface ReplicaEntry extends BankEntry {
  bankName: string;
  bankEnabled: boolean;
  matchMode: MatchMode;
  changeSeq: number;
}

export interface BankChanges {
  /** Banks whose settings (name, enabled, match mode) changed after the sequence number. */
  banks: (Bank & { changeSeq: number })[];
  /** Hash entries added or changed after the sequence number. */
  entries: ReplicaEntry[];
}

function replicaEntries(db: Queryable) {
  return db
    .selectFrom('bank_entries as e')
    .innerJoin('banks as b', 'b.id', 'e.bank_id')
    .selectAll('e')
    .select(['b.name as bank_name', 'b.enabled as bank_enabled', 'b.match_mode'])
    .where('e.hash_type', 'in', [...HASH_TYPES]);
}
type ReplicaRow = Awaited<ReturnType<ReturnType<typeof replicaEntries>['execute']>>[number];
const toReplicaEntry = (r: ReplicaRow): ReplicaEntry => ({
  ...toBankEntry(r), bankName: r.bank_name, bankEnabled: r.bank_enabled === 1, matchMode: r.match_mode as MatchMode, changeSeq: Number(r.change_seq),
});

/** What changed after `seq`: changed banks, and changed entries (through the change_seq index). */
export async function bankChangesSince(db: Queryable, seq: number): Promise<BankChanges> {
  const banks = await db.selectFrom('banks').selectAll().where('change_seq', '>', seq).orderBy('change_seq').execute();
  const entries = await replicaEntries(db).where('e.change_seq', '>', seq).orderBy('e.change_seq').execute();
  return { banks: banks.map((r) => ({ ...toBank(r), changeSeq: Number(r.change_seq) })), entries: entries.map(toReplicaEntry) };
}

/** Every entry a replica's first load indexes: enabled hash entries of enabled banks. */
export async function activeReplicaEntries(db: Queryable): Promise<ReplicaEntry[]> {
  return (await replicaEntries(db).where('e.enabled', '=', 1).where('b.enabled', '=', 1).execute()).map(toReplicaEntry);
}

/** Every hash entry of the given banks, enabled or not, for a replica re-applying a changed bank. */
export async function entriesOfBanksForReplica(db: Queryable, bankIds: readonly string[]): Promise<ReplicaEntry[]> {
  if (bankIds.length === 0) return [];
  return (await replicaEntries(db).where('e.bank_id', 'in', [...bankIds]).execute()).map(toReplicaEntry);
}

/** Changes a bank's settings; returns the bank change sequence number it took. */
export async function updateBank(q: Queryable, id: string, patch: { enabled?: boolean | undefined; matchMode?: MatchMode | undefined; description?: string | undefined }, now: number): Promise<number> {
  const seq = await nextBankChangeSeq(q);
  await q
    .updateTable('banks')
    .set({
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.matchMode === undefined ? {} : { match_mode: patch.matchMode }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      updated_at: now,
      change_seq: seq,
    })
    .where('id', '=', id)
    .execute();
  return seq;
}

/** Switches an entry on or off; returns the bank change sequence number it took, or null when there is no such entry. */
export async function setEntryEnabled(q: Queryable, bankId: string, entryId: string, enabled: boolean): Promise<number | null> {
  const seq = await nextBankChangeSeq(q);
  const r = await q
    .updateTable('bank_entries')
    .set({ enabled: enabled ? 1 : 0, change_seq: seq })
    .where('id', '=', entryId)
    .where('bank_id', '=', bankId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return seq;
  await releaseBankChangeSeq(q, seq);
  return null;
}
