import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import type { HavenConfig } from '../../src/config.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { loadLlmConfig } from '../../src/detectors/llm/config.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { scenePng } from '../helpers/images.js';
import { reply, startLlmServer } from '../helpers/llm-server.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const VIOLATES = { violates: true, category: 'CSE-13', severity: 'S2', confidence: 0.96, rationale: 'an adult asks a minor for secrecy', evidence: ['between us'] };
const CLEAN = { violates: false, category: null, severity: null, confidence: 0.9, rationale: 'ordinary chat', evidence: [] };

function llmConfig(url: string, extra: Record<string, string> = {}) {
  return loadLlmConfig({
    HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_BASE_URL: url, HAVEN_LLM_MODEL: 'safety-test', HAVEN_LLM_TIMEOUT_MS: '3000',
    HAVEN_LLM_MAX_ATTEMPTS: '1', HAVEN_LLM_PRICE_INPUT_PER_MTOK: '1', HAVEN_LLM_PRICE_OUTPUT_PER_MTOK: '10', ...extra,
  });
}

async function drain(h: Haven): Promise<void> {
  while ((await h.worker.runOnce()) > 0) {}
}

async function ingest(h: Haven, externalId: string, fields: Record<string, unknown>): Promise<string> {
  const input = itemInputSchema.parse({
    externalId, surface: 'direct_message', author: { externalId: 'adult_1', ageBand: 'adult' },
    recipients: [{ externalId: 'teen_1', ageBand: '13_15' }], ...fields,
  });
  return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!.itemId;
}

async function trace(h: Haven, id: string) {
  const view = (await itemView(h.store, id as never))!;
  const planned = view.events.find((e) => e.type === 'cascade_planned');
  const llmRan = view.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'llm.policy');
  return { view, planned, llmRan, llmSignals: view.signals.filter((s) => s.detector === 'llm.policy') };
}

test('with an LLM configured, items in the uncertain band are classified, text and images, and the trace shows the call', async (t) => {
  await forEachBackend(t, async (backend) => {
    const server = await startLlmServer((req) => reply.json(/secret|between us/.test(req.userText) || req.images.length > 0 ? VIOLATES : CLEAN));
    const config: HavenConfig = { ...backend.config, llm: llmConfig(server.url) };
    const h = await openHaven(config, { logger: testLogger() });
    try {
      const ready = await h.llm!.status();
      assert.equal(ready.configured, true);
      assert.match(ready.description, /openai safety-test at 127\.0\.0\.1/);

      // Rules score "keep this between us" to a minor at 0.725: inside the default uncertain band [0.3, 0.9).
      const uncertain = await ingest(h, 'dm_1', { text: "let's keep this between us", conversationId: 'c1' });
      // Nothing cheap fires here: the LLM is not asked.
      const quiet = await ingest(h, 'dm_2', { text: 'see you at practice', conversationId: 'c2' });
      // An image in a generative-AI prompt is always classified (an always-classified surface).
      const image = await ingest(h, 'gen_1', { surface: 'genai_prompt', text: 'make this brighter', media: [{ data: (await scenePng(7)).toString('base64') }] });
      await drain(h);

      const a = await trace(h, uncertain);
      assert.equal(a.planned?.payload.ask, true);
      assert.match(((a.planned?.payload.reasons ?? []) as string[]).join(' '), /CSE-13 0\.7[23] in the uncertain band/);
      assert.equal(a.llmRan?.versions.model, 'safety-test');
      assert.match(String(a.llmRan?.versions.prompt), /haven-structured@\d+\+policy v1/);
      assert.equal(a.llmSignals.length, 1);
      assert.equal(a.llmSignals[0]!.score, 0.96);
      const calls = a.llmSignals[0]!.evidence.calls as { provider: string; model: string; inputTokens: number; costUsd: number; rawAnswer: string }[];
      assert.equal(calls[0]!.model, 'safety-test');
      assert.ok(calls[0]!.inputTokens > 0 && calls[0]!.costUsd > 0);
      assert.match(calls[0]!.rawAnswer, /"violates":\s*true/);
      assert.equal(a.view.decision?.verdict, 'violating', 'the LLM confirms above the CSE-13 action threshold');

      const b = await trace(h, quiet);
      assert.equal(b.planned?.payload.ask, false);
      assert.equal(b.llmRan, undefined);

      const c = await trace(h, image);
      assert.equal(c.planned?.payload.ask, true);
      const sent = server.requests.find((r) => r.images.length > 0);
      assert.ok(sent, 'the image went to the model');
      assert.equal(sent.images[0]!.mime, 'image/png');
      assert.equal(c.llmSignals.length, 1);
      assert.equal(server.requests.length, 2, 'one call per classified item, none for the quiet one');
    } finally {
      await h.close();
      await server.close();
    }
  });
});

