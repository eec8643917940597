import { calendarBuckets, HOUR_MS, inWindow, MINUTE_MS, type OpsWindow, percentile, ratio, WEEKLY_TREND_AFTER_MS } from './buckets.js';
import { OPS_METRIC_KEYS, OPS_METRICS, type OpsMetricKey, type OpsTargets } from './targets.js';

/**
 * The operations dashboard's figures, computed without I/O from plain rows (src/store/repos/ops-metrics.ts loads
 * them for a window). Every definition is in OPS_DEFINITIONS, which the API and the CLI print beside the figures.
 */

/** A review task as it stands now; `decidedAt` says when it left the queue (null: not decided). */
export interface OpsTaskRow {
  id: string;
  queue: string;
  kind: string;
  status: string;
  createdAt: number;
  slaDueAt: number | null;
  decidedAt: number | null;
}

/** A reviewer's decision (any task kind). QA decisions carry whether they agreed and the decision they checked. */
export interface OpsReviewDecisionRow {
  id: string;
  reviewer: string;
  kind: string;
  createdAt: number;
  agrees: boolean | null;
  subjectDecisionId: string | null;
}

/** An action Haven requested for an item (every action of the items the window may count as actioned). */
export interface OpsActionRow {
  id: string;
  itemId: string;
  decisionId: string;
  type: string;
  createdAt: number;
}

export interface OpsItemRow {
  id: string;
  ingestedAt: number;
}

/**
 * A review decision that produced an enforcement decision: that decision is a human one. A confirmed second review
 * gives two rows for one decision; the first reviewer's (not kind second_review) is the one accountable for it.
 */
export interface OpsHumanDecisionRow {
  reviewDecisionId: string;
  decisionId: string;
  kind: string;
  reviewer: string;
  category: string | null;
  createdAt: number;
}

/** An enforcement decision (for the category of an automated one under QA or appeal). */
export interface OpsDecisionRow {
  id: string;
  category: string | null;
}

export interface OpsAppealRow {
  id: string;
  decisionId: string;
  outcome: 'upheld' | 'overturned';
  resolvedAt: number;
}

/** A CyberTipline report job: when NCMEC acknowledged it, and the ingest time of its earliest item. */
export interface OpsReportRow {
  jobId: string;
  submittedAt: number;
  firstItemIngestedAt: number | null;
}

export interface OpsRows {
  tasks: readonly OpsTaskRow[];
  reviewDecisions: readonly OpsReviewDecisionRow[];
  actions: readonly OpsActionRow[];
  items: readonly OpsItemRow[];
  humanDecisions: readonly OpsHumanDecisionRow[];
  decisions: readonly OpsDecisionRow[];
  appeals: readonly OpsAppealRow[];
  reports: readonly OpsReportRow[];
}

export interface OpsFigure {
  key: OpsMetricKey;
  label: string;
  value: number | null;
  unit: string;
  target: number | null;
  direction: 'at_least' | 'at_most';
  breached: boolean;
}

export interface OpsRate {
  checks: number;
  correct: number;
  value: number | null;
}

export interface OpsTrendPoint {
  from: string;
  to: string;
  slaCompliance: number | null;
  automationRate: number | null;
  decisions: number;
  timeToActionP50Minutes: number | null;
}

export interface OpsMetrics {
  window: { from: string; to: string };
  figures: OpsFigure[];
  queues: { queue: string; depth: number; oldestAgeMinutes: number; overdue: number }[];
  sla: { decided: number; met: number; missed: number; openOverdue: number; withoutSla: number; compliance: number | null };
  timeToAction: { items: number; p50Minutes: number | null; p90Minutes: number | null };
  throughput: {
    decisions: number;
    reviewerHours: number;
    perReviewerHour: number | null;
    byReviewer: { reviewer: string; decisions: number; activeHours: number; perHour: number | null }[];
    /** Decisions per hour of day, UTC: index 0 is 00:00-00:59. */
    byHourOfDay: number[];
  };
  automation: { actionedItems: number; automated: number; rate: number | null };
  precision: { qaChecks: number; qaAgreed: number; appealsResolved: number; appealsUpheld: number; value: number | null };
  accuracy: {
    overall: OpsRate;
    byReviewer: (OpsRate & { reviewer: string })[];
    byCategory: (OpsRate & { category: string | null })[];
  };
  reports: { filed: number; timeToReportP90Hours: number | null };
  trend: { daily: OpsTrendPoint[]; weekly: OpsTrendPoint[] | null };
  definitions: Record<string, string>;
}

