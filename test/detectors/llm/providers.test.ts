import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AnthropicProvider } from '../../../src/detectors/llm/providers/anthropic.js';
import { ProviderHttpError, ProviderNetworkError } from '../../../src/detectors/llm/providers/http.js';
import { OpenAiCompatibleProvider } from '../../../src/detectors/llm/providers/openai.js';
import type { LlmRequest } from '../../../src/detectors/llm/types.js';
import { type LlmServer, reply, startLlmServer } from '../../helpers/llm-server.js';

const KEY = 'sk-test-0123456789abcdef';
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 4, 5, 6]);
const verdict = { verdict: 'review', indicators: ['secrecy', 'platform_move'], confidence: 0.8 };

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    system: 'You review messages for a safety team. Answer in JSON.',
    user: 'Message: "keep this between us and add me on another app"',
    images: [],
    maxTokens: 200,
    json: true,
    ...overrides,
  };
}

let server: LlmServer;
before(async () => {
  server = await startLlmServer([], { apiKey: KEY });
});
after(() => server.close());

describe('OpenAiCompatibleProvider', () => {
  const provider = () =>
    new OpenAiCompatibleProvider({ baseUrl: server.url, model: 'gpt-test', apiKey: KEY, jsonMode: true, prices: { inputPerMTok: 2.5, outputPerMTok: 10 } });

  test('sends system, text, images as data URLs, model, max tokens and JSON mode, with a bearer key', async () => {
    server.setScript([reply.json(verdict, { inputTokens: 1200, outputTokens: 40 })]);
    const before = server.requests.length;
    const answer = await provider().complete(request({ images: [{ mime: 'image/png', data: png }, { mime: 'image/jpeg', data: jpeg }] }));
    const sent = server.requests[before]!;
    assert.equal(sent.protocol, 'openai');
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.model, 'gpt-test');
    assert.equal(sent.system, request().system);
    assert.equal(sent.userText, request().user);
    assert.deepEqual(sent.images, [
      { mime: 'image/png', data: png.toString('base64') },
      { mime: 'image/jpeg', data: jpeg.toString('base64') },
    ]);
    assert.equal(sent.jsonMode, true);
    assert.equal(sent.body.max_tokens, 200);
    assert.equal(sent.hasKey, true);
    assert.equal(sent.headers.authorization, '[present]');

    assert.deepEqual(JSON.parse(answer.text), verdict);
    assert.deepEqual(answer.usage, { inputTokens: 1200, outputTokens: 40 });
    assert.equal(answer.model, 'gpt-test');
    assert.equal(answer.finishReason, 'stop');
    assert.equal(answer.refused, false);
    assert.ok(answer.latencyMs >= 0);
    assert.ok(Math.abs(answer.costUsd - (1200 * 2.5 + 40 * 10) / 1e6) < 1e-12);
  });

  test('plain text content without images; no response_format when the server does not support it', async () => {
    server.setScript([reply.text('ok')]);
    const before = server.requests.length;
    const plain = new OpenAiCompatibleProvider({ baseUrl: server.url, model: 'local', apiKey: KEY, jsonMode: false });
    await plain.complete(request());
    const sent = server.requests[before]!;
    assert.equal(typeof sent.body.messages[1].content, 'string');
    assert.equal(sent.body.response_format, undefined);
    assert.equal(sent.jsonMode, false);
  });

  test('asks for JSON only when the request does', async () => {
    server.setScript([reply.text('free text')]);
    const before = server.requests.length;
    await provider().complete(request({ json: false }));
    assert.equal(server.requests[before]!.jsonMode, false);
  });

  test('uses max_completion_tokens for api.openai.com by default', () => {
    const hosted = new OpenAiCompatibleProvider({ baseUrl: 'https://api.openai.com/v1', model: 'm', apiKey: KEY });
    const body = hosted.body(request());
    assert.equal(body.max_completion_tokens, 200);
    assert.equal(body.max_tokens, undefined);
  });

  test('detects a refusal field and a content_filter finish', async () => {
    server.setScript([reply.refusal({ text: 'I cannot help with that.' }), reply.refusal({ contentFilter: true })]);
    const first = await provider().complete(request());
    assert.equal(first.refused, true);
    assert.equal(first.text, 'I cannot help with that.');
    const second = await provider().complete(request());
    assert.equal(second.refused, true);
    assert.equal(second.finishReason, 'content_filter');
  });

  test('passes malformed JSON text through for the classifier to judge', async () => {
    server.setScript([reply.malformed()]);
    const answer = await provider().complete(request());
    assert.throws(() => JSON.parse(answer.text));
    assert.equal(answer.refused, false);
  });

  test('an error status becomes ProviderHttpError with Retry-After, and the key is never in its message', async () => {
    server.setScript([reply.rateLimited(3)]);
    const limited = await provider().complete(request()).catch((e: unknown) => e);
    assert.ok(limited instanceof ProviderHttpError);
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterMs, 3000);

    const wrongKey = 'sk-wrong-key-abcdef987654';
    const bad = new OpenAiCompatibleProvider({ baseUrl: server.url, model: 'gpt-test', apiKey: wrongKey });
    const denied = await bad.complete(request()).catch((e: unknown) => e);
    assert.ok(denied instanceof ProviderHttpError);
    assert.equal(denied.status, 401);
    assert.match(denied.message, /Incorrect API key/);
    assert.ok(!denied.message.includes(wrongKey));
    assert.ok(!denied.stack?.includes(wrongKey));
  });

  test('a dropped connection becomes ProviderNetworkError', async () => {
    server.setScript([reply.hangup()]);
    await assert.rejects(provider().complete(request()), ProviderNetworkError);
  });

  test('no key sends no authorization header (self-hosted servers)', async () => {
    const open = await startLlmServer([reply.text('ok')]);
    try {
      await new OpenAiCompatibleProvider({ baseUrl: open.url, model: 'llama', apiKey: null }).complete(request());
      assert.equal(open.requests[0]!.hasKey, false);
    } finally {
      await open.close();
    }
  });
});

