import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prevalence, spikes, volumeItems, volumes } from '../../../src/analytics/trends/service.js';
import { spikesQuerySchema, volumesQuerySchema } from '../../../src/analytics/trends/params.js';
import { migrate, openStore, type Queryable, type Store, toJson } from '../../../src/store/db.js';
import { type Backend, forEachBackend } from '../../helpers/stores.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 29); // `until`: the day under test is [T - 1 day, T)

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(b.config);
  try {
    await migrate(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

/** One item with one rules signal of `category`, created at `at` on `surface`. */
async function flagged(q: Queryable, id: string, surface: string, category: string, at: number, verdict = 'violating'): Promise<void> {
  await q.insertInto('items').values({
    id, external_id: `ext-${id}`, content_digest: `digest-${id}`, surface, kind: 'text', text: 'a neutral note', author_id: null,
    conversation_id: null, recipient_ids: toJson([]), created_at: at, ingested_at: T, metadata: toJson({}), status: 'processed',
  }).execute();
  await q.insertInto('signals').values({
    id: `sig-${id}`, item_id: id, detector: 'text.rules', detector_version: '1', category, score: 0.5, evidence: toJson({}), created_at: T,
  }).execute();
  await q.insertInto('decisions').values({
    id: `dec-${id}`, item_id: id, policy_version: 1, taxonomy_version: 1, verdict, category, severity: 'S2',
    actions: toJson([]), reasons: toJson([]), created_at: T,
  }).execute();
}

/** Five weeks of flat history: one CSE-13 comment and three CSE-13 direct messages a day, at 10:00. */
async function flatHistory(q: Queryable): Promise<void> {
  for (let d = 1; d <= 35; d++) {
    const at = T - d * DAY + 10 * HOUR;
    await flagged(q, `c${d}`, 'comment', 'CSE-13', at);
    for (let k = 0; k < 3; k++) await flagged(q, `m${d}-${k}`, 'direct_message', 'CSE-13', at + k * HOUR, k === 0 ? 'violating' : 'review');
  }
}

const spikeQuery = spikesQuerySchema.parse({ until: new Date(T).toISOString() });

test('trends over hand-made rows: volumes, drill-down, and a spike alert naming the slice (no alert on flat data)', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withStore(backend, async ({ db }) => {
      await flatHistory(db);
      const flat = await spikes(db, spikeQuery, T + 5 * HOUR);
      assert.equal(flat.at, T - DAY);
      assert.equal(flat.method, 'same_weekday_previous_weeks');
      assert.deepEqual(flat.alerts, [], 'flat data raises nothing');

      // Ten more comments in the last hours of the day under test.
      for (let k = 0; k < 10; k++) await flagged(db, `burst${k}`, 'comment', 'CSE-13', T - 6 * HOUR + k * 10 * 60_000);
      const s = await spikes(db, spikeQuery, T + 5 * HOUR);
      const slice = s.alerts.filter((a) => a.slice.kind === 'category_surface');
      assert.equal(slice.length, 1, JSON.stringify(s.alerts.map((a) => a.label)));
      const a = slice[0]!;
      assert.equal(a.label, 'CSE-13 on comment');
      assert.equal(a.value, 11);
      assert.equal(a.baseline.median, 1);
      assert.deepEqual(a.baseline.points.map((p) => p.count), [1, 1, 1, 1]);
      assert.equal(a.score, 10);
      assert.equal(a.items.length, 11);
      assert.deepEqual(a.items.slice(0, 2), ['burst9', 'burst8'], 'newest first');
      // The detector moved too (4 -> 14 items that day), and is named as a detector slice.
      assert.ok(s.alerts.some((x) => x.label === 'detector text.rules' && x.value === 14));

      // Daily volumes of signals by category and surface; the drill-down lists the items behind a point.
      const v = await volumes(db, volumesQuerySchema.parse({ metric: 'signals', by: 'surface,category', since: '3d', until: String(T) }), T);
      const lastComment = v.points.find((p) => p.at === T - DAY && p.key.surface === 'comment');
      assert.deepEqual(lastComment && { count: lastComment.count, key: lastComment.key }, { count: 11, key: { surface: 'comment', category: 'CSE-13' } });
      assert.equal(v.points.filter((p) => p.key.surface === 'direct_message').map((p) => p.count).join(','), '3,3,3');
      const drill = new URLSearchParams(lastComment!.drill.split('?')[1]);
      const items = await volumeItems(db, { metric: 'signals', since: drill.get('since')!, until: drill.get('until')!, surface: 'comment', category: 'CSE-13', limit: 100 }, T);
      assert.equal(items.items.length, 11);
      assert.ok(items.items.includes('c1') && items.items.includes('burst0'));

      // Hourly items, filtered; decisions by verdict.
      const hourly = await volumes(db, volumesQuerySchema.parse({ metric: 'items', bucket: 'hour', since: '1d', until: String(T), surface: 'comment' }), T);
      assert.deepEqual(hourly.points.map((p) => [(p.at - (T - DAY)) / HOUR, p.count]), [[10, 1], [18, 6], [19, 4]]);
      const verdicts = await volumes(db, volumesQuerySchema.parse({ metric: 'decisions', by: 'verdict', since: '1d', until: String(T - DAY) }), T);
      assert.deepEqual(verdicts.points.map((p) => [p.key.verdict, p.count]), [['review', 2], ['violating', 2]]);
    });
  });
});

