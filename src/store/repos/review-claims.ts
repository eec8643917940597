import { sql } from 'kysely';
import { priorityOf } from '../../review/priority.js';
import { isPostgres, type Queryable } from '../db.js';
import { NO_SLA_SORT_KEY } from '../migrations/011-review-claims.js';

export interface ClaimedTask {
  taskId: string;
  itemId: string;
  decisionId: string;
  queue: string;
  category: string | null;
  severity: string;
  priority: number;
  slaDueAt: number | null;
  claimedBy: string;
  claimedAt: number;
  leaseUntil: number;
}

const CHUNK = 500;
// Literals, not parameters: SQLite uses a partial index only when the query's terms visibly imply its WHERE.
const OPEN = sql.lit('open');

interface ScoringRow {
  id: string;
  severity: string;
  ongoing_harm: number;
  sla_due_at: number | null;
  created_at: number;
  reach: number;
  priority: number | null;
}

function scoreOf(r: ScoringRow, now: number): number {
  return priorityOf({ severity: r.severity, ongoingHarm: r.ongoing_harm === 1, slaDueAt: r.sla_due_at, createdAt: r.created_at, reach: r.reach }, now);
}

/** Writes new priorities, one UPDATE per distinct value and chunk; returns how many rows changed. */
async function writePriorities(q: Queryable, rows: readonly ScoringRow[], now: number, opts: { onlyUnscored?: boolean } = {}): Promise<number> {
  const byPriority = new Map<number, string[]>();
  for (const r of rows) {
    const p = scoreOf(r, now);
    if (p === r.priority) continue;
    const ids = byPriority.get(p) ?? [];
    ids.push(r.id);
    byPriority.set(p, ids);
  }
  let changed = 0;
  for (const [priority, ids] of byPriority) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      let update = q.updateTable('review_tasks').set({ priority }).where('id', 'in', ids.slice(i, i + CHUNK));
      if (opts.onlyUnscored) update = update.where('priority', 'is', null);
      await update.execute();
    }
    changed += ids.length;
  }
  return changed;
}

const SCORING_COLUMNS = ['id', 'severity', 'ongoing_harm', 'sla_due_at', 'created_at', 'reach', 'priority'] as const;

/** Scores open tasks of these queues that nobody has scored yet (created by a path that does not compute priority). */
export async function scoreUnscoredTasks(q: Queryable, queues: readonly string[], now: number): Promise<number> {
  // No row locks on the read: a locking read keeps rows it rechecked locked, and claimers skip locked rows. The
  // write is guarded instead, so when two claimers score the same new task only the first one writes.
  // Only the unscored index's own terms, so SQLite walks it rather than the per-status index over the backlog.
  const unscored = await q
    .selectFrom('review_tasks')
    .select([...SCORING_COLUMNS, 'status'])
    .where('priority', 'is', null)
    .where('queue', 'in', [...queues])
    .execute();
  return writePriorities(q, unscored.filter((r) => r.status === 'open'), now, { onlyUnscored: true });
}

/**
 * Recomputes priority for open tasks whose score can have moved: unscored ones and those past their SLA (their
 * overdue points grow with time). Meant to run periodically; returns how many changed.
 */
export async function refreshReviewPriorities(q: Queryable, now: number): Promise<number> {
  const rows = await q
    .selectFrom('review_tasks')
    .select(SCORING_COLUMNS)
    .where('status', '=', OPEN)
    .where((eb) => eb.or([eb('priority', 'is', null), eb('sla_due_at', '<=', now)]))
    .execute();
  return writePriorities(q, rows, now);
}

/**
 * The periodic refresh, run by one process at a time: every worker runs the loop, and on Postgres a transaction-level
 * advisory lock lets one of them refresh while the others skip the round (null), so N workers never rewrite the same
 * rows at once. SQLite has one writer anyway.
 */
export const PRIORITY_REFRESH_LOCK = 7311010;

