import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelledExample } from '../../../src/detectors/model/data.js';
import { examplesFromStore, loadLiveModelDetector, promoteVersion, trainAndStore } from '../../../src/detectors/model/service.js';
import { splitExamples } from '../../../src/detectors/model/split.js';
import { migrate, openStore, toJson } from '../../../src/store/db.js';
import { listModels, liveModel, liveModelVersion, modelByVersion } from '../../../src/store/repos/models.js';
import { forEachBackend } from '../../helpers/stores.js';
import { CATEGORIES, syntheticExamples } from './fixtures.js';

const NOW = Date.UTC(2026, 0, 1);

/** The same examples, but CSE-14's training texts replaced by benign ones: a model trained on them misses CSE-14. */
function spoiledForCse14(examples: LabelledExample[], seed: number): LabelledExample[] {
  const { train } = splitExamples(examples, seed);
  const inTrain = new Set(train.map((e) => e.id));
  return examples.map((e) => (inTrain.has(e.id) && e.labels.includes('CSE-14') ? { ...e, text: 'hey the bus was late this morning ok' } : e));
}

test('versions, the promotion gate against the live model on the same held-out set, and recorded overrides', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = openStore(b.config);
    try {
      await migrate(store);
      const db = store.db;
      const examples = syntheticExamples();
      const base = { categories: CATEGORIES, actor: 'test:alice', source: 'test' };

      const first = await trainAndStore(db, { ...base, examples, now: NOW });
      assert.deepEqual([first.model.version, first.model.status, first.live], [1, 'live', true]);
      assert.equal(first.model.promotionReason, 'first model: no live model to compare with');

      // Equal (same data, same seed): goes live, and the first is retired.
      const equal = await trainAndStore(db, { ...base, examples, now: NOW + 1 });
      assert.equal(equal.live, true, equal.gate.summary);
      assert.ok(equal.gate.comparisons.every((c) => c.note === 'equal'));
      assert.equal(await liveModelVersion(db), 2);
      assert.equal((await modelByVersion(db, 1))?.status, 'retired');

      // Worse on CSE-14: stays a candidate, with the comparison stored.
      const worse = await trainAndStore(db, { ...base, examples: spoiledForCse14(examples, 1), now: NOW + 2 });
      assert.equal(worse.live, false);
      assert.equal(worse.model.status, 'candidate');
      const cmp = worse.gate.comparisons.find((c) => c.category === 'CSE-14')!;
      assert.equal(cmp.ok, false);
      assert.ok(cmp.candidateF1! < cmp.liveF1, JSON.stringify(cmp));
      assert.match(worse.gate.summary, /below live v2's on CSE-14/);
      const stored = await modelByVersion(db, 3);
      assert.equal((stored!.metrics as { comparison: { pass: boolean } }).comparison.pass, false);
      assert.equal(await liveModelVersion(db), 2);

      // Forced: live, and the override is recorded with its reason in the model and the audit log.
      const forced = await trainAndStore(db, { ...base, examples: spoiledForCse14(examples, 1), now: NOW + 3, force: { reason: 'testing the override' } });
      assert.deepEqual([forced.live, forced.overridden, forced.model.version], [true, true, 4]);
      assert.match(forced.model.promotionReason!, /^override: testing the override \(gate: held-out F1 below live v2's/);
      assert.deepEqual((forced.model.training as { override: { reason: string; by: string } }).override.reason, 'testing the override');
      assert.equal(await liveModelVersion(db), 4);

      // Promoting by hand retires the live one and records the reason.
      const promoted = await promoteVersion(db, 2, 'test:bob', 'roll back', NOW + 4);
      assert.deepEqual([promoted.model.version, promoted.retired, promoted.model.promotionReason], [2, 4, 'override: roll back']);
      await assert.rejects(promoteVersion(db, 2, 'test:bob', 'again', NOW + 5), /already live/);
      await assert.rejects(promoteVersion(db, 9, 'test:bob', 'missing', NOW + 5), /no model version 9/);
      await assert.rejects(promoteVersion(db, 3, 'test:bob', ' ', NOW + 5), /needs a reason/);

      const list = await listModels(db);
      assert.deepEqual(list.map((m) => [m.version, m.status]), [[4, 'retired'], [3, 'candidate'], [2, 'live'], [1, 'retired']]);
      // At most one live model, enforced by the database too.
      await assert.rejects(db.updateTable('models').set({ status: 'live' }).where('version', '=', 3).execute());

      const audit = await db.selectFrom('audit_log').select(['action', 'actor', 'details']).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['model.train', 'model.train', 'model.train', 'model.train', 'model.promote']);
      assert.match(JSON.stringify(audit[3]!.details), /testing the override/);

      const detector = await loadLiveModelDetector(db);
      assert.equal(detector?.versions().model, 2);
      assert.ok((await liveModel(db))?.weights.length);
    } finally {
      await store.close();
    }
  });
});

test('labelled items are read from the store, page by page', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = openStore(b.config);
    try {
      await migrate(store);
      const row = (id: string, text: string | null, metadata: unknown) => ({
        id, external_id: id, content_digest: id, surface: 'dm', kind: 'text', text, author_id: null, conversation_id: null,
        recipient_ids: toJson([]), created_at: 0, ingested_at: 0, metadata: toJson(metadata), status: 'processed',
      });
      await store.db.insertInto('items').values([
        row('a1', 'keep this between us', { labels: ['CSE-05'] }),
        row('a2', 'see you at practice', { labels: [] }),
        row('a3', 'unlabelled text', { scenario: 'benign' }),
        row('a4', 'labels not a list', { labels: 'CSE-05' }),
        row('a5', null, { labels: ['CSE-05'] }),
      ]).execute();
      const { examples } = await examplesFromStore(store.db, new Set(CATEGORIES));
      assert.deepEqual(examples, [
        { id: 'a1', text: 'keep this between us', labels: ['CSE-05'] },
        { id: 'a2', text: 'see you at practice', labels: [] },
      ]);
    } finally {
      await store.close();
    }
  });
});
