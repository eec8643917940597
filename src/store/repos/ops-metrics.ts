import { computeOpsMetrics, NON_ENFORCEMENT_ACTIONS, type OpsDecisionRow, type OpsHumanDecisionRow, type OpsMetrics, type OpsRows } from '../../review/ops/metrics.js';
import type { OpsWindow } from '../../review/ops/buckets.js';
import { DEFAULT_OPS_TARGETS, type OpsTargets } from '../../review/ops/targets.js';
import type { SelectQueryBuilder } from 'kysely';
import type { Queryable } from '../db.js';
import type { Database } from '../schema.js';
import { latestConfig } from './config.js';

/**
 * Loads the rows the operations dashboard is computed from, for one window. Every query starts from an indexed
 * range or list so the cost follows the window's activity, not the size of the tables:
 *   review_tasks      decided_at >= from (review_tasks_decided) and the open statuses (review_tasks_open)
 *   review_decisions  created_at in the window (review_decisions_created); subjects by item_id
 *   decisions         verdict = 'violating' and created_at in the window (decisions_verdict): only violating
 *                     decisions carry enforcement actions (core/policy.ts, review/decide.ts), and an action is
 *                     created with its decision; the items' actions by item_id (actions_item)
 *   appeals           resolved ones filed before `to` (appeals_status), then resolved_at in the window
 *   report_exchanges  the acknowledged submit step in the window (a few rows per report)
 */

/** Task statuses that are still waiting for someone (see the review contract). */
export const OPEN_TASK_STATUSES = ['open', 'held', 'awaiting_second'] as const;

export async function loadOpsMetrics(q: Queryable, window: OpsWindow, targets: OpsTargets): Promise<OpsMetrics> {
  return computeOpsMetrics(await loadOpsRows(q, window), window, targets);
}

/** The manager's current targets (config kind 'ops_targets'); the defaults before any is deployed. */
export async function currentOpsTargets(q: Queryable): Promise<OpsTargets> {
  return (await latestConfig<OpsTargets>(q, 'ops_targets'))?.document ?? DEFAULT_OPS_TARGETS;
}

export async function loadOpsRows(q: Queryable, w: OpsWindow): Promise<OpsRows> {
  const [tasks, reviewDecisions, actioned, subjects, appeals, reports] = await Promise.all([
    loadTasks(q, w), loadReviewDecisions(q, w), loadActioned(q, w), loadQaSubjects(q, w), loadAppeals(q, w), loadReports(q, w),
  ]);
  return {
    tasks,
    reviewDecisions,
    actions: actioned.actions,
    items: actioned.items,
    humanDecisions: uniqueBy([...actioned.human, ...subjects.human, ...appeals.human], (h) => h.reviewDecisionId),
    decisions: uniqueBy([...subjects.decisions, ...appeals.decisions], (d) => d.id),
    appeals: appeals.appeals,
    reports,
  };
}

/** Tasks decided since `from` (the window, and any open at a bucket's end) plus those still waiting. */
async function loadTasks(q: Queryable, w: OpsWindow): Promise<OpsRows['tasks']> {
  const columns = ['id', 'queue', 'kind', 'status', 'created_at', 'sla_due_at', 'decided_at'] as const;
  const [decided, waiting] = await Promise.all([
    q.selectFrom('review_tasks').select(columns).where('decided_at', '>=', w.from).where('created_at', '<', w.to).execute(),
    q.selectFrom('review_tasks').select(columns)
      .where('status', 'in', [...OPEN_TASK_STATUSES]).where('created_at', '<', w.to).execute(),
  ]);
  return uniqueBy([...decided, ...waiting], (t) => t.id).map((t) => ({
    id: t.id, queue: t.queue, kind: t.kind, status: t.status, createdAt: Number(t.created_at),
    slaDueAt: t.sla_due_at === null ? null : Number(t.sla_due_at), decidedAt: t.decided_at === null ? null : Number(t.decided_at),
  }));
}

async function loadReviewDecisions(q: Queryable, w: OpsWindow): Promise<OpsRows['reviewDecisions']> {
  const rows = await q
    .selectFrom('review_decisions')
    .select(['id', 'reviewer', 'kind', 'created_at', 'agrees', 'subject_decision_id'])
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .execute();
  return rows.map((r) => ({
    id: r.id, reviewer: r.reviewer, kind: r.kind, createdAt: Number(r.created_at),
    agrees: r.agrees === null ? null : Number(r.agrees) === 1, subjectDecisionId: r.subject_decision_id,
  }));
}

