import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLlmConfig } from '../../src/detectors/llm/config.js';
import { scenePng } from '../helpers/images.js';
import { reply, startLlmServer } from '../helpers/llm-server.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const VIOLATES = { violates: true, category: 'CSE-06', severity: 'S0', confidence: 0.97, rationale: 'a threat with a payment demand', evidence: ['pay me'] };
const CLEAN = { violates: false, category: null, severity: null, confidence: 0.95, rationale: 'an ordinary request', evidence: [] };

test('in-line classification: a dry run of the cascade and the generative-AI check', { timeout: 120_000 }, async (t) => {
  const server = await startLlmServer((req) => reply.json(/pay me/.test(req.userText) ? VIOLATES : CLEAN));
  const backend = await makeBackend('sqlite');
  backend.config.llm = loadLlmConfig({ HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_BASE_URL: server.url, HAVEN_LLM_MODEL: 'guard-test' });
  const f = await apiFixture(backend);
  const { key: genaiKey } = await f.haven.auth.createApiKey({ name: 'image-studio', scopes: ['items:classify'] }, 'test');
  t.after(async () => {
    await f.close();
    await backend.cleanup();
    await server.close();
  });

  await t.test('POST /v1/classify runs every detector, stores nothing and acts on nothing', async () => {
    const res = await f.app.inject({
      method: 'POST', url: '/v1/classify', headers: f.auth(genaiKey),
      payload: {
        externalId: 'probe-1', surface: 'direct_message', text: "let's keep this between us",
        author: { externalId: 'a', ageBand: 'adult' }, recipients: [{ externalId: 'b', ageBand: '13_15' }],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.verdict, 'needs_review');
    assert.equal(body.category, 'CSE-13');
    assert.ok(body.signals.some((s: { detector: string }) => s.detector === 'text.rules'));
    assert.equal(body.llm.asked, true, 'a 0.725 rules score is in the uncertain band');
    assert.match(body.llm.reasons.join(' '), /uncertain band/);
    const items = await f.haven.store.db.selectFrom('items').select('id').execute();
    assert.equal(items.length, 0, 'nothing stored');
  });

  await t.test('POST /v1/genai/check classifies prompts and outputs in-line and records the decision without the content', async () => {
    const ok = await f.app.inject({
      method: 'POST', url: '/v1/genai/check', headers: f.auth(genaiKey),
      payload: { direction: 'prompt', text: 'a watercolour of a lighthouse', product: 'image-studio', requestId: 'req-1' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().recommendation, 'allow');
    assert.equal(ok.json().surface, 'genai_prompt');
    assert.equal(ok.json().llm.asked, true, 'GenAI surfaces are always classified');

    const bad = await f.app.inject({
      method: 'POST', url: '/v1/genai/check', headers: f.auth(genaiKey),
      payload: { direction: 'output', text: 'pay me or I will share the chat', product: 'image-studio' },
    });
    assert.equal(bad.json().recommendation, 'block');
    assert.equal(bad.json().category, 'CSE-06');

    const image = await f.app.inject({
      method: 'POST', url: '/v1/genai/check', headers: f.auth(genaiKey),
      payload: { direction: 'output', images: [(await scenePng(3)).toString('base64')] },
    });
    assert.equal(image.statusCode, 200, image.body);
    assert.ok(server.requests.at(-1)!.images.length === 1, 'the image reached the model');

    const events = await f.haven.store.db.selectFrom('events').selectAll().where('type', '=', 'inline_checked').execute();
    assert.equal(events.length, 3);
    const payloads = events.map((e) => JSON.stringify(e.payload));
    assert.ok(payloads.every((p) => !p.includes('lighthouse') && !p.includes('pay me')), 'content is not kept');
    assert.ok(payloads.some((p) => p.includes('violating')));
  });

  await t.test('bad input and missing permission are 4xx with the problem named', async () => {
    const empty = await f.app.inject({ method: 'POST', url: '/v1/genai/check', headers: f.auth(genaiKey), payload: { direction: 'prompt' } });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /text or at least one image/);
    const wrong = await f.app.inject({ method: 'POST', url: '/v1/genai/check', headers: f.auth(genaiKey), payload: { direction: 'sideways', text: 'x' } });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /direction/);
    const denied = await f.app.inject({ method: 'POST', url: '/v1/genai/check', headers: f.auth(), payload: { direction: 'prompt', text: 'x' } });
    assert.equal(denied.statusCode, 403);
  });

  await t.test('/readyz says which LLM is configured, without its key', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.json().llm.configured, true);
    assert.match(res.json().llm.description, /openai guard-test/);
    assert.equal(res.json().llm.circuit, 'closed');
  });
});

test('/readyz says when no LLM is configured', async (t) => {
  const backend = await makeBackend('sqlite');
  backend.config.llm = null;
  const f = await apiFixture(backend);
  t.after(async () => {
    await f.close();
    await backend.cleanup();
  });
  const res = await f.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.json().llm.configured, false);
  assert.match(res.json().llm.description, /no LLM provider configured/);
});