export async function refreshReviewPrioritiesExclusive(q: Queryable, now: number): Promise<number | null> {
  return q.transaction().execute(async (trx) => {
    if (isPostgres(trx)) {
      const r = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${PRIORITY_REFRESH_LOCK}) AS locked`.execute(trx);
      if (!r.rows[0]?.locked) return null;
    }
    return refreshReviewPriorities(trx, now);
  });
}

/** Sets or clears the ongoing-harm flag of a task and rescoring it; false when there is no such task. */
export async function setOngoingHarm(q: Queryable, taskId: string, ongoingHarm: boolean, now: number): Promise<boolean> {
  const row = await q.selectFrom('review_tasks').select(SCORING_COLUMNS).where('id', '=', taskId).executeTakeFirst();
  if (!row) return false;
  const flagged = { ...row, ongoing_harm: ongoingHarm ? 1 : 0 };
  await q.updateTable('review_tasks').set({ ongoing_harm: flagged.ongoing_harm, priority: scoreOf(flagged, now) }).where('id', '=', taskId).execute();
  return true;
}

/** Ends leases that ran out in these queues (null: in every queue), so their tasks are claimable again in their own priority order. */
export async function expireLeases(q: Queryable, queues: readonly string[] | null, now: number): Promise<number> {
  // Walks the lease index alone; the queue is checked afterwards, since naming it here would let SQLite pick
  // the per-status index and scan the backlog.
  let expired = q
    .selectFrom('review_tasks')
    .select(['id', 'queue'])
    .where('claimed_by', 'is not', null)
    .where('lease_until', '<', now);
  // Skipping locked rows: a task another claimer is expiring or taking right now is theirs to handle.
  if (isPostgres(q)) expired = expired.forUpdate().skipLocked();
  const wanted = queues ? new Set(queues) : null;
  const ids = (await expired.execute()).filter((r) => !wanted || wanted.has(r.queue)).map((r) => r.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    await q
      .updateTable('review_tasks')
      .set({ claimed_by: null, claimed_at: null, lease_until: null })
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .where('lease_until', '<', now)
      .execute();
  }
  return ids.length;
}

/** The order claims follow; SQLite needs the same expression as its index to walk it instead of sorting. */
function dueOrder(q: Queryable) {
  return isPostgres(q) ? sql`sla_due_at` : sql`coalesce(sla_due_at, ${sql.lit(NO_SLA_SORT_KEY)})`;
}

/**
 * The best claimable task of one queue: open, scored, not under lease. With `lock` (Postgres) the row is locked
 * and rows other claimers hold are skipped, so concurrent claimers walk past each other instead of colliding.
 */
export interface ClaimFilter {
  /** The reviewer claiming: tasks checking their own decision (second review, QA) are skipped. */
  reviewer: string;
  /** Past their exposure limit: no high-severity media for the rest of the day. */
  skipHighSeverityMedia: boolean;
}

/**
 * The best claimable task of one queue: open, scored, not under lease, not assigned to a named colleague. With
 * `lock` (Postgres) the row is locked and rows other claimers hold are skipped, so concurrent claimers walk past
 * each other instead of colliding.
 */
export async function nextClaimable(q: Queryable, queue: string, opts: { lock: boolean; filter?: ClaimFilter }) {
  let query = q
    .selectFrom('review_tasks')
    .select(['id', 'priority', 'sla_due_at'])
    .where('queue', '=', queue)
    .where('status', '=', OPEN)
    .where('claimed_by', 'is', null)
    .where('priority', 'is not', null)
    .where('assigned_to', 'is', null);
  const filter = opts.filter;
  if (filter) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(exists(
        selectFrom('review_decisions as own')
          .select('own.id')
          .whereRef('own.task_id', '=', 'review_tasks.parent_task_id')
          .where('own.reviewer', '=', filter.reviewer),
      )));
    if (filter.skipHighSeverityMedia) {
      query = query.where((eb) => eb.or([eb('has_media', '=', 0), eb('severity', 'not in', HIGH_SEVERITY)]));
    }
  }
  query = query.orderBy('priority', 'desc').orderBy(dueOrder(q)).orderBy('id').limit(1);
  if (opts.lock && isPostgres(q)) query = query.forUpdate().skipLocked();
  const row = await query.executeTakeFirst();
  return row ? { id: row.id, priority: row.priority as number, slaDueAt: row.sla_due_at } : undefined;
}

const HIGH_SEVERITY = ['S0', 'S1'];

/** The best open task assigned to this reviewer by name, in any queue. */
export async function nextAssigned(q: Queryable, filter: ClaimFilter, opts: { lock: boolean }) {
  let query = q
    .selectFrom('review_tasks')
    .select(['id', 'priority', 'sla_due_at'])
    .where('assigned_to', '=', filter.reviewer)
    .where('status', '=', OPEN)
    .where('claimed_by', 'is', null);
  if (filter.skipHighSeverityMedia) query = query.where((eb) => eb.or([eb('has_media', '=', 0), eb('severity', 'not in', HIGH_SEVERITY)]));
  query = query.orderBy('priority', 'desc').orderBy('id').limit(1);
  if (opts.lock && isPostgres(q)) query = query.forUpdate().skipLocked();
  const row = await query.executeTakeFirst();
  return row ? { id: row.id, priority: row.priority ?? 0, slaDueAt: row.sla_due_at } : undefined;
}

/** Leases one task to a reviewer if nobody holds it; undefined when someone got there first. */
export async function leaseTask(
  q: Queryable,
  taskId: string,
  opts: { reviewer: string; leaseMs: number; now: number },
): Promise<ClaimedTask | undefined> {
  const row = await q
    .updateTable('review_tasks')
    .set({ claimed_by: opts.reviewer, claimed_at: opts.now, lease_until: opts.now + opts.leaseMs })
    .where('id', '=', taskId)
    .where('status', '=', OPEN)
    .where('claimed_by', 'is', null)
    .where((eb) => eb.or([eb('assigned_to', 'is', null), eb('assigned_to', '=', opts.reviewer)]))
    .returning(['id', 'item_id', 'decision_id', 'queue', 'category', 'severity', 'priority', 'sla_due_at', 'claimed_by', 'claimed_at', 'lease_until'])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    taskId: row.id, itemId: row.item_id, decisionId: row.decision_id, queue: row.queue, category: row.category, severity: row.severity,
    priority: row.priority ?? 0, slaDueAt: row.sla_due_at, claimedBy: opts.reviewer, claimedAt: opts.now, leaseUntil: opts.now + opts.leaseMs,
  };
}

/**
 * Extends a reviewer's lease. Works while the task is still theirs, even just after the lease ran out, as long as
 * no claim has expired it since; returns the new lease end, or null when the task is no longer theirs.
 */
export async function renewTaskLease(
  q: Queryable,
  taskId: string,
  opts: { reviewer: string; leaseMs: number; now: number },
): Promise<number | null> {
  const leaseUntil = opts.now + opts.leaseMs;
  const row = await q
    .updateTable('review_tasks')
    .set({ lease_until: leaseUntil })
    .where('id', '=', taskId)
    .where('status', '=', OPEN)
    .where('claimed_by', '=', opts.reviewer)
    .returning('id')
    .executeTakeFirst();
  return row ? leaseUntil : null;
}

/** Gives a task back to its queue; false when the reviewer did not hold it. */
export async function releaseTask(q: Queryable, taskId: string, reviewer: string): Promise<boolean> {
  const row = await q
    .updateTable('review_tasks')
    .set({ claimed_by: null, claimed_at: null, lease_until: null })
    .where('id', '=', taskId)
    .where('claimed_by', '=', reviewer)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
