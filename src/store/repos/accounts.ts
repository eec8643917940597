import type { Selectable } from 'kysely';
import type { AccountId } from '../../core/ids.js';
import type { Account, AgeBand } from '../../core/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { AccountsTable } from '../schema.js';

export interface AccountUpsert {
  externalId: string;
  ageBand?: AgeBand | undefined;
  createdAt?: number | undefined;
  flags?: string[] | undefined;
}

export function toAccount(r: Selectable<AccountsTable>): Account {
  return {
    id: r.id as AccountId,
    externalId: r.external_id,
    ageBand: r.age_band as AgeBand,
    createdAt: r.created_at,
    flags: fromJson(r.flags),
  };
}

/**
 * Creates unknown accounts and refreshes what the platform newly told us (a declared age band, flags).
 * An age band the platform once declared is never overwritten by a later 'unknown'.
 */
export async function upsertAccounts(q: Queryable, inputs: readonly AccountUpsert[], now: number): Promise<Map<string, Account>> {
  const byExternal = new Map<string, AccountUpsert>();
  for (const a of inputs) byExternal.set(a.externalId, { ...byExternal.get(a.externalId), ...stripUndefined(a), externalId: a.externalId });
  const out = new Map<string, Account>();
  if (byExternal.size === 0) return out;
  const externalIds = [...byExternal.keys()];
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await q.selectFrom('accounts').selectAll().where('external_id', 'in', externalIds.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.external_id, toAccount(r));
  }
  const created: Account[] = [];
  for (const [externalId, input] of byExternal) {
    const existing = out.get(externalId);
    if (!existing) {
      const account: Account = {
        id: newId<AccountId>(),
        externalId,
        ageBand: input.ageBand ?? 'unknown',
        createdAt: input.createdAt ?? now,
        flags: input.flags ?? [],
      };
      created.push(account);
      out.set(externalId, account);
      continue;
    }
    out.set(externalId, await refreshAccount(q, existing, input));
  }
  // Concurrent ingests (several API processes) may create the same new account at once: the loser of the race
  // keeps the winner's row. Rows go in sorted order so two such transactions cannot deadlock on each other.
  created.sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const raced: string[] = [];
  for (let i = 0; i < created.length; i += 300) {
    const chunk = created.slice(i, i + 300);
    const inserted = new Set((await q
      .insertInto('accounts')
      .values(chunk.map((a) => ({
        id: a.id, external_id: a.externalId, age_band: a.ageBand, created_at: a.createdAt, first_seen_at: now, flags: toJson(a.flags),
      })))
      .onConflict((oc) => oc.column('external_id').doNothing())
      .returning('external_id')
      .execute()).map((r) => r.external_id));
    for (const a of chunk) if (!inserted.has(a.externalId)) raced.push(a.externalId);
  }
  if (raced.length > 0) {
    const rows = await q.selectFrom('accounts').selectAll().where('external_id', 'in', raced).execute();
    for (const r of rows) out.set(r.external_id, await refreshAccount(q, toAccount(r), byExternal.get(r.external_id) ?? { externalId: r.external_id }));
  }
  return out;
}

/** Applies what the platform newly declared about a known account; an age band once declared is kept over 'unknown'. */
async function refreshAccount(q: Queryable, existing: Account, input: AccountUpsert): Promise<Account> {
  const ageBand = input.ageBand && input.ageBand !== 'unknown' ? input.ageBand : existing.ageBand;
  const flags = input.flags ? [...new Set([...existing.flags, ...input.flags])] : existing.flags;
  if (ageBand === existing.ageBand && flags.length === existing.flags.length) return existing;
  await q.updateTable('accounts').set({ age_band: ageBand, flags: toJson(flags) }).where('id', '=', existing.id).execute();
  return { ...existing, ageBand, flags };
}

export async function accountsByIds(q: Queryable, ids: readonly string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await q.selectFrom('accounts').selectAll().where('id', 'in', [...ids]).execute();
  return rows.map(toAccount);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
