import type { ItemId, JobId } from '../../core/ids.js';
import { isPostgres, type Queryable } from '../db.js';
import { newId } from '../ids.js';

export type JobKind = 'process_item';

export interface ClaimedJob {
  id: JobId;
  kind: JobKind;
  itemId: ItemId;
  attempts: number;
}

export function jobRow(kind: JobKind, itemId: string, now: number) {
  return {
    id: newId(), kind, item_id: itemId, status: 'pending', attempts: 0, run_after: now, lease_owner: null,
    lease_expires_at: null, last_error: null, created_at: now, finished_at: null,
  };
}

export async function enqueueJobs(q: Queryable, kind: JobKind, itemIds: readonly string[], now: number): Promise<void> {
  for (let i = 0; i < itemIds.length; i += 500) {
    await q
      .insertInto('jobs')
      .values(itemIds.slice(i, i + 500).map((id) => jobRow(kind, id, now)))
      .onConflict((oc) => oc.columns(['kind', 'item_id']).doNothing())
      .execute();
  }
}

/**
 * Takes up to `limit` due jobs under a lease. A job whose lease has run out (its worker died) is due again.
 * On Postgres the candidate rows are locked with SKIP LOCKED so concurrent workers never take the same job.
 */
export async function claimJobs(
  q: Queryable,
  opts: { owner: string; limit: number; leaseMs: number; now: number },
): Promise<ClaimedJob[]> {
  const { owner, limit, leaseMs, now } = opts;
  const pg = isPostgres(q);
  // Two index walks that stop at the limit, instead of one OR that sorts the whole backlog: jobs whose worker
  // died come first, then due jobs in order.
  let expired = q.selectFrom('jobs').select('id').where('status', '=', 'leased').where('lease_expires_at', '<', now).limit(limit);
  if (pg) expired = expired.forUpdate().skipLocked();
  const ids = (await expired.execute()).map((r) => r.id);
  if (ids.length < limit) {
    let due = q.selectFrom('jobs').select('id').where('status', '=', 'pending').where('run_after', '<=', now).orderBy('run_after').limit(limit - ids.length);
    if (pg) due = due.forUpdate().skipLocked();
    ids.push(...(await due.execute()).map((r) => r.id));
  }
  if (ids.length === 0) return [];
  const rows = await q
    .updateTable('jobs')
    .set((eb) => ({ status: 'leased', lease_owner: owner, lease_expires_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .returning(['id', 'kind', 'item_id', 'attempts'])
    .execute();
  return rows.map((r) => ({ id: r.id as JobId, kind: r.kind as JobKind, itemId: r.item_id as ItemId, attempts: r.attempts }));
}

/** Marks jobs done, but only those this worker still holds: a job re-leased to another worker is theirs now. */
export async function completeJobs(q: Queryable, ids: readonly string[], owner: string, now: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, lease_owner: null, lease_expires_at: null })
    .where('id', 'in', [...ids])
    .where('lease_owner', '=', owner)
    .where('status', '=', 'leased')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function failJob(
  q: Queryable,
  id: string,
  owner: string,
  error: string,
  opts: { now: number; retryAt: number | null },
): Promise<void> {
  await q
    .updateTable('jobs')
    .set(opts.retryAt === null
      ? { status: 'failed', last_error: error, finished_at: opts.now, lease_owner: null, lease_expires_at: null }
      : { status: 'pending', last_error: error, run_after: opts.retryAt, lease_owner: null, lease_expires_at: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function jobCounts(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
