import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { createProvider, describeLlm, loadLlmConfig } from '../../../src/detectors/llm/config.js';
import { type LlmRequest, LlmUnavailableError } from '../../../src/detectors/llm/types.js';
import { type LlmServer, reply, startLlmServer } from '../../helpers/llm-server.js';

const KEY = 'sk-config-secret-value-42';
const request: LlmRequest = { system: 'Answer in JSON.', user: 'Message: "can we meet?"', images: [], maxTokens: 50, json: true };

function loadError(env: NodeJS.ProcessEnv): string {
  try {
    loadLlmConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return assert.fail('expected a configuration error');
}

describe('loadLlmConfig', () => {
  test('no provider means no LLM', () => {
    assert.equal(loadLlmConfig({}), null);
    assert.equal(loadLlmConfig({ HAVEN_LLM_PROVIDER: '' }), null);
    assert.equal(loadLlmConfig({ HAVEN_LLM_PROVIDER: 'none' }), null);
  });

  test('OpenAI defaults', () => {
    const config = loadLlmConfig({ HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_MODEL: 'gpt-test', OPENAI_API_KEY: KEY })!;
    assert.equal(config.provider, 'openai');
    assert.equal(config.baseUrl, 'https://api.openai.com/v1');
    assert.equal(config.apiKeyEnv, 'OPENAI_API_KEY');
    assert.equal(config.apiKey?.reveal(), KEY);
    assert.equal(config.timeoutMs, 30_000);
    assert.equal(config.maxConcurrency, 4);
    assert.equal(config.requestsPerMinute, 60);
    assert.equal(config.maxAttempts, 3);
    assert.equal(config.dailyBudgetUsd, 50);
    assert.deepEqual(config.prices, { inputPerMTok: 0, outputPerMTok: 0 });
    assert.equal(config.jsonMode, true);
  });

  test('Anthropic with every setting given', () => {
    const config = loadLlmConfig({
      HAVEN_LLM_PROVIDER: 'anthropic',
      HAVEN_LLM_MODEL: 'claude-test',
      HAVEN_LLM_BASE_URL: 'https://gateway.example.org/anthropic/',
      HAVEN_LLM_API_KEY_ENV: 'MY_CLAUDE_KEY',
      MY_CLAUDE_KEY: KEY,
      HAVEN_LLM_TIMEOUT_MS: '5000',
      HAVEN_LLM_MAX_CONCURRENCY: '2',
      HAVEN_LLM_RPM: '30',
      HAVEN_LLM_MAX_ATTEMPTS: '2',
      HAVEN_LLM_PRICE_INPUT_PER_MTOK: '3',
      HAVEN_LLM_PRICE_OUTPUT_PER_MTOK: '15',
      HAVEN_LLM_DAILY_BUDGET_USD: '12.5',
      HAVEN_LLM_JSON_MODE: 'false',
    })!;
    assert.equal(config.baseUrl, 'https://gateway.example.org/anthropic');
    assert.equal(config.apiKeyEnv, 'MY_CLAUDE_KEY');
    assert.deepEqual(
      [config.timeoutMs, config.maxConcurrency, config.requestsPerMinute, config.maxAttempts, config.dailyBudgetUsd, config.jsonMode],
      [5000, 2, 30, 2, 12.5, false],
    );
    assert.deepEqual(config.prices, { inputPerMTok: 3, outputPerMTok: 15 });
  });

  test('a self-hosted server needs no key', () => {
    const config = loadLlmConfig({ HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_MODEL: 'llama', HAVEN_LLM_BASE_URL: 'http://localhost:11434/v1' })!;
    assert.equal(config.apiKey, null);
  });

  test('errors name the bad variable', () => {
    const base = { HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_MODEL: 'm', OPENAI_API_KEY: KEY };
    assert.match(loadError({ ...base, HAVEN_LLM_PROVIDER: 'gemini' }), /HAVEN_LLM_PROVIDER must be one of openai, anthropic/);
    assert.match(loadError({ ...base, HAVEN_LLM_MODEL: undefined }), /HAVEN_LLM_MODEL is required/);
    assert.match(loadError({ ...base, HAVEN_LLM_TIMEOUT_MS: 'soon' }), /HAVEN_LLM_TIMEOUT_MS must be a number/);
    assert.match(loadError({ ...base, HAVEN_LLM_MAX_CONCURRENCY: '0' }), /HAVEN_LLM_MAX_CONCURRENCY must be at least 1/);
    assert.match(loadError({ ...base, HAVEN_LLM_RPM: '1.5' }), /HAVEN_LLM_RPM must be a whole number/);
    assert.match(loadError({ ...base, HAVEN_LLM_PRICE_INPUT_PER_MTOK: '-1' }), /HAVEN_LLM_PRICE_INPUT_PER_MTOK must not be negative/);
    assert.match(loadError({ ...base, HAVEN_LLM_DAILY_BUDGET_USD: '0' }), /HAVEN_LLM_DAILY_BUDGET_USD must be more than 0/);
    assert.match(loadError({ ...base, HAVEN_LLM_JSON_MODE: 'maybe' }), /HAVEN_LLM_JSON_MODE must be true or false/);
    assert.match(loadError({ ...base, HAVEN_LLM_BASE_URL: 'ftp://models.example.org' }), /HAVEN_LLM_BASE_URL must be an http/);
    assert.match(loadError({ ...base, HAVEN_LLM_BASE_URL: 'https://user:pw@llm.example.org/v1' }), /HAVEN_LLM_BASE_URL must not contain credentials/);
    assert.match(loadError({ ...base, HAVEN_LLM_API_KEY_ENV: 'not a name' }), /HAVEN_LLM_API_KEY_ENV must be the name/);
    assert.match(loadError({ ...base, OPENAI_API_KEY: undefined }), /OPENAI_API_KEY .* is not set/);
    assert.match(
      loadError({ ...base, HAVEN_LLM_BASE_URL: 'http://localhost:8000/v1', HAVEN_LLM_API_KEY_ENV: 'VLLM_KEY' }),
      /VLLM_KEY \(the API key variable named by HAVEN_LLM_API_KEY_ENV\) is not set/,
    );
  });

  test('a bad value is not echoed and the key is never in an error', () => {
    const message = loadError({ HAVEN_LLM_PROVIDER: 'openai', HAVEN_LLM_MODEL: 'm', OPENAI_API_KEY: KEY, HAVEN_LLM_RPM: 'lots' });
    assert.ok(!message.includes(KEY));
  });
});

describe('describeLlm', () => {
  test('one safe line: provider, model, host, limits; no key or URL path', () => {
    const config = loadLlmConfig({
      HAVEN_LLM_PROVIDER: 'openai',
      HAVEN_LLM_MODEL: 'gpt-test',
      HAVEN_LLM_BASE_URL: 'https://llm.example.org/secret-path/v1',
      HAVEN_LLM_API_KEY_ENV: 'LLM_KEY',
      LLM_KEY: KEY,
    })!;
    const line = describeLlm(config);
    assert.match(line, /^LLM: openai gpt-test at llm\.example\.org \(key from LLM_KEY;/);
    for (const secret of [KEY, 'secret-path']) assert.ok(!line.includes(secret), `${secret} leaked into: ${line}`);
    assert.ok(!line.includes('\n'));
    assert.equal(describeLlm(null), 'LLM: not configured');
  });

  test('the configuration object does not reveal the key when logged', () => {
    const config = loadLlmConfig({ HAVEN_LLM_PROVIDER: 'anthropic', HAVEN_LLM_MODEL: 'claude-test', ANTHROPIC_API_KEY: KEY })!;
    assert.ok(!JSON.stringify(config).includes(KEY));
    assert.ok(!inspect(config, { depth: 5 }).includes(KEY));
    assert.ok(!`${config.apiKey}`.includes(KEY));
  });
});

describe('createProvider', () => {
  let server: LlmServer;
  before(async () => {
    server = await startLlmServer(() => reply.json({ verdict: 'none' }), { apiKey: KEY });
  });
  after(() => server.close());

  for (const provider of ['openai', 'anthropic'] as const) {
    test(`${provider}: a resilient provider that calls only the configured server`, async () => {
      const config = loadLlmConfig({
        HAVEN_LLM_PROVIDER: provider,
        HAVEN_LLM_MODEL: 'model-x',
        HAVEN_LLM_BASE_URL: server.url,
        HAVEN_LLM_API_KEY_ENV: 'TEST_LLM_KEY',
        TEST_LLM_KEY: KEY,
        HAVEN_LLM_PRICE_INPUT_PER_MTOK: '1',
        HAVEN_LLM_PRICE_OUTPUT_PER_MTOK: '2',
      })!;
      const llm = createProvider(config);
      assert.equal(llm.name, provider);
      assert.equal(llm.model, 'model-x');
      const before = server.requests.length;
      const answer = await llm.complete(request);
      assert.deepEqual(JSON.parse(answer.text), { verdict: 'none' });
      assert.equal(answer.attempts, 1);
      assert.ok(Math.abs(answer.costUsd - (100 * 1 + 20 * 2) / 1e6) < 1e-12);
      const sent = server.requests[before]!;
      assert.equal(sent.protocol, provider);
      assert.equal(sent.jsonMode, provider === 'openai');
    });

    test(`${provider}: a rejected key is not retried and is not in the error`, async () => {
      const wrong = 'sk-wrong-but-secret-7777';
      const config = loadLlmConfig({
        HAVEN_LLM_PROVIDER: provider,
        HAVEN_LLM_MODEL: 'model-x',
        HAVEN_LLM_BASE_URL: server.url,
        HAVEN_LLM_API_KEY_ENV: 'TEST_LLM_KEY',
        TEST_LLM_KEY: wrong,
      })!;
      const err = await createProvider(config)
        .complete(request)
        .catch((e: unknown) => e);
      assert.ok(err instanceof LlmUnavailableError);
      assert.equal(err.reason, 'http_error');
      assert.equal(err.attempts, 1);
      assert.match(err.message, /401/);
      assert.ok(!err.message.includes(wrong));
      assert.ok(!inspect(err).includes(wrong));
    });
  }
});