/** Actions that are not enforcement: review and urgent route work to people; the rest undo an overturned decision. */
export const NON_ENFORCEMENT_ACTIONS: ReadonlySet<string> = new Set(['review', 'urgent', 'reinstate', 'lift_restriction', 'enable']);

export const OPS_DEFINITIONS: Record<string, string> = {
  window: 'Half-open [from, to). Calendar buckets are UTC days (and ISO weeks, Monday first, when the window is longer than 14 days), clipped to the window.',
  queues: 'Tasks open at `to` (created before it, not decided before it; a task closed without a decision time counts as closed), per queue: how many, the oldest one\'s age at `to`, and how many are past their SLA.',
  sla_compliance: 'Tasks decided in the window that were decided at or before their SLA due time, over those tasks plus tasks still open at `to` that are already past due (a miss). Tasks without an SLA are excluded (counted as withoutSla).',
  time_to_action: 'For items whose first enforcement action (any action but review, urgent and appeal reversals) was created in the window: that action\'s time minus the item\'s ingest time. Nearest-rank p50 and p90, in minutes.',
  throughput: 'Reviewer decisions (every task kind, each item of a bulk decision counted) made in the window, per reviewer and per UTC hour of day. Decisions per reviewer-hour: decisions over the distinct (reviewer, clock hour) pairs in which a reviewer decided anything.',
  automation_rate: 'Items first actioned in the window whose first enforcement action came from an automatic decision (no reviewer decision produced it), over all items first actioned in the window.',
  automation_precision: 'QA checks (made in the window) of automatic decisions that agreed, plus appeals against automatic decisions resolved in the window that were upheld, over all such QA checks and resolved appeals. Null without any such evidence: never assumed to be 1.',
  reviewer_accuracy: 'The same evidence for decisions reviewers made: QA checks that agreed with the reviewer plus upheld appeals, over QA checks plus resolved appeals; per reviewer (the first reviewer when a second one confirmed) and per category (the category the reviewer decided).',
  reports: 'CyberTipline report jobs NCMEC acknowledged (submit step answered ok) in the window; time to report: acknowledgement time minus the ingest time of the job\'s earliest item, nearest-rank p90, in hours.',
  breached: 'A figure is breached only when both it and its target are present: below an at_least target, or above an at_most one.',
};

export function computeOpsMetrics(rows: OpsRows, window: OpsWindow, targets: OpsTargets): OpsMetrics {
  const queues = queueDepth(rows.tasks, window.to);
  const sla = slaCompliance(rows.tasks, window);
  const actioned = actionedItems(rows);
  const inside = actioned.filter((a) => inWindow(a.firstActionAt, window));
  const minutes = inside.map((a) => (a.firstActionAt - a.ingestedAt) / MINUTE_MS);
  const timeToAction = { items: inside.length, p50Minutes: percentile(minutes, 0.5), p90Minutes: percentile(minutes, 0.9) };
  const throughput = throughputOf(rows.reviewDecisions.filter((d) => inWindow(d.createdAt, window)));
  const automated = inside.filter((a) => a.automated).length;
  const automation = { actionedItems: inside.length, automated, rate: ratio(automated, inside.length) };
  const { precision, accuracy } = quality(rows, window);
  const reports = reportsOf(rows.reports, window);
  const oldest = queues.length ? Math.max(...queues.map((q) => q.oldestAgeMinutes)) : null;

  const values: Record<OpsMetricKey, number | null> = {
    sla_compliance: sla.compliance,
    time_to_action_p50_minutes: timeToAction.p50Minutes,
    time_to_action_p90_minutes: timeToAction.p90Minutes,
    oldest_open_task_minutes: oldest,
    throughput_per_reviewer_hour: throughput.perReviewerHour,
    automation_rate: automation.rate,
    automation_precision: precision.value,
    reviewer_accuracy: accuracy.overall.value,
    time_to_report_hours: reports.timeToReportP90Hours,
  };
  const trendPoint = (b: OpsWindow): OpsTrendPoint => {
    const acted = actioned.filter((a) => inWindow(a.firstActionAt, b));
    return {
      from: iso(b.from), to: iso(b.to),
      slaCompliance: slaCompliance(rows.tasks, b).compliance,
      automationRate: ratio(acted.filter((a) => a.automated).length, acted.length),
      decisions: rows.reviewDecisions.filter((d) => inWindow(d.createdAt, b)).length,
      timeToActionP50Minutes: percentile(acted.map((a) => (a.firstActionAt - a.ingestedAt) / MINUTE_MS), 0.5),
    };
  };
  return {
    window: { from: iso(window.from), to: iso(window.to) },
    figures: OPS_METRIC_KEYS.map((key) => figure(key, values[key], targets[key])),
    queues, sla, timeToAction, throughput, automation, precision, accuracy, reports,
    trend: {
      daily: calendarBuckets(window, 'day').map(trendPoint),
      weekly: window.to - window.from > WEEKLY_TREND_AFTER_MS ? calendarBuckets(window, 'week').map(trendPoint) : null,
    },
    definitions: OPS_DEFINITIONS,
  };
}

