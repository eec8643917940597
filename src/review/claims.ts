import { z } from 'zod';
import type { Db, Queryable } from '../store/db.js';
import { appendEvents } from '../store/repos/events.js';
import {
  type ClaimedTask, expireLeases, leaseTask, nextAssigned, nextClaimable, releaseTask, renewTaskLease, scoreUnscoredTasks,
} from '../store/repos/review-claims.js';

export type { ClaimedTask };

const reviewer = z.string().trim().min(1, 'reviewer must not be empty');
const leaseMs = z.number().int().positive('leaseMs must be a positive number of milliseconds');
const now = z.number().int().nonnegative();

export const claimNextOptionsSchema = z.strictObject({
  reviewer,
  queues: z.array(z.string().min(1, 'a queue name must not be empty')).min(1, 'queues must name at least one queue'),
  leaseMs,
  now,
  /** Past the reviewer's exposure limit: no high-severity media until the next day. */
  skipHighSeverityMedia: z.boolean().default(false),
});
export type ClaimNextOptions = z.input<typeof claimNextOptionsSchema>;

export const renewLeaseOptionsSchema = z.strictObject({ taskId: z.string().min(1), reviewer, leaseMs, now });
export type RenewLeaseOptions = z.input<typeof renewLeaseOptionsSchema>;

export const releaseClaimOptionsSchema = z.strictObject({ taskId: z.string().min(1), reviewer });
export type ReleaseClaimOptions = z.input<typeof releaseClaimOptionsSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`invalid ${what}: ${result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/** Runs `fn` in a transaction, or inside the caller's when it already holds one. */
function inTransaction<T>(q: Db, fn: (trx: Queryable) => Promise<T>): Promise<T> {
  return q.isTransaction ? fn(q) : q.transaction().execute(fn);
}

/** Same order as the claimable index: priority high first, then SLA due early first (none last), then id. */
function better(a: { id: string; priority: number; slaDueAt: number | null }, b: typeof a): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  const ad = a.slaDueAt ?? Number.POSITIVE_INFINITY;
  const bd = b.slaDueAt ?? Number.POSITIVE_INFINITY;
  if (ad !== bd) return ad < bd;
  return a.id < b.id;
}

/**
 * Leases the highest-priority open task of the given queues that no live lease holds to the reviewer, and records
 * 'review_claimed'. Returns null when there is nothing to claim. Two reviewers never get the same task: on
 * Postgres candidates are taken with FOR UPDATE SKIP LOCKED; SQLite transactions take the write lock up front.
 */
export async function claimNext(q: Db, options: ClaimNextOptions): Promise<ClaimedTask | null> {
  const opts = parse(claimNextOptionsSchema, options, 'claim options');
  const queues = [...new Set(opts.queues)];
  // Tasks should be scored when created; this scores any that were not, committed on its own before the claim.
  // Under concurrency a claimer may briefly find such tasks unscored (or being scored) and skip them.
  await inTransaction(q, (trx) => scoreUnscoredTasks(trx, queues, opts.now));
  return inTransaction(q, async (trx) => {
    // Every queue: a task assigned by name may sit in a queue the reviewer does not work.
    await expireLeases(trx, null, opts.now);
    const filter = { reviewer: opts.reviewer, skipHighSeverityMedia: opts.skipHighSeverityMedia };
    // Work assigned to the reviewer by name comes before their queues.
    let best: Awaited<ReturnType<typeof nextClaimable>> = await nextAssigned(trx, filter, { lock: true });
    for (const queue of best ? [] : queues) {
      const candidate = await nextClaimable(trx, queue, { lock: true, filter });
      if (candidate && (!best || better(candidate, best))) best = candidate;
    }
    if (!best) return null;
    const claimed = await leaseTask(trx, best.id, { reviewer: opts.reviewer, leaseMs: opts.leaseMs, now: opts.now });
    if (!claimed) return null;
    await appendEvents(trx, [{
      type: 'review_claimed', itemId: claimed.itemId, accountId: null, actor: claimed.claimedBy, versions: {},
      payload: { taskId: claimed.taskId, queue: claimed.queue, priority: claimed.priority, leaseUntil: claimed.leaseUntil },
    }], opts.now);
    return claimed;
  });
}

/** Extends the reviewer's lease on a task; the new lease end, or null when the task is no longer theirs. */
export async function renewLease(q: Db, options: RenewLeaseOptions): Promise<number | null> {
  const opts = parse(renewLeaseOptionsSchema, options, 'lease renewal');
  return renewTaskLease(q, opts.taskId, opts);
}

/** Gives the task back to its queue; false when the reviewer did not hold it. */
export async function releaseClaim(q: Db, options: ReleaseClaimOptions): Promise<boolean> {
  const opts = parse(releaseClaimOptionsSchema, options, 'claim release');
  return releaseTask(q, opts.taskId, opts.reviewer);
}
