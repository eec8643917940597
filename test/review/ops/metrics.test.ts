import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarBuckets, DAY_MS, HOUR_MS, MINUTE_MS, percentile } from '../../../src/review/ops/buckets.js';
import { computeOpsMetrics, type OpsMetrics, type OpsRows, type OpsTaskRow } from '../../../src/review/ops/metrics.js';
import { BREACH_MARK, renderOpsReport } from '../../../src/review/ops/report.js';
import { DEFAULT_OPS_TARGETS, type OpsMetricKey } from '../../../src/review/ops/targets.js';
import { opsWindow, parseSince } from '../../../src/review/ops/window.js';

/** Monday 2025-01-06 00:00 UTC; the window is two days. */
const T0 = Date.UTC(2025, 0, 6);
const WINDOW = { from: T0, to: T0 + 2 * DAY_MS };
const M = MINUTE_MS;
const H = HOUR_MS;

const EMPTY: OpsRows = { tasks: [], reviewDecisions: [], actions: [], items: [], humanDecisions: [], decisions: [], appeals: [], reports: [] };

function task(id: string, over: Partial<OpsTaskRow>): OpsTaskRow {
  return { id, queue: 'general', kind: 'review', status: 'done', createdAt: T0, slaDueAt: null, decidedAt: null, ...over };
}

/** Hand-made rows whose figures are worked out in the comments. */
function world(): OpsRows {
  return {
    tasks: [
      task('met', { createdAt: T0 - H, slaDueAt: T0 + H, decidedAt: T0 + 30 * M }),
      task('late', { createdAt: T0, slaDueAt: T0 + 2 * H, decidedAt: T0 + 3 * H }),
      task('open-overdue', { status: 'open', createdAt: T0 + DAY_MS, slaDueAt: T0 + DAY_MS + H }),
      task('open-fresh', { queue: 'urgent', status: 'open', createdAt: WINDOW.to - 30 * M, slaDueAt: WINDOW.to + H }),
      task('no-sla', { decidedAt: T0 + H }),
      task('before', { createdAt: T0 - 3 * DAY_MS, slaDueAt: T0 - 2 * DAY_MS, decidedAt: T0 - DAY_MS }),
      task('closed-undecided', { queue: 'appeals', kind: 'appeal', createdAt: T0 + H }),
      // Decided after the window ends: open at `to`, not yet due.
      task('decided-later', { createdAt: T0 + DAY_MS, slaDueAt: T0 + 3 * DAY_MS, decidedAt: WINDOW.to + H }),
    ],
    reviewDecisions: [
      { id: 'rd-h2', reviewer: 'rita', kind: 'review', createdAt: T0 + 2 * H, agrees: null, subjectDecisionId: 'p2' },
      { id: 'rd-x', reviewer: 'rita', kind: 'review', createdAt: T0 + 2 * H + 30 * M, agrees: null, subjectDecisionId: null },
      { id: 'rd-y', reviewer: 'rita', kind: 'review', createdAt: T0 + 5 * H, agrees: null, subjectDecisionId: null },
      { id: 'qa1', reviewer: 'sam', kind: 'qa', createdAt: T0 + 6 * H, agrees: true, subjectDecisionId: 'p1' },
      { id: 'qa2', reviewer: 'sam', kind: 'qa', createdAt: T0 + DAY_MS + 6 * H, agrees: false, subjectDecisionId: 'h2' },
      { id: 'qa3', reviewer: 'sam', kind: 'qa', createdAt: T0 + DAY_MS + 7 * H, agrees: null, subjectDecisionId: 'p1' },
      { id: 'old', reviewer: 'rita', kind: 'review', createdAt: T0 - H, agrees: null, subjectDecisionId: null },
    ],
    actions: [
      { id: 'a1', itemId: 'i1', decisionId: 'p1', type: 'block', createdAt: T0 + 20 * M },
      { id: 'a2r', itemId: 'i2', decisionId: 'p2', type: 'review', createdAt: T0 + H },
      { id: 'a2', itemId: 'i2', decisionId: 'h2', type: 'remove', createdAt: T0 + 2 * H },
      { id: 'a3u', itemId: 'i3', decisionId: 'p3', type: 'urgent', createdAt: T0 + DAY_MS },
      { id: 'a3', itemId: 'i3', decisionId: 'p3', type: 'disable', createdAt: T0 + DAY_MS + 90 * M },
      { id: 'a4old', itemId: 'i4', decisionId: 'p4', type: 'block', createdAt: T0 - 2 * DAY_MS + 5 * M },
      { id: 'a4', itemId: 'i4', decisionId: 'h4', type: 'remove', createdAt: T0 + 3 * H },
      { id: 'a5', itemId: 'i5', decisionId: 'p5', type: 'reinstate', createdAt: T0 + 4 * H },
    ],
    items: [
      { id: 'i1', ingestedAt: T0 - 10 * M },
      { id: 'i2', ingestedAt: T0 + H },
      { id: 'i3', ingestedAt: T0 + DAY_MS },
      { id: 'i4', ingestedAt: T0 - 2 * DAY_MS },
      { id: 'i5', ingestedAt: T0 },
    ],
    humanDecisions: [
      { reviewDecisionId: 'rd-h2', decisionId: 'h2', kind: 'review', reviewer: 'rita', category: 'CSE-01', createdAt: T0 + 2 * H },
      { reviewDecisionId: 'rd-h4', decisionId: 'h4', kind: 'review', reviewer: 'rita', category: 'CSE-01', createdAt: T0 + 3 * H },
    ],
    decisions: [{ id: 'p1', category: 'CSE-01' }, { id: 'p3', category: 'CSE-02' }],
    appeals: [
      { id: 'ap1', decisionId: 'p3', outcome: 'overturned', resolvedAt: T0 + DAY_MS + 8 * H },
      { id: 'ap2', decisionId: 'h2', outcome: 'upheld', resolvedAt: T0 + DAY_MS + 9 * H },
      { id: 'ap3', decisionId: 'p1', outcome: 'overturned', resolvedAt: T0 - H },
    ],
    reports: [
      { jobId: 'j1', submittedAt: T0 + 10 * H, firstItemIngestedAt: T0 },
      { jobId: 'j2', submittedAt: T0 + DAY_MS, firstItemIngestedAt: T0 + DAY_MS - 2 * H },
      { jobId: 'j3', submittedAt: T0 - H, firstItemIngestedAt: T0 - 100 * H },
    ],
  };
}