export function figure(key: OpsMetricKey, value: number | null, target: number | undefined | null): OpsFigure {
  const m = OPS_METRICS[key];
  const t = target ?? null;
  const breached = value !== null && t !== null && (m.direction === 'at_least' ? value < t : value > t);
  return { key, label: m.label, value, unit: m.unit, target: t, direction: m.direction, breached };
}

/** Open at `at`: created before it and not decided before it. A task closed without a decided_at is not open. */
export function openAt(t: OpsTaskRow, at: number): boolean {
  if (t.createdAt >= at) return false;
  return t.decidedAt === null ? t.status !== 'done' : t.decidedAt >= at;
}

export function queueDepth(tasks: readonly OpsTaskRow[], at: number): OpsMetrics['queues'] {
  const byQueue = new Map<string, { depth: number; oldest: number; overdue: number }>();
  for (const t of tasks) {
    if (!openAt(t, at)) continue;
    const q = byQueue.get(t.queue) ?? { depth: 0, oldest: at, overdue: 0 };
    q.depth++;
    q.oldest = Math.min(q.oldest, t.createdAt);
    if (t.slaDueAt !== null && t.slaDueAt < at) q.overdue++;
    byQueue.set(t.queue, q);
  }
  return [...byQueue]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([queue, q]) => ({ queue, depth: q.depth, oldestAgeMinutes: (at - q.oldest) / MINUTE_MS, overdue: q.overdue }));
}

export function slaCompliance(tasks: readonly OpsTaskRow[], w: OpsWindow): OpsMetrics['sla'] {
  let decided = 0;
  let met = 0;
  let openOverdue = 0;
  let withoutSla = 0;
  for (const t of tasks) {
    const decidedInside = t.decidedAt !== null && inWindow(t.decidedAt, w);
    const overdueAtEnd = openAt(t, w.to) && t.slaDueAt !== null && t.slaDueAt < w.to;
    if (t.slaDueAt === null) {
      if (decidedInside) withoutSla++;
      continue;
    }
    if (decidedInside) {
      decided++;
      if ((t.decidedAt as number) <= t.slaDueAt) met++;
    } else if (overdueAtEnd) openOverdue++;
  }
  return { decided, met, missed: decided - met + openOverdue, openOverdue, withoutSla, compliance: ratio(met, decided + openOverdue) };
}

interface ActionedItem {
  itemId: string;
  ingestedAt: number;
  firstActionAt: number;
  automated: boolean;
}

/** Each item's first enforcement action (earliest, then lowest id) and whether an automatic decision requested it. */
export function actionedItems(rows: Pick<OpsRows, 'actions' | 'items' | 'humanDecisions'>): ActionedItem[] {
  const first = new Map<string, OpsActionRow>();
  for (const a of rows.actions) {
    if (NON_ENFORCEMENT_ACTIONS.has(a.type)) continue;
    const f = first.get(a.itemId);
    if (!f || a.createdAt < f.createdAt || (a.createdAt === f.createdAt && a.id < f.id)) first.set(a.itemId, a);
  }
  const ingested = new Map(rows.items.map((i) => [i.id, i.ingestedAt]));
  const human = new Set(rows.humanDecisions.map((h) => h.decisionId));
  const out: ActionedItem[] = [];
  for (const [itemId, a] of first) {
    const ingestedAt = ingested.get(itemId);
    if (ingestedAt === undefined) continue;
    out.push({ itemId, ingestedAt, firstActionAt: a.createdAt, automated: !human.has(a.decisionId) });
  }
  return out;
}

function throughputOf(decisions: readonly OpsReviewDecisionRow[]): OpsMetrics['throughput'] {
  const byReviewer = new Map<string, { decisions: number; hours: Set<number> }>();
  const byHourOfDay = Array.from({ length: 24 }, () => 0);
  for (const d of decisions) {
    const r = byReviewer.get(d.reviewer) ?? { decisions: 0, hours: new Set<number>() };
    r.decisions++;
    r.hours.add(Math.floor(d.createdAt / HOUR_MS));
    byReviewer.set(d.reviewer, r);
    byHourOfDay[new Date(d.createdAt).getUTCHours()]!++;
  }
  const reviewerHours = [...byReviewer.values()].reduce((n, r) => n + r.hours.size, 0);
  return {
    decisions: decisions.length,
    reviewerHours,
    perReviewerHour: ratio(decisions.length, reviewerHours),
    byReviewer: [...byReviewer]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reviewer, r]) => ({ reviewer, decisions: r.decisions, activeHours: r.hours.size, perHour: ratio(r.decisions, r.hours.size) })),
    byHourOfDay,
  };
}

