// The demo's scripted review shift: decisions from ground truth with deliberate mistakes, so the dashboard shows
// non-trivial figures on first start; it runs once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { playDemoReviewHistory } from '../../src/demo/review-history.js';
import { loadOpsMetrics } from '../../src/store/repos/ops-metrics.js';
import { DEFAULT_OPS_TARGETS } from '../../src/review/ops/targets.js';
import { startHaven } from '../helpers/haven.js';

test('the demo review shift decides part of the grooming queue and QA finds its mistakes', async (t) => {
  const h = await startHaven({ demo: true });
  t.after(() => h.close());
  const before = await h.haven.store.db.selectFrom('review_tasks').select('id').where('queue', '=', 'grooming').where('status', '=', 'open').execute();
  const shift = await playDemoReviewHistory(h.haven);
  assert.ok(shift);
  assert.equal(shift.decided, Math.min(30, before.length));
  assert.equal(await playDemoReviewHistory(h.haven), null, 'it runs once');
  const left = await h.haven.store.db.selectFrom('review_tasks').select('id').where('queue', '=', 'grooming').where('status', '=', 'open').execute();
  assert.equal(left.length, before.length - shift.decided, 'the rest is left for people to work');
  const now = h.haven.clock.now();
  const metrics = await loadOpsMetrics(h.haven.store.db, { from: now - 24 * 60 * 60_000, to: now + 1 }, DEFAULT_OPS_TARGETS);
  assert.equal(metrics.throughput.byReviewer.find((r) => r.reviewer === 'user:reviewer@haven.local')?.decisions, shift.decided);
  // Each QA check agrees exactly when the decision under check matched the demo's ground truth.
  const checks = await h.haven.store.db.selectFrom('review_decisions').selectAll().where('kind', '=', 'qa').execute();
  assert.equal(checks.length, shift.qaChecks);
  for (const qa of checks) {
    // The decision under check: a reviewer's, or (sampled automatic actions) the pipeline's.
    const human = await h.haven.store.db.selectFrom('decisions').select(['verdict', 'category']).where('id', '=', qa.subject_decision_id!).executeTakeFirstOrThrow();
    const item = await h.haven.store.db.selectFrom('items').select('metadata').where('id', '=', qa.item_id).executeTakeFirstOrThrow();
    const truth = (JSON.parse(String(item.metadata)) as { labels: string[] }).labels[0] ?? null;
    const humanRight = truth === null ? human.verdict !== 'violating' : human.verdict === 'violating' && human.category === truth;
    assert.equal(qa.agrees, humanRight ? 1 : 0, `QA of ${human.verdict}/${human.category} against truth ${truth}`);
  }
});
