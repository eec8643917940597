import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import { DEFAULT_TAXONOMY } from '../../src/core/taxonomy-default.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { demoLabelledRows } from '../../src/demo/training.js';
import { examplesFromItems } from '../../src/detectors/model/data.js';
import { trainAndStore } from '../../src/detectors/model/service.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

async function drain(h: Haven): Promise<void> {
  while ((await h.worker.runOnce()) > 0) {}
}

test('the live local model scores text items in the pipeline and the trace names its version', async (t) => {
  const categories = DEFAULT_TAXONOMY.categories.map((c) => c.id);
  const { examples } = examplesFromItems(await demoLabelledRows({ accounts: 30, seed: 4, includeWorld: false }), new Set(categories));
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const ingest = async (externalId: string, text: string) => {
        const input = itemInputSchema.parse({
          externalId, surface: 'direct_message', text, conversationId: `c_${externalId}`,
          author: { externalId: 'adult_1', ageBand: 'adult' }, recipients: [{ externalId: 'teen_1', ageBand: '13_15' }],
        });
        return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!.itemId;
      };
      // Before any model is live the pipeline runs without one.
      const before = await ingest('m0', "let's keep this between us");
      await drain(h);
      assert.equal((await itemView(h.store, before))!.events.some((e) => e.payload.detector === 'text.model'), false);

      const trained = await trainAndStore(h.store.db, { examples, source: 'demo', categories, actor: 'test', now: Date.now() });
      assert.equal(trained.model.status, 'live');
      const risky = await ingest('m1', "let's keep this between us");
      const benign = await ingest('m2', 'are we still going to the park on saturday?');
      await drain(h);

      const view = (await itemView(h.store, risky))!;
      const ran = view.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'text.model');
      assert.equal(ran?.versions.model, trained.model.version);
      const signal = view.signals.find((s) => s.detector === 'text.model');
      assert.equal(signal?.category, 'CSE-13');
      assert.equal(signal?.evidence.modelVersion, trained.model.version);
      assert.match(signal?.evidence.summary ?? '', new RegExp(`model v${trained.model.version}`));
      // However sure the model is, it opens a review and never acts by itself.
      assert.ok(signal!.score > 0.95, `score ${signal?.score}`);
      assert.equal(view.decision?.verdict, 'needs_review');
      assert.ok(view.decision?.reasons.some((r) => r.detector === 'text.model' && /review-only signal: a person decides/.test(r.text)));
      const quiet = (await itemView(h.store, benign))!;
      assert.ok(quiet.events.some((e) => e.payload.detector === 'text.model'), 'the model ran on the benign item');
      assert.equal(quiet.signals.filter((s) => s.detector === 'text.model').length, 0);
    } finally {
      await h.close();
    }
  });
});