const figureOf = (m: OpsMetrics, key: OpsMetricKey) => m.figures.find((f) => f.key === key)!;

test('figures from hand-made rows match the worked answers', () => {
  const m = computeOpsMetrics(world(), WINDOW, DEFAULT_OPS_TARGETS);
  assert.deepEqual(m.window, { from: '2025-01-06T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z' });
  // Open at `to`: open-overdue and decided-later in general (the oldest created a day before `to`), open-fresh in urgent.
  assert.deepEqual(m.queues, [
    { queue: 'general', depth: 2, oldestAgeMinutes: 24 * 60, overdue: 1 },
    { queue: 'urgent', depth: 1, oldestAgeMinutes: 30, overdue: 0 },
  ]);
  // met on time, late missed, open-overdue is a miss; no-sla is left out.
  assert.deepEqual(m.sla, { decided: 2, met: 1, missed: 2, openOverdue: 1, withoutSla: 1, compliance: 1 / 3 });
  // i1 30 min (automatic), i2 60 min (human, after a review action that does not count), i3 90 min (automatic);
  // i4 was first actioned before the window, i5 only has a reversal.
  assert.deepEqual(m.timeToAction, { items: 3, p50Minutes: 60, p90Minutes: 90 });
  assert.deepEqual(m.automation, { actionedItems: 3, automated: 2, rate: 2 / 3 });
  // rita decided in clock hours 02 and 05, sam in 06 (day 1), 06 and 07 (day 2): 6 decisions over 5 reviewer-hours.
  assert.equal(m.throughput.decisions, 6);
  assert.equal(m.throughput.reviewerHours, 5);
  assert.equal(m.throughput.perReviewerHour, 6 / 5);
  assert.deepEqual(m.throughput.byReviewer, [
    { reviewer: 'rita', decisions: 3, activeHours: 2, perHour: 1.5 },
    { reviewer: 'sam', decisions: 3, activeHours: 3, perHour: 1 },
  ]);
  const hours = Array.from({ length: 24 }, () => 0);
  hours[2] = 2;
  hours[5] = 1;
  hours[6] = 2;
  hours[7] = 1;
  assert.deepEqual(m.throughput.byHourOfDay, hours);
  // Automatic: qa1 agreed, ap1 overturned. Human (rita, CSE-01): qa2 disagreed, ap2 upheld. qa3 has no verdict; ap3 is before.
  assert.deepEqual(m.precision, { qaChecks: 1, qaAgreed: 1, appealsResolved: 1, appealsUpheld: 0, value: 0.5 });
  assert.deepEqual(m.accuracy, {
    overall: { checks: 2, correct: 1, value: 0.5 },
    byReviewer: [{ reviewer: 'rita', checks: 2, correct: 1, value: 0.5 }],
    byCategory: [{ category: 'CSE-01', checks: 2, correct: 1, value: 0.5 }],
  });
  assert.deepEqual(m.reports, { filed: 2, timeToReportP90Hours: 10 });
  assert.deepEqual(m.trend.daily, [
    { from: '2025-01-06T00:00:00.000Z', to: '2025-01-07T00:00:00.000Z', slaCompliance: 0.5, automationRate: 0.5, decisions: 4, timeToActionP50Minutes: 30 },
    { from: '2025-01-07T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z', slaCompliance: 0, automationRate: 1, decisions: 2, timeToActionP50Minutes: 90 },
  ]);
  assert.equal(m.trend.weekly, null, 'two days: no weekly trend');
});