test('shadow mode records the LLM verdict and acts on nothing', async (t) => {
  await forEachBackend(t, async (backend) => {
    const server = await startLlmServer(() => reply.json(VIOLATES));
    const h = await openHaven({ ...backend.config, llm: llmConfig(server.url) }, { logger: testLogger() });
    try {
      const cascade = (await h.configs.latest<Record<string, unknown>>('cascade'))!.document;
      await h.configs.deploy('cascade', { ...cascade, shadow: true }, 'try the new prompt on live traffic', 'user:policy@test');
      const id = await ingest(h, 'dm_s', { text: "let's keep this between us", conversationId: 'c1' });
      await drain(h);
      const r = await trace(h, id);
      assert.equal(r.planned?.payload.shadow, true);
      assert.equal(r.llmSignals.length, 1);
      assert.equal(r.llmSignals[0]!.evidence.shadow, true);
      assert.ok(r.view.decision!.reasons.every((x) => x.detector !== 'llm.policy'), 'the shadow verdict is not a reason');
      assert.equal(r.view.decision?.verdict, 'needs_review', 'the rules alone decide: review, not the LLM-confirmed violation');
      assert.equal(r.view.actions.filter((a) => a.delivery === 'platform').length, 0);
    } finally {
      await h.close();
      await server.close();
    }
  });
});

test('an exhausted budget or an open circuit sends the item to review with the reason in the trace', async (t) => {
  await forEachBackend(t, async (backend) => {
    const server = await startLlmServer(() => reply.serverError());
    // A budget smaller than one call: the first call spends it, every later one is refused.
    const h = await openHaven(
      { ...backend.config, llm: llmConfig(server.url, { HAVEN_LLM_DAILY_BUDGET_USD: '0.000001' }) },
      { logger: testLogger() },
    );
    let broken: Haven | null = null;
    try {
      server.setScript(() => reply.json(CLEAN));
      const first = await ingest(h, 'dm_b1', { text: "let's keep this between us", conversationId: 'b1' });
      await drain(h);
      assert.equal((await trace(h, first)).llmSignals.length, 0, 'the first call went through and found nothing');
      const second = await ingest(h, 'dm_b2', { text: "don't tell your parents", conversationId: 'b2' });
      await drain(h);
      const b = await trace(h, second);
      assert.equal(b.llmSignals.length, 1);
      assert.equal(b.llmSignals[0]!.category, 'CSE-90');
      assert.equal(b.llmSignals[0]!.evidence.reason, 'budget_exhausted');
      assert.match(b.llmSignals[0]!.evidence.summary, /budget_exhausted/);
      assert.equal(b.view.decision?.verdict, 'needs_review');
      assert.ok(b.view.reviewTasks.length >= 1);

      // Five failing calls open the circuit; the sixth item is refused at once and reviewed.
      server.setScript(() => reply.serverError());
      await h.close();
      // One store per process at a time (SQLite): reopen with an ample budget.
      broken = await openHaven({ ...backend.config, llm: llmConfig(server.url) }, { logger: testLogger() });
      for (let i = 0; i < 6; i++) await ingest(broken, `dm_c${i}`, { text: `keep this between us, ok ${i}?`, conversationId: `cc${i}` });
      await drain(broken);
      const last = await trace(broken, (await broken.store.db.selectFrom('items').select('id').where('external_id', '=', 'dm_c5').executeTakeFirstOrThrow()).id);
      assert.equal(last.llmSignals[0]?.evidence.reason, 'circuit_open');
      assert.equal(last.view.decision?.verdict, 'needs_review');
      assert.equal((await broken.llm!.status()).circuit, 'open');
    } finally {
      await h.close().catch(() => {});
      await broken?.close();
      await server.close();
    }
  });
});
