import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven } from '../../../src/app.js';
import { loadLlmConfig } from '../../../src/detectors/llm/config.js';
import { compareRuns, createClassifier, importExamples, runEvaluation } from '../../../src/learning/eval/index.js';
import { reply, startLlmServer } from '../../helpers/llm-server.js';
import { makeBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const EXAMPLES = [
  { id: 'secret', text: "let's keep this between us", surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-13'] },
  { id: 'photo', text: 'send me a photo', surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-05'] },
  { id: 'practice', text: 'see you at practice tomorrow', surface: 'comment', labels: [] },
  { id: 'lighthouse', text: 'that lighthouse photo is lovely', surface: 'comment', labels: [] },
];

test('the LLM alone and the cascade are evaluated on the same set, with cost, and compared', async (t) => {
  // A model that calls everything with "photo" in it CSE-05, and nothing else.
  const server = await startLlmServer((req) => reply.json(/photo/.test(req.userText)
    ? { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.9, rationale: 'asks for a photo', evidence: ['photo'] }
    : { violates: false, category: null, severity: null, confidence: 0.9, rationale: 'fine', evidence: [] }, { inputTokens: 1000, outputTokens: 50 }));
  const backend = await makeBackend('sqlite');
  const config = {
    ...backend.config,
    llm: loadLlmConfig({
      HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_BASE_URL: server.url, HAVEN_LLM_MODEL: 'eval-test',
      HAVEN_LLM_PRICE_INPUT_PER_MTOK: '2', HAVEN_LLM_PRICE_OUTPUT_PER_MTOK: '10',
    }),
  };
  const h = await openHaven(config, { logger: testLogger() });
  t.after(async () => {
    await h.close();
    await backend.cleanup();
    await server.close();
  });
  const q = h.store.db;
  await importExamples(q, 'small', EXAMPLES.map((e) => JSON.stringify(e)).join('\n'), { actor: 'test', now: Date.now() });

  const llm = await runEvaluation(q, 'small', await createClassifier({ q, config }, 'llm'), { actor: 'test' });
  assert.equal(server.requests.length, 4, 'the LLM alone is asked about every example');
  assert.equal(llm.metrics.categories['CSE-05']?.truePositives, 1);
  assert.equal(llm.metrics.categories['CSE-05']?.falsePositives, 1, 'the lighthouse photo');
  assert.equal(llm.metrics.categories['CSE-13']?.falseNegatives, 1);
  assert.ok(Math.abs(llm.metrics.cost.totalUsd - 4 * 0.0025) < 1e-9, `cost ${llm.metrics.cost.totalUsd}`);

  const before = server.requests.length;
  const cascade = await runEvaluation(q, 'small', await createClassifier({ q, config }, 'cascade'), { actor: 'test' });
  // Only the two examples the rules put in the uncertain band reach the LLM; the comments have no cheap signal.
  assert.equal(server.requests.length - before, 0, 'both were answered from the verdict cache');
  assert.equal(cascade.metrics.categories['CSE-13']?.truePositives, 1);
  assert.equal(cascade.metrics.categories['CSE-05']?.falsePositives ?? 0, 0);

  const cmp = await compareRuns(q, llm.run.id, cascade.run.id);
  assert.deepEqual(cmp.disagreements.shown.map((d) => d.exampleId).sort(), ['lighthouse', 'secret']);
});
