import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OpenAiCompatibleProvider } from '../../../src/detectors/llm/providers/openai.js';
import { InMemorySpendLedger } from '../../../src/detectors/llm/resilience/budget.js';
import { ManualClock } from '../../../src/detectors/llm/resilience/clock.js';
import { type LlmAttempt, type ResilienceOptions, ResilientProvider } from '../../../src/detectors/llm/resilience/resilient-provider.js';
import { type LlmRequest, LlmUnavailableError } from '../../../src/detectors/llm/types.js';
import { type LlmServer, type LlmScript, reply, startLlmServer } from '../../helpers/llm-server.js';

const request: LlmRequest = { system: 'Answer in JSON.', user: 'Message: "how old are you?"', images: [], maxTokens: 100, json: true };
const ok = reply.json({ verdict: 'review' });

let server: LlmServer;
before(async () => {
  server = await startLlmServer();
});
after(() => server.close());

/** A wrapped provider on the shared server with `script`, a manual clock, and its attempts collected. */
function setup(script: LlmScript, opts: Partial<ResilienceOptions> = {}, prices = { inputPerMTok: 0, outputPerMTok: 0 }) {
  server.setScript(script);
  const clock = new ManualClock();
  const attempts: LlmAttempt[] = [];
  const inner = new OpenAiCompatibleProvider({ baseUrl: server.url, model: 'm', apiKey: 'sk-test-resilience', prices });
  const provider = new ResilientProvider(inner, {
    timeoutMs: 2000,
    backoff: { baseMs: 100, maxMs: 1000, retryAfterCapMs: 5000 },
    clock,
    random: () => 0.5,
    onAttempt: (a) => attempts.push(a),
    ...opts,
  });
  const sentBefore = server.requests.length;
  return { provider, clock, attempts, sent: () => server.requests.length - sentBefore };
}

async function failure(promise: Promise<unknown>): Promise<LlmUnavailableError> {
  const err = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LlmUnavailableError, `expected LlmUnavailableError, got ${String(err)}`);
  return err;
}

test('retries a 429, waiting what Retry-After asks, then succeeds', async () => {
  const { provider, clock, attempts } = setup([reply.rateLimited(2), ok]);
  const answer = await provider.complete(request);
  assert.equal(answer.attempts, 2);
  assert.deepEqual(clock.sleeps, [2000]);
  assert.deepEqual(
    attempts.map((a) => [a.attempt, a.outcome, a.status]),
    [
      [1, 'rate_limited', 429],
      [2, 'ok', 200],
    ],
  );
});

test('caps a long Retry-After', async () => {
  const { provider, clock } = setup([reply.rateLimited(3600), ok]);
  await provider.complete(request);
  assert.deepEqual(clock.sleeps, [5000]);
});

test('retries 5xx with full-jitter exponential backoff', async () => {
  const { provider, clock, attempts } = setup([reply.serverError(500), reply.serverError(503), ok]);
  const answer = await provider.complete(request);
  assert.equal(answer.attempts, 3);
  // random 0.5 of ceilings 100 and 200
  assert.deepEqual(clock.sleeps, [50, 100]);
  assert.deepEqual(attempts.map((a) => a.status), [500, 503, 200]);
});

test('gives up after maxAttempts with the last failure and the attempt count', async () => {
  const { provider, sent } = setup([reply.serverError(), reply.serverError(), reply.serverError(), ok]);
  const err = await failure(provider.complete(request));
  assert.equal(err.reason, 'http_error');
  assert.equal(err.attempts, 3);
  assert.equal(sent(), 3);
  assert.match(err.message, /HTTP 500/);
});

test('a run of 429s ends as rate_limited', async () => {
  const { provider } = setup([reply.rateLimited(), reply.rateLimited(), reply.rateLimited()]);
  assert.equal((await failure(provider.complete(request))).reason, 'rate_limited');
});

test('does not retry a 400', async () => {
  const { provider, sent, attempts } = setup([reply.status(400, { message: 'bad request' }), ok]);
  const err = await failure(provider.complete(request));
  assert.equal(err.reason, 'http_error');
  assert.equal(err.attempts, 1);
  assert.equal(sent(), 1);
  assert.deepEqual(attempts.map((a) => a.outcome), ['http_error']);
});

test('retries a dropped connection as a network error', async () => {
  const { provider, attempts } = setup([reply.hangup(), ok]);
  await provider.complete(request);
  assert.deepEqual(attempts.map((a) => a.outcome), ['network_error', 'ok']);
});

test('times out a slow reply, then retries it', async () => {
  const slow = reply.slow(10_000, ok);
  const once = setup([slow], { timeoutMs: 60, maxAttempts: 1 });
  const err = await failure(once.provider.complete(request));
  assert.equal(err.reason, 'timeout');
  assert.deepEqual(once.attempts.map((a) => a.outcome), ['timeout']);

  // A roomier timeout, so the quick second answer arrives in time on a busy machine.
  const twice = setup([slow, ok], { timeoutMs: 500, maxAttempts: 2 });
  assert.equal((await twice.provider.complete(request)).attempts, 2);
});

