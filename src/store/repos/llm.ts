import { sql } from 'kysely';
import type { SpendLedger } from '../../detectors/llm/resilience/budget.js';
import { fromJson, type Queryable, toJson } from '../db.js';

export interface LlmCacheRow {
  verdict: unknown;
  createdAt: number;
  hits: number;
}

/** A cached verdict, counting the hit. */
export async function takeLlmCacheEntry(q: Queryable, key: string): Promise<LlmCacheRow | null> {
  const row = await q
    .updateTable('llm_cache')
    .set({ hits: sql`hits + 1` })
    .where('key', '=', key)
    .returning(['verdict', 'created_at', 'hits'])
    .executeTakeFirst();
  return row ? { verdict: fromJson(row.verdict), createdAt: Number(row.created_at), hits: Number(row.hits) } : null;
}

/** Stores a verdict; a concurrent writer of the same key wins or loses harmlessly (same question, same answer). */
export async function putLlmCacheEntry(q: Queryable, key: string, verdict: unknown, now: number): Promise<void> {
  await q
    .insertInto('llm_cache')
    .values({ key, verdict: toJson(verdict), created_at: now, hits: 0 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ verdict: toJson(verdict), created_at: now }))
    .execute();
}

/** Drops entries created before `before`; returns how many. */
export async function pruneLlmCache(q: Queryable, before: number): Promise<number> {
  const r = await q.deleteFrom('llm_cache').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface LlmSpendDay {
  day: string;
  usd: number;
  calls: number;
}

export async function llmSpendOn(q: Queryable, day: string): Promise<LlmSpendDay> {
  const row = await q.selectFrom('llm_spend').selectAll().where('day', '=', day).executeTakeFirst();
  return row ? { day, usd: Number(row.usd), calls: Number(row.calls) } : { day, usd: 0, calls: 0 };
}

/** Adds one call's cost to its day, atomically (an upsert, so concurrent workers never lose a call). */
export async function addLlmSpend(q: Queryable, day: string, usd: number): Promise<void> {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`LLM spend must be a non-negative number, got ${usd}`);
  await q
    .insertInto('llm_spend')
    .values({ day, usd, calls: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ usd: sql`llm_spend.usd + excluded.usd`, calls: sql`llm_spend.calls + 1` }))
    .execute();
}

/** Daily LLM spend kept in the database, shared by every worker: the resilient wrapper's budget reads it. */
export function dbSpendLedger(q: Queryable): SpendLedger {
  return {
    async spentUsd(day: string): Promise<number> {
      return (await llmSpendOn(q, day)).usd;
    },
    async record(day: string, costUsd: number): Promise<void> {
      await addLlmSpend(q, day, costUsd);
    },
  };
}