/** Items with a violating decision in the window: all their enforcement actions, ingest times and human decisions. */
async function loadActioned(q: Queryable, w: OpsWindow) {
  const candidates = q
    .selectFrom('decisions')
    .select('item_id')
    .where('verdict', '=', 'violating')
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to);
  const [actions, items, human] = await Promise.all([
    q.selectFrom('actions').select(['id', 'item_id', 'decision_id', 'type', 'created_at'])
      .where('item_id', 'in', candidates).where('type', 'not in', [...NON_ENFORCEMENT_ACTIONS]).execute(),
    q.selectFrom('items').select(['id', 'ingested_at']).where('id', 'in', candidates).execute(),
    humanDecisionsOfItems(q, candidates),
  ]);
  return {
    actions: actions.map((a) => ({ id: a.id, itemId: a.item_id, decisionId: a.decision_id, type: a.type, createdAt: Number(a.created_at) })),
    items: items.map((i) => ({ id: i.id, ingestedAt: Number(i.ingested_at) })),
    human,
  };
}

/** What the window's QA checks checked: the reviewers' decisions and the enforcement decisions on those items. */
async function loadQaSubjects(q: Queryable, w: OpsWindow) {
  const qaItems = q
    .selectFrom('review_decisions')
    .select('item_id')
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .where('kind', '=', 'qa');
  const [human, decisions] = await Promise.all([
    humanDecisionsOfItems(q, qaItems),
    q.selectFrom('decisions').select(['id', 'category']).where('item_id', 'in', qaItems).execute(),
  ]);
  return { human, decisions: decisions as OpsDecisionRow[] };
}

async function loadAppeals(q: Queryable, w: OpsWindow) {
  const resolved = () =>
    q
      .selectFrom('appeals')
      .where('status', 'in', ['upheld', 'overturned'])
      .where('filed_at', '<', w.to)
      .where('resolved_at', '>=', w.from)
      .where('resolved_at', '<', w.to);
  const [appeals, human, decisions] = await Promise.all([
    resolved().select(['id', 'decision_id', 'status', 'resolved_at']).execute(),
    humanDecisionsOfItems(q, resolved().select('item_id')),
    q.selectFrom('decisions').select(['id', 'category']).where('id', 'in', resolved().select('decision_id')).execute(),
  ]);
  return {
    appeals: appeals.map((a) => ({
      id: a.id, decisionId: a.decision_id, outcome: a.status as 'upheld' | 'overturned', resolvedAt: Number(a.resolved_at),
    })),
    human,
    decisions: decisions as OpsDecisionRow[],
  };
}

/** A subquery selecting item ids, so lists of ids never travel to the database and back. */
type ItemIds = SelectQueryBuilder<Database, keyof Database, { item_id: string }>;

/** Reviewer decisions on the given items that produced an enforcement decision (review_decisions_item). */
async function humanDecisionsOfItems(q: Queryable, itemIds: ItemIds): Promise<OpsHumanDecisionRow[]> {
  const rows = await q
    .selectFrom('review_decisions')
    .select(['id', 'decision_id', 'kind', 'reviewer', 'category', 'created_at'])
    .where('item_id', 'in', itemIds)
    .where('decision_id', 'is not', null)
    .execute();
  return rows.map((r) => ({
    reviewDecisionId: r.id, decisionId: r.decision_id as string, kind: r.kind, reviewer: r.reviewer, category: r.category,
    createdAt: Number(r.created_at),
  }));
}

/** Report jobs NCMEC acknowledged in the window, with the ingest time of each job's earliest item. */
async function loadReports(q: Queryable, w: OpsWindow): Promise<OpsRows['reports']> {
  const rows = await q
    .selectFrom('report_exchanges as x')
    .leftJoin('report_job_items as ji', 'ji.job_id', 'x.job_id')
    .leftJoin('items as i', 'i.id', 'ji.item_id')
    .select((eb) => ['x.job_id', eb.fn.min('x.at').as('submitted_at'), eb.fn.min('i.ingested_at').as('first_ingested_at')])
    .where('x.step', '=', 'submit')
    .where('x.outcome', '=', 'ok')
    .where('x.at', '>=', w.from)
    .where('x.at', '<', w.to)
    .groupBy('x.job_id')
    .execute();
  return rows.map((r) => ({
    jobId: r.job_id, submittedAt: Number(r.submitted_at),
    firstItemIngestedAt: r.first_ingested_at === null ? null : Number(r.first_ingested_at),
  }));
}

function uniqueBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}