test('each figure is marked breached against its target, in the direction the target points', () => {
  const m = computeOpsMetrics(world(), WINDOW, DEFAULT_OPS_TARGETS);
  const breached = Object.fromEntries(m.figures.map((f) => [f.key, f.breached]));
  assert.deepEqual(breached, {
    sla_compliance: true, // 33% < 95%
    time_to_action_p50_minutes: true, // 60 > 30
    time_to_action_p90_minutes: false, // 90 <= 240
    oldest_open_task_minutes: false, // 1440 is not above 1440
    throughput_per_reviewer_hour: true, // 1.2 < 30
    automation_rate: false, // 67% >= 50%
    automation_precision: true, // 50% < 98%
    reviewer_accuracy: true,
    time_to_report_hours: false, // 10 <= 24
  });
  assert.deepEqual(figureOf(m, 'sla_compliance'), {
    key: 'sla_compliance', label: 'SLA compliance', value: 1 / 3, unit: 'ratio', target: 0.95, direction: 'at_least', breached: true,
  });
  const loose = computeOpsMetrics(world(), WINDOW, { ...DEFAULT_OPS_TARGETS, sla_compliance: 0.3, oldest_open_task_minutes: 1439 });
  assert.equal(figureOf(loose, 'sla_compliance').breached, false);
  assert.equal(figureOf(loose, 'oldest_open_task_minutes').breached, true);
  const untargeted = computeOpsMetrics(world(), WINDOW, { ...DEFAULT_OPS_TARGETS, sla_compliance: undefined });
  assert.deepEqual([figureOf(untargeted, 'sla_compliance').target, figureOf(untargeted, 'sla_compliance').breached], [null, false]);
});

test('without QA checks or appeals, precision and accuracy are null, never assumed perfect, and not breached', () => {
  const rows = world();
  const m = computeOpsMetrics({ ...rows, appeals: [], reviewDecisions: rows.reviewDecisions.filter((d) => d.kind !== 'qa') }, WINDOW, DEFAULT_OPS_TARGETS);
  assert.deepEqual(m.precision, { qaChecks: 0, qaAgreed: 0, appealsResolved: 0, appealsUpheld: 0, value: null });
  assert.deepEqual(m.accuracy.overall, { checks: 0, correct: 0, value: null });
  assert.deepEqual([figureOf(m, 'automation_precision').value, figureOf(m, 'automation_precision').breached], [null, false]);
  const empty = computeOpsMetrics(EMPTY, WINDOW, DEFAULT_OPS_TARGETS);
  assert.ok(empty.figures.every((f) => f.value === null && !f.breached), JSON.stringify(empty.figures));
  assert.deepEqual(empty.queues, []);
});

test('a task still open past its SLA is a miss even though nobody decided it', () => {
  const onlyOverdue = [task('waiting', { status: 'open', createdAt: T0 + H, slaDueAt: T0 + 2 * H })];
  const m = computeOpsMetrics({ ...EMPTY, tasks: onlyOverdue }, WINDOW, DEFAULT_OPS_TARGETS);
  assert.deepEqual(m.sla, { decided: 0, met: 0, missed: 1, openOverdue: 1, withoutSla: 0, compliance: 0 });
  // Held and waiting for a second reviewer count as open; one not yet due does not count at all.
  const more = [
    ...onlyOverdue,
    task('held', { status: 'held', createdAt: T0, slaDueAt: T0 + H }),
    task('not-due', { status: 'open', createdAt: T0, slaDueAt: WINDOW.to + H }),
    task('on-time', { createdAt: T0, slaDueAt: T0 + 5 * H, decidedAt: T0 + 5 * H }),
  ];
  assert.deepEqual(computeOpsMetrics({ ...EMPTY, tasks: more }, WINDOW, DEFAULT_OPS_TARGETS).sla,
    { decided: 1, met: 1, missed: 2, openOverdue: 2, withoutSla: 0, compliance: 1 / 3 });
});

