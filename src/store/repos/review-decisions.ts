import type { Selectable } from 'kysely';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import type { ReviewDecisionsTable, ReviewTasksTable } from '../schema.js';

export type ReviewOutcome = 'final' | 'pending_second' | 'confirmed' | 'overridden' | 'escalated' | 'recorded';

export interface ReviewDecisionRecord {
  id: string;
  taskId: string;
  itemId: string;
  kind: string;
  reviewer: string;
  verdict: string;
  category: string | null;
  severity: string;
  labels: string[];
  policyClause: string | null;
  note: string | null;
  actions: string[];
  outcome: ReviewOutcome;
  decisionId: string | null;
  subjectDecisionId: string | null;
  agrees: boolean | null;
  bulkId: string | null;
  claimedAt: number | null;
  createdAt: number;
}

export type TaskRow = Selectable<ReviewTasksTable>;

export function toReviewDecision(r: Selectable<ReviewDecisionsTable>): ReviewDecisionRecord {
  return {
    id: r.id, taskId: r.task_id, itemId: r.item_id, kind: r.kind, reviewer: r.reviewer, verdict: r.verdict, category: r.category,
    severity: r.severity, labels: fromJson<string[]>(r.labels), policyClause: r.policy_clause, note: r.note,
    actions: fromJson<string[]>(r.actions), outcome: r.outcome as ReviewOutcome, decisionId: r.decision_id,
    subjectDecisionId: r.subject_decision_id, agrees: r.agrees === null ? null : r.agrees === 1, bulkId: r.bulk_id,
    claimedAt: r.claimed_at === null ? null : Number(r.claimed_at), createdAt: Number(r.created_at),
  };
}

export async function insertReviewDecision(q: Queryable, d: ReviewDecisionRecord): Promise<void> {
  await q
    .insertInto('review_decisions')
    .values({
      id: d.id, task_id: d.taskId, item_id: d.itemId, kind: d.kind, reviewer: d.reviewer, verdict: d.verdict, category: d.category,
      severity: d.severity, labels: toJson(d.labels), policy_clause: d.policyClause, note: d.note, actions: toJson(d.actions),
      outcome: d.outcome, decision_id: d.decisionId, subject_decision_id: d.subjectDecisionId,
      agrees: d.agrees === null ? null : d.agrees ? 1 : 0, bulk_id: d.bulkId, claimed_at: d.claimedAt, created_at: d.createdAt,
    })
    .execute();
}

export async function updateReviewDecision(
  q: Queryable, id: string, set: { outcome?: ReviewOutcome; decisionId?: string | null },
): Promise<void> {
  await q
    .updateTable('review_decisions')
    .set({
      ...(set.outcome !== undefined ? { outcome: set.outcome } : {}),
      ...(set.decisionId !== undefined ? { decision_id: set.decisionId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** The decision a task's reviewer made that is still waiting on a second reviewer. */
export async function pendingDecisionOfTask(q: Queryable, taskId: string): Promise<ReviewDecisionRecord | null> {
  const row = await q
    .selectFrom('review_decisions')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('outcome', '=', 'pending_second')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toReviewDecision(row) : null;
}

/** The reviewer decision that produced an enforcement decision, if a person made it. */
export async function reviewDecisionBehind(q: Queryable, decisionId: string): Promise<ReviewDecisionRecord | null> {
  // The earliest: for a confirmed decision, the first reviewer's (who is accountable for it), not the second's.
  const row = await q.selectFrom('review_decisions').selectAll().where('decision_id', '=', decisionId).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row ? toReviewDecision(row) : null;
}

export async function reviewDecisionsForItem(q: Queryable, itemId: string): Promise<ReviewDecisionRecord[]> {
  const rows = await q.selectFrom('review_decisions').selectAll().where('item_id', '=', itemId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toReviewDecision);
}

export async function getTask(q: Queryable, taskId: string, opts: { lock?: boolean } = {}): Promise<TaskRow | null> {
  let query = q.selectFrom('review_tasks').selectAll().where('id', '=', taskId);
  if (opts.lock && isPostgres(q)) query = query.forUpdate();
  return (await query.executeTakeFirst()) ?? null;
}

export async function updateTask(
  q: Queryable,
  taskId: string,
  set: Partial<Pick<TaskRow, 'status' | 'queue' | 'kind' | 'claimed_by' | 'claimed_at' | 'lease_until' | 'decided_at' | 'assigned_to' | 'sla_due_at' | 'priority'>>,
): Promise<void> {
  await q.updateTable('review_tasks').set(set).where('id', '=', taskId).execute();
}

export interface TaskListFilter {
  queue?: string | undefined;
  status?: string | undefined;
  clusterKey?: string | undefined;
  assignedTo?: string | undefined;
  claimedBy?: string | undefined;
  kind?: string | undefined;
  limit: number;
}

export async function listTasks(q: Queryable, f: TaskListFilter): Promise<TaskRow[]> {
  let query = q.selectFrom('review_tasks').selectAll();
  if (f.queue) query = query.where('queue', '=', f.queue);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.clusterKey) query = query.where('cluster_key', '=', f.clusterKey);
  if (f.assignedTo) query = query.where('assigned_to', '=', f.assignedTo);
  if (f.claimedBy) query = query.where('claimed_by', '=', f.claimedBy);
  if (f.kind) query = query.where('kind', '=', f.kind);
  return query.orderBy('priority', 'desc').orderBy('id').limit(f.limit).execute();
}

export interface QueueDepth {
  queue: string;
  open: number;
  claimed: number;
  overdue: number;
  oldestCreatedAt: number | null;
}

/** Open work per queue: how much, how much is under lease, how much is past its SLA, and the oldest. */
export async function queueDepths(q: Queryable, now: number): Promise<QueueDepth[]> {
  const rows = await q
    .selectFrom('review_tasks')
    .select((eb) => [
      'queue',
      eb.fn.countAll<number | string>().as('open'),
      eb.fn.count<number | string>('claimed_by').as('claimed'),
      eb.fn.sum<number | string>(eb.case().when('sla_due_at', '<', now).then(1).else(0).end()).as('overdue'),
      eb.fn.min<number | string | null>('created_at').as('oldest'),
    ])
    .where('status', 'in', ['open', 'held'])
    .groupBy('queue')
    .execute();
  return rows.map((r) => ({
    queue: r.queue, open: Number(r.open), claimed: Number(r.claimed), overdue: Number(r.overdue ?? 0),
    oldestCreatedAt: r.oldest === null ? null : Number(r.oldest),
  }));
}

/** Open clusters in a queue: items one decision could cover together (more than one task per key). */
export async function openClusters(q: Queryable, queue: string | null, limit: number) {
  let query = q
    .selectFrom('review_tasks')
    .select((eb) => ['cluster_key', eb.fn.countAll<number | string>().as('tasks'), eb.fn.max('priority').as('priority')])
    .where('status', '=', 'open')
    .where('cluster_key', 'is not', null);
  if (queue) query = query.where('queue', '=', queue);
  const rows = await query.groupBy('cluster_key').having((eb) => eb.fn.countAll(), '>', 1).orderBy('tasks', 'desc').limit(limit).execute();
  return rows.map((r) => ({ clusterKey: r.cluster_key as string, tasks: Number(r.tasks), priority: r.priority === null ? null : Number(r.priority) }));
}