describe('AnthropicProvider', () => {
  const provider = (baseUrl = server.url) =>
    new AnthropicProvider({ baseUrl, model: 'claude-test', apiKey: KEY, prices: { inputPerMTok: 3, outputPerMTok: 15 } });

  test('sends the system prompt in `system`, images as base64 blocks before the text, x-api-key and a version', async () => {
    server.setScript([reply.json(verdict, { inputTokens: 900, outputTokens: 50 })]);
    const before = server.requests.length;
    const answer = await provider().complete(request({ images: [{ mime: 'image/png', data: png }] }));
    const sent = server.requests[before]!;
    assert.equal(sent.protocol, 'anthropic');
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.body.system, request().system);
    assert.equal(sent.body.max_tokens, 200);
    assert.equal(sent.model, 'claude-test');
    assert.deepEqual(sent.body.messages[0].content, [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } },
      { type: 'text', text: request().user },
    ]);
    assert.equal(sent.headers['x-api-key'], '[present]');
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined);

    assert.deepEqual(JSON.parse(answer.text), verdict);
    assert.deepEqual(answer.usage, { inputTokens: 900, outputTokens: 50 });
    assert.equal(answer.finishReason, 'end_turn');
    assert.ok(Math.abs(answer.costUsd - (900 * 3 + 50 * 15) / 1e6) < 1e-12);
  });

  test('accepts a base URL with or without /v1', async () => {
    server.setScript([reply.text('a'), reply.text('b')]);
    const before = server.requests.length;
    await provider(server.url).complete(request());
    await provider(server.url.replace(/\/v1$/, '')).complete(request());
    assert.deepEqual(server.requests.slice(before).map((r) => r.path), ['/v1/messages', '/v1/messages']);
  });

  test('detects stop_reason "refusal"', async () => {
    server.setScript([reply.refusal()]);
    const answer = await provider().complete(request());
    assert.equal(answer.refused, true);
    assert.equal(answer.finishReason, 'refusal');
  });

  test('a 500 becomes ProviderHttpError', async () => {
    server.setScript([reply.serverError()]);
    const err = await provider().complete(request()).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderHttpError);
    assert.equal(err.status, 500);
  });
});

test('the test server lists models', async () => {
  const res = await fetch(`${server.url}/models`);
  const body = (await res.json()) as { data: { id: string }[] };
  assert.deepEqual(body.data.map((m) => m.id), ['test-model']);
});