test('a decision confirmed by a second reviewer is the first reviewer\'s for accuracy', () => {
  const rows: OpsRows = {
    ...EMPTY,
    reviewDecisions: [{ id: 'qa', reviewer: 'qa-person', kind: 'qa', createdAt: T0 + H, agrees: true, subjectDecisionId: 'd1' }],
    humanDecisions: [
      { reviewDecisionId: 'second', decisionId: 'd1', kind: 'second_review', reviewer: 'bob', category: 'CSE-05', createdAt: T0 + 30 * M },
      { reviewDecisionId: 'first', decisionId: 'd1', kind: 'review', reviewer: 'ann', category: 'CSE-05', createdAt: T0 + 10 * M },
    ],
  };
  const m = computeOpsMetrics(rows, WINDOW, DEFAULT_OPS_TARGETS);
  assert.deepEqual(m.accuracy.byReviewer, [{ reviewer: 'ann', checks: 1, correct: 1, value: 1 }]);
  assert.equal(m.precision.qaChecks, 0, 'a human decision is not automatic');
});

test('windows longer than 14 days get a weekly trend; buckets are UTC days and Monday weeks clipped to the window', () => {
  const from = T0 + 12 * H; // Monday noon
  const w = { from, to: from + 20 * DAY_MS };
  const m = computeOpsMetrics(EMPTY, w, DEFAULT_OPS_TARGETS);
  assert.equal(m.trend.daily.length, 21);
  assert.equal(m.trend.daily[0]?.from, '2025-01-06T12:00:00.000Z');
  assert.equal(m.trend.daily[1]?.from, '2025-01-07T00:00:00.000Z');
  assert.deepEqual(m.trend.weekly?.map((p) => p.from), ['2025-01-06T12:00:00.000Z', '2025-01-13T00:00:00.000Z', '2025-01-20T00:00:00.000Z']);
  assert.equal(m.trend.weekly?.at(-1)?.to, '2025-01-26T12:00:00.000Z');
  assert.deepEqual(calendarBuckets({ from: T0 + DAY_MS + 1, to: T0 + DAY_MS + 2 }, 'week'), [{ from: T0 + DAY_MS + 1, to: T0 + DAY_MS + 2 }]);
});

test('nearest-rank percentiles', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([4, 1, 3, 2], 0.5), 2);
  assert.equal(percentile([4, 1, 3, 2], 0.9), 4);
  assert.equal(percentile([7], 0.9), 7);
});

test('windows: since as hours or days, until as an ISO time; anything else refused with the problem named', () => {
  assert.equal(parseSince('24h'), DAY_MS);
  assert.equal(parseSince('7d'), 7 * DAY_MS);
  assert.throws(() => parseSince('banana'), /since must be a number of hours or days such as 24h, 7d or 30d, not "banana"/);
  assert.throws(() => parseSince('0d'), /longer than zero/);
  assert.throws(() => parseSince('91d'), /at most 90d/);
  assert.deepEqual(opsWindow({ since: '2d', until: '2025-01-08T00:00:00Z', now: 0 }), WINDOW);
  assert.deepEqual(opsWindow({ since: '1h', now: T0 }), { from: T0 - H, to: T0 });
  assert.throws(() => opsWindow({ since: '1h', until: 'yesterday', now: T0 }), /until must be an ISO 8601 time/);
});

test('the text report lists every figure and marks exactly the breached ones', () => {
  const m = computeOpsMetrics(world(), WINDOW, DEFAULT_OPS_TARGETS);
  const text = renderOpsReport(m);
  for (const f of m.figures) {
    const line = text.split('\n').find((l) => l.startsWith(f.label));
    assert.ok(line, `a line for ${f.label}`);
    assert.equal(line.includes(BREACH_MARK), f.breached, line);
  }
  assert.match(text, /^SLA compliance\s+33\.3%\s+>= 95\.0%\s+!! BREACHED$/m);
  assert.match(text, /^Time to action, p90\s+90\.0 min\s+<= 240\.0 min\s+ok$/m);
  assert.match(text, /5 figure\(s\) breach their target/);
  assert.match(text, /general\s+2\s+1440\.0 min\s+1/);
});