/** One piece of quality evidence: a QA check or a resolved appeal, about an automatic or a human decision. */
interface Evidence {
  correct: boolean;
  source: 'qa' | 'appeal';
  /** Null for an automatic decision. */
  reviewer: string | null;
  category: string | null;
}

function quality(rows: OpsRows, w: OpsWindow): { precision: OpsMetrics['precision']; accuracy: OpsMetrics['accuracy'] } {
  // A QA check names the decision it checked: the enforcement decision, or (a human one) the reviewer's decision row.
  const humanByDecision = new Map<string, OpsHumanDecisionRow>();
  for (const h of [...rows.humanDecisions].sort(accountableFirst)) {
    if (!humanByDecision.has(h.decisionId)) humanByDecision.set(h.decisionId, h);
    humanByDecision.set(h.reviewDecisionId, h);
  }
  const decisions = new Map(rows.decisions.map((d) => [d.id, d]));
  const evidence: Evidence[] = [];
  const about = (decisionId: string): Pick<Evidence, 'reviewer' | 'category'> | null => {
    const h = humanByDecision.get(decisionId);
    if (h) return { reviewer: h.reviewer, category: h.category };
    const d = decisions.get(decisionId);
    return d ? { reviewer: null, category: d.category } : null;
  };
  for (const qa of rows.reviewDecisions) {
    if (qa.kind !== 'qa' || qa.agrees === null || !qa.subjectDecisionId || !inWindow(qa.createdAt, w)) continue;
    const subject = about(qa.subjectDecisionId);
    if (subject) evidence.push({ ...subject, correct: qa.agrees, source: 'qa' });
  }
  for (const a of rows.appeals) {
    if (!inWindow(a.resolvedAt, w)) continue;
    const subject = about(a.decisionId);
    if (subject) evidence.push({ ...subject, correct: a.outcome === 'upheld', source: 'appeal' });
  }

  const auto = evidence.filter((e) => e.reviewer === null);
  const count = (xs: Evidence[], source: Evidence['source']) => xs.filter((e) => e.source === source);
  const precision = {
    qaChecks: count(auto, 'qa').length,
    qaAgreed: count(auto, 'qa').filter((e) => e.correct).length,
    appealsResolved: count(auto, 'appeal').length,
    appealsUpheld: count(auto, 'appeal').filter((e) => e.correct).length,
    value: ratio(auto.filter((e) => e.correct).length, auto.length),
  };
  const human = evidence.filter((e) => e.reviewer !== null);
  return {
    precision,
    accuracy: {
      overall: rate(human),
      byReviewer: grouped(human, (e) => e.reviewer as string).map(([reviewer, r]) => ({ reviewer, ...r })),
      byCategory: grouped(human, (e) => e.category).map(([category, r]) => ({ category, ...r })),
    },
  };
}

/** The first reviewer before a second one who confirmed; then the earliest; then by id. */
function accountableFirst(a: OpsHumanDecisionRow, b: OpsHumanDecisionRow): number {
  const second = (h: OpsHumanDecisionRow) => (h.kind === 'second_review' ? 1 : 0);
  return second(a) - second(b) || a.createdAt - b.createdAt || (a.reviewDecisionId < b.reviewDecisionId ? -1 : 1);
}

function rate(xs: readonly Evidence[]): OpsRate {
  const correct = xs.filter((e) => e.correct).length;
  return { checks: xs.length, correct, value: ratio(correct, xs.length) };
}

function grouped<K extends string | null>(xs: readonly Evidence[], key: (e: Evidence) => K): [K, OpsRate][] {
  const groups = new Map<K, Evidence[]>();
  for (const e of xs) {
    const k = key(e);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  return [...groups]
    .sort(([a], [b]) => String(a ?? '').localeCompare(String(b ?? '')))
    .map(([k, g]) => [k, rate(g)]);
}

function reportsOf(reports: readonly OpsReportRow[], w: OpsWindow): OpsMetrics['reports'] {
  const filed = reports.filter((r) => inWindow(r.submittedAt, w));
  const hours = filed.flatMap((r) => (r.firstItemIngestedAt === null ? [] : [(r.submittedAt - r.firstItemIngestedAt) / HOUR_MS]));
  return { filed: filed.length, timeToReportP90Hours: percentile(hours, 0.9) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
