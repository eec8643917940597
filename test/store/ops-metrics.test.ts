import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/review/ops/buckets.js';
import { DEFAULT_OPS_TARGETS } from '../../src/review/ops/targets.js';
import { type Queryable, migrate, openStore, type Store, toJson } from '../../src/store/db.js';
import { saveConfigVersion } from '../../src/store/repos/config.js';
import { currentOpsTargets, loadOpsMetrics } from '../../src/store/repos/ops-metrics.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';

const T0 = Date.UTC(2025, 0, 6);
const WINDOW = { from: T0, to: T0 + 2 * DAY_MS };
const M = MINUTE_MS;
const H = HOUR_MS;

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(b.config);
  try {
    await migrate(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Rows written the way the pipeline, the review service, appeals and the NCMEC runner write them. */
class Rows {
  constructor(private readonly q: Queryable) {}

  async item(id: string, ingestedAt: number) {
    await this.q.insertInto('items').values({
      id, external_id: `ext-${id}`, content_digest: `digest-${id}`, surface: 'public_post', kind: 'text', text: 'a neutral note',
      author_id: null, conversation_id: null, recipient_ids: toJson([]), created_at: ingestedAt, ingested_at: ingestedAt, metadata: toJson({}), status: 'processed',
    }).execute();
  }

  async decision(id: string, itemId: string, verdict: string, createdAt: number, actions: { id: string; type: string }[], category: string | null = 'CSE-01') {
    await this.q.insertInto('decisions').values({
      id, item_id: itemId, policy_version: 1, taxonomy_version: 1, verdict, category, severity: verdict === 'violating' ? 'S1' : 'NONE',
      actions: toJson(actions.map((a) => a.type)), reasons: toJson([]), created_at: createdAt,
    }).execute();
    for (const a of actions) {
      await this.q.insertInto('actions').values({
        id: a.id, decision_id: id, item_id: itemId, account_id: null, type: a.type, delivery: 'platform', status: 'pending',
        idempotency_key: `${id}:${a.type}`, created_at: createdAt, attempts: 0,
      }).execute();
    }
  }

  async task(id: string, t: { queue?: string; kind?: string; status: string; createdAt: number; slaDueAt: number | null; decidedAt: number | null }) {
    await this.q.insertInto('review_tasks').values({
      id, item_id: `task-item-${id}`, decision_id: `task-decision-${id}`, queue: t.queue ?? 'general', category: 'CSE-01', severity: 'S1',
      status: t.status, sla_due_at: t.slaDueAt, created_at: t.createdAt, decided_at: t.decidedAt, kind: t.kind ?? 'review',
    }).execute();
  }

  async review(id: string, r: { itemId: string; reviewer: string; kind?: string; createdAt: number; decisionId?: string | null; subject?: string | null; agrees?: boolean | null; category?: string | null }) {
    await this.q.insertInto('review_decisions').values({
      id, task_id: `task-of-${id}`, item_id: r.itemId, kind: r.kind ?? 'review', reviewer: r.reviewer, verdict: 'violating', category: r.category ?? 'CSE-01',
      severity: 'S1', labels: toJson([]), policy_clause: null, note: null, actions: toJson([]), outcome: r.kind === 'qa' ? 'recorded' : 'final',
      decision_id: r.decisionId ?? null, subject_decision_id: r.subject ?? null, agrees: r.agrees === undefined || r.agrees === null ? null : r.agrees ? 1 : 0,
      bulk_id: null, claimed_at: null, created_at: r.createdAt,
    }).execute();
  }

  async appeal(id: string, itemId: string, decisionId: string, status: string, resolvedAt: number | null) {
    await this.q.insertInto('appeals').values({
      id, item_id: itemId, decision_id: decisionId, status, reason: 'please look again', appellant: null, filed_by: 'platform',
      filed_at: (resolvedAt ?? T0) - H, resolved_by: resolvedAt ? 'senior' : null, resolved_at: resolvedAt, resolution_reason: resolvedAt ? 'checked' : null,
    }).execute();
  }

  async report(jobId: string, itemIds: string[], exchanges: { step: string; outcome: string; at: number }[]) {
    await this.q.insertInto('report_jobs').values({ id: jobId, account_id: null, status: 'submitted', created_at: T0 - DAY_MS, updated_at: T0 }).execute();
    for (const itemId of itemIds) {
      await this.q.insertInto('report_job_items').values({ job_id: jobId, item_id: itemId, decision_id: 'd', action_id: 'a', category: 'CSE-01', added_at: T0 - DAY_MS }).execute();
    }
    for (const [n, x] of exchanges.entries()) {
      await this.q.insertInto('report_exchanges').values({
        id: `${jobId}-x${n}`, job_id: jobId, step: x.step, file_id: null, request: '<report/>', http_status: 200, response: null, response_code: 0, outcome: x.outcome, at: x.at,
      }).execute();
    }
  }
}

test('the dashboard loaded from the tables: tasks, actions, pipeline and human decisions, QA, appeals and reports', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const r = new Rows(store.db);
    // Tasks: met, late, open and overdue, open and fresh (urgent), no SLA, before the window, closed without a decision time.
    await r.task('met', { status: 'done', createdAt: T0 - H, slaDueAt: T0 + H, decidedAt: T0 + 30 * M });
    await r.task('late', { status: 'done', createdAt: T0, slaDueAt: T0 + 2 * H, decidedAt: T0 + 3 * H });
    await r.task('overdue', { status: 'open', createdAt: T0 + DAY_MS, slaDueAt: T0 + DAY_MS + H, decidedAt: null });
    await r.task('held', { status: 'held', queue: 'urgent', createdAt: WINDOW.to - 30 * M, slaDueAt: WINDOW.to + H, decidedAt: null });
    await r.task('no-sla', { status: 'done', createdAt: T0, slaDueAt: null, decidedAt: T0 + H });
    await r.task('before', { status: 'done', createdAt: T0 - 3 * DAY_MS, slaDueAt: T0 - 2 * DAY_MS, decidedAt: T0 - DAY_MS });
    await r.task('appeal-closed', { status: 'done', queue: 'appeals', kind: 'appeal', createdAt: T0 + H, slaDueAt: null, decidedAt: null });
    await r.task('future', { status: 'open', createdAt: WINDOW.to + H, slaDueAt: WINDOW.to + 2 * H, decidedAt: null });

    // i1: blocked automatically 30 min after ingest. i2: the pipeline asked for review, rita removed it 60 min after
    // ingest. i3: urgent routing, then disabled automatically 90 min after ingest. i4: first actioned before the window.
    // i5: a benign item. i6: actioned after the window.
    await r.item('i1', T0 - 10 * M);
    await r.decision('p1', 'i1', 'violating', T0 + 20 * M, [{ id: 'a1', type: 'block' }]);
    await r.item('i2', T0 + H);
    await r.decision('p2', 'i2', 'needs_review', T0 + H, [{ id: 'a2r', type: 'review' }]);
    await r.decision('h2', 'i2', 'violating', T0 + 2 * H, [{ id: 'a2', type: 'remove' }]);
    await r.review('rd-h2', { itemId: 'i2', reviewer: 'user:rita', createdAt: T0 + 2 * H, decisionId: 'h2', subject: 'p2' });
    await r.item('i3', T0 + DAY_MS);
    await r.decision('p3u', 'i3', 'needs_review', T0 + DAY_MS, [{ id: 'a3u', type: 'urgent' }]);
    await r.decision('p3', 'i3', 'violating', T0 + DAY_MS + 90 * M, [{ id: 'a3', type: 'disable' }], 'CSE-02');
    await r.item('i4', T0 - 2 * DAY_MS);
    await r.decision('p4', 'i4', 'violating', T0 - 2 * DAY_MS + 5 * M, [{ id: 'a4old', type: 'block' }]);
    await r.decision('h4', 'i4', 'violating', T0 + 3 * H, [{ id: 'a4', type: 'remove' }]);
    await r.review('rd-h4', { itemId: 'i4', reviewer: 'user:rita', createdAt: T0 + 3 * H, decisionId: 'h4' });
    await r.item('i5', T0);
    await r.decision('p5', 'i5', 'no_violation', T0 + M, []);
    await r.item('i6', WINDOW.to - H);
    await r.decision('p6', 'i6', 'violating', WINDOW.to + H, [{ id: 'a6', type: 'block' }]);

    // QA: sam agrees with the automatic block of i1 and disagrees with rita on i2; one QA before the window.
    await r.review('qa1', { itemId: 'i1', reviewer: 'user:sam', kind: 'qa', createdAt: T0 + 6 * H, subject: 'p1', agrees: true });
    await r.review('qa2', { itemId: 'i2', reviewer: 'user:sam', kind: 'qa', createdAt: T0 + DAY_MS + 6 * H, subject: 'h2', agrees: false });
    await r.review('qa-old', { itemId: 'i1', reviewer: 'user:sam', kind: 'qa', createdAt: T0 - H, subject: 'p1', agrees: false });
    // Appeals: the automatic disable of i3 overturned, rita's removal of i2 upheld; one still open, one resolved before.
    await r.appeal('ap1', 'i3', 'p3', 'overturned', T0 + DAY_MS + 8 * H);
    await r.appeal('ap2', 'i2', 'h2', 'upheld', T0 + DAY_MS + 9 * H);
    await r.appeal('ap-open', 'i1', 'p1', 'open', null);
    await r.appeal('ap-old', 'i4', 'p4', 'overturned', T0 - H);
    // Reports: j1 acknowledged 10 h after its earliest item (i1... ingested T0 - 10 min), after a retry; j2 refused.
    await r.report('j1', ['i1', 'i2'], [{ step: 'submit', outcome: 'retry', at: T0 + 9 * H }, { step: 'submit', outcome: 'ok', at: T0 - 10 * M + 10 * H }, { step: 'upload', outcome: 'ok', at: T0 + 11 * H }]);
    await r.report('j2', ['i3'], [{ step: 'submit', outcome: 'refused', at: T0 + DAY_MS + 2 * H }]);

    const m = await loadOpsMetrics(store.db, WINDOW, DEFAULT_OPS_TARGETS);
    assert.deepEqual(m.queues, [
      { queue: 'general', depth: 1, oldestAgeMinutes: 24 * 60, overdue: 1 },
      { queue: 'urgent', depth: 1, oldestAgeMinutes: 30, overdue: 0 },
    ]);
    assert.deepEqual(m.sla, { decided: 2, met: 1, missed: 2, openOverdue: 1, withoutSla: 1, compliance: 1 / 3 });
    assert.deepEqual(m.timeToAction, { items: 3, p50Minutes: 60, p90Minutes: 90 });
    assert.deepEqual(m.automation, { actionedItems: 3, automated: 2, rate: 2 / 3 });
    assert.deepEqual(m.precision, { qaChecks: 1, qaAgreed: 1, appealsResolved: 1, appealsUpheld: 0, value: 0.5 });
    assert.deepEqual(m.accuracy.byReviewer, [{ reviewer: 'user:rita', checks: 2, correct: 1, value: 0.5 }]);
    assert.deepEqual(m.accuracy.byCategory, [{ category: 'CSE-01', checks: 2, correct: 1, value: 0.5 }]);
    // rd-h2 (02h), rd-h4 (03h), qa1 (06h), qa2 (day 2, 06h): rita 2 hours, sam 2 hours.
    assert.equal(m.throughput.decisions, 4);
    assert.equal(m.throughput.perReviewerHour, 1);
    assert.deepEqual(m.reports, { filed: 1, timeToReportP90Hours: 10 });
    assert.deepEqual(m.trend.daily.map((p) => [p.slaCompliance, p.automationRate, p.decisions, p.timeToActionP50Minutes]), [[0.5, 0.5, 3, 30], [0, 1, 1, 90]]);
    const breached = m.figures.filter((f) => f.breached).map((f) => f.key);
    assert.deepEqual(breached, ['sla_compliance', 'time_to_action_p50_minutes', 'throughput_per_reviewer_hour', 'automation_precision', 'reviewer_accuracy']);
  }));
});

test('an empty store gives null figures, nothing breached; targets come from the latest ops_targets version', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    assert.deepEqual(await currentOpsTargets(store.db), DEFAULT_OPS_TARGETS);
    const m = await loadOpsMetrics(store.db, WINDOW, await currentOpsTargets(store.db));
    assert.ok(m.figures.every((f) => f.value === null && !f.breached));
    assert.equal(m.trend.daily.length, 2);
    await saveConfigVersion(store.db, 'ops_targets', { sla_compliance: 0.5 }, 'manager', 'looser', T0);
    assert.deepEqual(await currentOpsTargets(store.db), { sla_compliance: 0.5 });
    await new Rows(store.db).task('late', { status: 'done', createdAt: T0, slaDueAt: T0 + H, decidedAt: T0 + 2 * H });
    const after = await loadOpsMetrics(store.db, WINDOW, await currentOpsTargets(store.db));
    const sla = after.figures.find((f) => f.key === 'sla_compliance');
    assert.deepEqual([sla?.value, sla?.target, sla?.breached], [0, 0.5, true]);
    assert.equal(after.figures.find((f) => f.key === 'time_to_report_hours')?.target, null, 'a target the manager removed is absent');
  }));
});
