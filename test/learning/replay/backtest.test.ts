import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Haven, openHaven } from '../../../src/app.js';
import type { Policy } from '../../../src/core/policy.js';
import { demoTextItems } from '../../../src/demo/bench-items.js';
import { runBacktest } from '../../../src/learning/replay/runs.js';
import { fromJson, toJson } from '../../../src/store/db.js';
import { newId } from '../../../src/store/ids.js';
import { latestConfig } from '../../../src/store/repos/config.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const TABLES = ['decisions', 'actions', 'events', 'signals', 'review_tasks', 'conversation_risk', 'contacts', 'backtests'] as const;

async function rowCounts(h: Haven): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await h.store.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return out;
}

/** 200 demo text items, a third of them adult-to-minor messages with risk indicators, processed by the pipeline. */
async function processedWorld(h: Haven): Promise<void> {
  const prepared = [];
  for (const input of demoTextItems(200, 7, undefined, 0.35)) prepared.push(await h.ingestor.prepare(input));
  await h.ingestor.ingest(prepared, 'test');
  while ((await h.worker.runOnce()) > 0) {}
}

test('a backtest of a threshold change flips exactly the items in the band, writes nothing but its record, and estimates precision from labels', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      await processedWorld(h);
      const db = h.store.db;
      const current = (await latestConfig<Policy>(db, 'policy'))?.document as Policy;
      const policy: Policy = { ...current, categories: { ...current.categories, 'CSE-05': { ...current.categories['CSE-05'], actionThreshold: 0.6 } } };

      // By hand: the items the pipeline did not action whose CSE-05 signals reach 0.6 must become violating.
      const signals = await db.selectFrom('signals').select(['item_id', 'score', 'evidence']).where('category', '=', 'CSE-05').execute();
      const decisions = await db.selectFrom('decisions').select(['item_id', 'verdict']).execute();
      const violating = new Set(decisions.filter((d) => d.verdict === 'violating').map((d) => d.item_id));
      const expected = new Set(signals
        .filter((s) => s.score >= 0.6 && fromJson<{ informational?: boolean }>(s.evidence).informational !== true && !violating.has(s.item_id))
        .map((s) => s.item_id));
      assert.ok(expected.size >= 3, `the world must have items in the band (has ${expected.size})`);
      const flipped = [...expected].sort();

      // Human labels on two of them: a reviewer says benign; on another a reviewer says benign but an upheld appeal wins.
      const [benignByReview, upheldByAppeal] = flipped as [string, string];
      const review = (itemId: string, verdict: string) => db.insertInto('review_decisions').values({
        id: newId(), task_id: newId(), item_id: itemId, kind: 'review', reviewer: 'user:r@test', verdict, category: null, severity: 'NONE',
        labels: toJson([]), policy_clause: null, note: null, actions: toJson([]), outcome: 'final', decision_id: null,
        subject_decision_id: null, agrees: null, bulk_id: null, claimed_at: null, created_at: Date.now(),
      }).execute();
      await review(benignByReview, 'not_violating');
      await review(upheldByAppeal, 'not_violating');
      const decisionOf = (await db.selectFrom('decisions').select('id').where('item_id', '=', upheldByAppeal).executeTakeFirstOrThrow()).id;
      await db.insertInto('appeals').values({
        id: newId(), item_id: upheldByAppeal, decision_id: decisionOf, status: 'upheld', reason: 'x', appellant: null, filed_by: 'test',
        filed_at: Date.now(), resolved_by: 'test', resolved_at: Date.now(), resolution_reason: 'x',
      }).execute();
      const metadataViolating = (await db.selectFrom('items').select(['id', 'metadata']).where('id', 'in', flipped.slice(2)).execute())
        .filter((r) => (fromJson<{ labels: string[] }>(r.metadata).labels ?? []).length > 0).length;

      const before = await rowCounts(h);
      const { report, record } = await runBacktest({ q: db, now: h.clock.now(), llm: null }, { days: 30, overrides: { policy }, runBy: 'test' });
      const after = await rowCounts(h);
      for (const table of TABLES) assert.equal(after[table], (before[table] ?? 0) + (table === 'backtests' ? 1 : 0), `rows in ${table}`);

      assert.equal(report.items, 200);
      assert.deepEqual(report.flips.listed.map((f) => f.itemId).sort(), flipped);
      assert.ok(report.flips.listed.every((f) => f.after.verdict === 'violating' && f.change === 'verdict' && f.before?.verdict !== 'violating'));
      assert.equal(report.precision.newActions.items, flipped.length);
      assert.equal(report.precision.newActions.labelled, flipped.length);
      // benignByReview: not confirmed; upheldByAppeal: confirmed by the appeal; the rest by their metadata labels.
      const confirmed = 1 + metadataViolating;
      assert.equal(report.precision.newActions.confirmed, confirmed);
      assert.equal(report.precision.newActions.estimate, confirmed / flipped.length);
      assert.deepEqual(report.precision.newActions.bySource, { review: 1, appeal: 1, metadata: flipped.length - 2 });
      assert.equal(report.actions.itemsWithMoreActions, flipped.length);
      assert.equal(record.environment, 'backtest');
      assert.equal(record.items, 200);

      // The same configuration replayed flips nothing: the replay reproduces the pipeline's decisions.
      const same = await runBacktest({ q: db, now: h.clock.now(), llm: null }, { days: 30, overrides: {}, runBy: 'test' });
      assert.equal(same.report.flips.total, 0);
      assert.deepEqual(same.report.verdicts.after, same.report.verdicts.before);
    } finally {
      await h.close();
    }
  });
});