test("the caller's abort is passed through, not retried", async () => {
  const controller = new AbortController();
  // The server aborts the caller once the request has arrived, then would answer slowly.
  const { provider, sent } = setup(() => {
    controller.abort(new Error('caller gave up'));
    return reply.slow(10_000, ok);
  });
  await assert.rejects(provider.complete(request, controller.signal), /caller gave up/);
  assert.equal(sent(), 1);
});

test('the circuit opens after K consecutive failures, fails fast, and half-opens after the cool-down', async () => {
  const { provider, clock, sent } = setup([reply.serverError(), reply.serverError(), reply.serverError(), reply.serverError(), ok], {
    maxAttempts: 1,
    circuit: { failureThreshold: 3, coolDownMs: 10_000 },
  });
  for (let i = 0; i < 3; i++) assert.equal((await failure(provider.complete(request))).reason, 'http_error');
  assert.equal(provider.circuitState, 'open');

  const fast = await failure(provider.complete(request));
  assert.equal(fast.reason, 'circuit_open');
  assert.equal(fast.attempts, 0);
  assert.equal(sent(), 3);

  clock.advance(10_000);
  assert.equal(provider.circuitState, 'half_open');
  // The trial fails: open again for another cool-down.
  assert.equal((await failure(provider.complete(request))).reason, 'http_error');
  assert.equal(provider.circuitState, 'open');
  assert.equal((await failure(provider.complete(request))).reason, 'circuit_open');

  clock.advance(10_000);
  const answer = await provider.complete(request);
  assert.equal(answer.attempts, 1);
  assert.equal(provider.circuitState, 'closed');
  assert.equal(sent(), 5);
});

test('half-open lets exactly one trial through', async () => {
  const { provider, clock } = setup([reply.serverError(), reply.slow(100, ok), ok], {
    maxAttempts: 1,
    circuit: { failureThreshold: 1, coolDownMs: 1000 },
  });
  await failure(provider.complete(request));
  clock.advance(1000);
  const trial = provider.complete(request);
  const second = await failure(provider.complete(request));
  assert.equal(second.reason, 'circuit_open');
  assert.equal((await trial).attempts, 1);
  assert.equal(provider.circuitState, 'closed');
});

test('a 400 does not count towards opening the circuit', async () => {
  const { provider } = setup([reply.serverError(), reply.status(400), reply.serverError(), ok], {
    maxAttempts: 1,
    circuit: { failureThreshold: 2, coolDownMs: 1000 },
  });
  for (let i = 0; i < 3; i++) await failure(provider.complete(request));
  assert.equal(provider.circuitState, 'closed');
});

test('the rate limit spaces calls, and refuses a wait longer than the timeout', async () => {
  const spaced = setup(() => ok, { requestsPerMinute: 60, burst: 1 });
  for (let i = 0; i < 3; i++) await spaced.provider.complete(request);
  assert.deepEqual(spaced.clock.sleeps, [1000, 1000]);

  const strict = setup(() => ok, { requestsPerMinute: 6, burst: 1, timeoutMs: 2000 });
  await strict.provider.complete(request);
  const err = await failure(strict.provider.complete(request));
  assert.equal(err.reason, 'rate_limited');
  assert.equal(strict.sent(), 1);
  strict.clock.advance(10_000);
  await strict.provider.complete(request);
});

test('the concurrency cap holds', async () => {
  const peakServer = await startLlmServer(() => reply.slow(40, ok));
  try {
    const inner = new OpenAiCompatibleProvider({ baseUrl: peakServer.url, model: 'm', apiKey: null });
    const provider = new ResilientProvider(inner, { timeoutMs: 5000, maxConcurrency: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => provider.complete(request)));
    assert.equal(answers.length, 6);
    assert.equal(peakServer.requests.length, 6);
    assert.equal(peakServer.maxInFlight(), 2);
    assert.equal(provider.inFlight, 0);
  } finally {
    await peakServer.close();
  }
});

test('the daily budget refuses the next call once reached, and resets the next UTC day', async () => {
  const ledger = new InMemorySpendLedger();
  // 100 input + 20 output tokens at $5000/Mtok = $0.60 a call.
  const { provider, clock, sent } = setup(() => ok, { dailyBudgetUsd: 1, ledger }, { inputPerMTok: 5000, outputPerMTok: 5000 });
  await provider.complete(request);
  await provider.complete(request);
  assert.ok(Math.abs((await provider.spentTodayUsd())! - 1.2) < 1e-9);
  const err = await failure(provider.complete(request));
  assert.equal(err.reason, 'budget_exhausted');
  assert.equal(err.attempts, 0);
  assert.equal(sent(), 2);

  clock.advance(24 * 3600_000);
  await provider.complete(request);
  assert.equal(sent(), 3);
});

test('an observer that throws does not fail the call', async () => {
  const { provider } = setup([ok], {
    onAttempt: () => {
      throw new Error('observer bug');
    },
  });
  assert.equal((await provider.complete(request)).attempts, 1);
});
