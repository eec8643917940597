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
    lease_expires_at: null, last_error: null, created_at: now, finished_at: null, dispatched_at: null,
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
 * On Postgres the candidate rows are locked with SKIP LOCKED so concurrent workers never take the same job; call it
 * inside a transaction, which holds those locks until the lease is written.
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
  return leaseJobs(q, ids, owner, now, leaseMs);
}

/**
 * Leases the chosen jobs, re-checking that each is still claimable, so a caller that forgot its transaction (and with
 * it the row locks) still cannot take a finished job or one under a live lease.
 */
async function leaseJobs(q: Queryable, ids: string[], owner: string, now: number, leaseMs: number): Promise<ClaimedJob[]> {
  if (ids.length === 0) return [];
  const rows = await q
    .updateTable('jobs')
    .set((eb) => ({ status: 'leased', lease_owner: owner, lease_expires_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'leased'), eb('lease_expires_at', '<', now)])]))
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

/**
 * Jobs waiting for processing: pending (due or retrying later) and leased (being processed). A covering index
 * range on status (jobs_due or jobs_undispatched), so the cost follows the backlog, not the table's history of
 * done jobs: ~5 ms for 200k waiting on SQLite.
 */
export async function countWaitingJobs(q: Queryable): Promise<number> {
  const row = await q.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'leased']).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function jobCounts(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Distributed mode: takes the processing jobs of the named items (delivered by the work stream) under a lease, when
 * they are due: pending and past run_after, or leased by a worker whose lease has run out. Jobs that are done,
 * failed, not yet due or held by a live lease are left alone; the caller asks `jobStates` what to do with them.
 */
export async function claimJobsForItems(
  q: Queryable,
  opts: { itemIds: readonly string[]; owner: string; leaseMs: number; now: number },
): Promise<ClaimedJob[]> {
  const { itemIds, owner, leaseMs, now } = opts;
  if (itemIds.length === 0) return [];
  let due = q
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', 'process_item')
    .where('item_id', 'in', [...itemIds])
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'pending'), eb('run_after', '<=', now)]),
      eb.and([eb('status', '=', 'leased'), eb('lease_expires_at', '<', now)]),
    ]));
  if (isPostgres(q)) due = due.forUpdate().skipLocked();
  const ids = (await due.execute()).map((r) => r.id);
  return leaseJobs(q, ids, owner, now, leaseMs);
}

export interface JobState {
  itemId: string;
  status: string;
  runAfter: number;
  leaseExpiresAt: number | null;
}

/** The processing job state of each named item (items without a job are absent). */
export async function jobStates(q: Queryable, itemIds: readonly string[]): Promise<Map<string, JobState>> {
  if (itemIds.length === 0) return new Map();
  const rows = await q
    .selectFrom('jobs')
    .select(['item_id', 'status', 'run_after', 'lease_expires_at'])
    .where('kind', '=', 'process_item')
    .where('item_id', 'in', [...itemIds])
    .execute();
  return new Map(rows.map((r) => [r.item_id, {
    itemId: r.item_id, status: r.status, runAfter: Number(r.run_after), leaseExpiresAt: r.lease_expires_at === null ? null : Number(r.lease_expires_at),
  }]));
}

/** Records that these items' jobs were published to the work stream. */
export async function markDispatched(q: Queryable, itemIds: readonly string[], now: number): Promise<void> {
  for (let i = 0; i < itemIds.length; i += 500) {
    await q
      .updateTable('jobs')
      .set({ dispatched_at: now })
      .where('kind', '=', 'process_item')
      .where('item_id', 'in', itemIds.slice(i, i + 500))
      .execute();
  }
}

/**
 * Jobs the work stream no longer carries: never published (the process that committed them died before it could),
 * or leased by a worker that died so long ago that the stream would have redelivered their message already (it was
 * acknowledged by a worker that had lost the lease). Distributed workers claim these from the table directly.
 */
export async function claimStrandedJobs(
  q: Queryable,
  opts: { owner: string; limit: number; leaseMs: number; now: number; unpublishedAfterMs: number; abandonedAfterMs: number },
): Promise<ClaimedJob[]> {
  const { owner, limit, leaseMs, now } = opts;
  const pg = isPostgres(q);
  let unpublished = q
    .selectFrom('jobs')
    .select('id')
    .where('status', '=', 'pending')
    .where('run_after', '<=', now)
    .where('dispatched_at', 'is', null)
    .where('created_at', '<', now - opts.unpublishedAfterMs)
    .limit(limit);
  if (pg) unpublished = unpublished.forUpdate().skipLocked();
  const ids = (await unpublished.execute()).map((r) => r.id);
  if (ids.length < limit) {
    let abandoned = q
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'leased')
      .where('lease_expires_at', '<', now - opts.abandonedAfterMs)
      .limit(limit - ids.length);
    if (pg) abandoned = abandoned.forUpdate().skipLocked();
    ids.push(...(await abandoned.execute()).map((r) => r.id));
  }
  return leaseJobs(q, ids, owner, now, leaseMs);
}