test('prevalence from review and QA labels: the latest label per item, Wilson interval per category and surface', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withStore(backend, async ({ db }) => {
      const label = async (id: string, itemId: string, surface: string, kind: string, verdict: string, at: number) => {
        if (!(await db.selectFrom('items').select('id').where('id', '=', itemId).executeTakeFirst())) {
          await flagged(db, itemId, surface, 'CSE-13', at - HOUR, 'review');
        }
        await db.insertInto('review_tasks').values({
          id: `task-${id}`, item_id: itemId, decision_id: `dec-task-${id}`, queue: 'main', category: 'CSE-13', severity: 'S2',
          status: 'decided', sla_due_at: null, created_at: at - HOUR, kind,
        }).execute();
        await db.insertInto('review_decisions').values({
          id, task_id: `task-${id}`, item_id: itemId, kind, reviewer: 'user:r', verdict, category: verdict === 'violating' ? 'CSE-13' : null,
          severity: 'S2', labels: toJson([]), policy_clause: null, note: null, actions: toJson([]), outcome: 'final',
          decision_id: null, subject_decision_id: null, agrees: null, bulk_id: null, claimed_at: null, created_at: at,
        }).execute();
      };
      // Ten direct messages labelled: 5 violating (3 by review, 2 by QA); one of the others first labelled violating then overturned.
      for (let k = 0; k < 10; k++) {
        await label(`rd${k}`, `dm${k}`, 'direct_message', k < 3 || k >= 8 ? 'review' : 'qa', k < 3 || k === 4 || k === 5 ? 'violating' : 'benign', T - 2 * DAY + k * HOUR);
      }
      await label('rd-old', 'dm9', 'direct_message', 'review', 'violating', T - 3 * DAY);
      // An appeal decision is not a sample of prevalence.
      await label('rd-appeal', 'dm7', 'direct_message', 'appeal', 'violating', T - DAY);
      const p = await prevalence(db, { since: '7d', until: String(T) }, T);
      assert.equal(p.rows.length, 1);
      const row = p.rows[0]!;
      assert.deepEqual([row.category, row.surface, row.labelled, row.violating], ['CSE-13', 'direct_message', 10, 5]);
      assert.deepEqual(row.sample, { qa: 5, review: 5 });
      assert.ok(Math.abs(row.prevalence.low - 0.23659) < 1e-4 && Math.abs(row.prevalence.high - 0.76341) < 1e-4);
      assert.deepEqual(row.violatingItems, ['dm0', 'dm1', 'dm2', 'dm4', 'dm5']);
      assert.deepEqual((await prevalence(db, { since: '7d', until: String(T), surface: 'comment' }, T)).rows, []);
    });
  });
});
