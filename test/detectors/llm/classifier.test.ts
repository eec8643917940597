import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLlmCache } from '../../../src/detectors/llm/cache.js';
import { type LlmCallRecord, LlmClassifier } from '../../../src/detectors/llm/classifier.js';
import {
  DEFAULT_LLM_POLICY, LlamaGuardTemplate, type LlmItem, type LlmItemContext, type PromptTemplate, StructuredTemplate,
} from '../../../src/detectors/llm/policy/index.js';
import { LlmUnavailableError } from '../../../src/detectors/llm/types.js';
import { type Script, ScriptedProvider, unavailable } from './fake-provider.js';

const verdict = { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.9, rationale: 'asks a minor for secrecy', evidence: ['between us'] };
const VALID = JSON.stringify(verdict);
const item: LlmItem = { text: 'can you keep this between us', images: [], surface: 'direct_message' };
const context: LlmItemContext = { authorBand: 'adult', recipientBands: ['13_15'], previous: [] };

function setup(script: Script[], opts: { template?: PromptTemplate; cache?: MemoryLlmCache; model?: string; policyVersion?: number } = {}) {
  const provider = new ScriptedProvider(script, opts.model);
  const seen: LlmCallRecord[] = [];
  const classifier = new LlmClassifier({
    provider, template: opts.template ?? new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: opts.policyVersion ?? 2,
    ...(opts.cache ? { cache: opts.cache } : {}), onCall: (r) => seen.push(r), maxRawAnswerChars: 50,
  });
  return { provider, classifier, seen };
}

test('a valid answer is a verdict, with a full call record', async () => {
  const { provider, classifier, seen } = setup([VALID]);
  const c = await classifier.classify(item, context);
  assert.equal(c.status, 'classified');
  assert.ok(c.status === 'classified');
  assert.deepEqual(c.verdict, verdict);
  assert.deepEqual([c.promptVersion, c.provider, c.model, c.cached], ['haven-structured@1+policy v2', 'scripted', 'fake-model-1', false]);
  assert.equal(provider.requests.length, 1);
  assert.deepEqual(c.calls, [{
    provider: 'scripted', model: 'fake-model-1-2026', promptVersion: 'haven-structured@1+policy v2', attempt: 1, inputTokens: 101,
    outputTokens: 20, latencyMs: 42, costUsd: 0.0015, finishReason: 'stop', rawAnswer: VALID.slice(0, 50), outcome: 'ok',
  }]);
  assert.deepEqual(seen, c.calls);
  assert.deepEqual(classifier.request(item, context), provider.requests[0]);
});

test('a malformed answer is retried once with a repair instruction, and a good repair is the verdict', async () => {
  const { provider, classifier } = setup(['Sure! The verdict is violating.', VALID]);
  const c = await classifier.classify(item, context);
  assert.ok(c.status === 'classified');
  assert.deepEqual(c.verdict, verdict);
  assert.equal(provider.requests.length, 2);
  const [first, repair] = provider.requests;
  assert.equal(repair!.system, first!.system);
  assert.ok(repair!.user.startsWith(first!.user));
  assert.match(repair!.user, /could not be used \(the answer is not a single JSON object\)\. It was:\n<<<PREVIOUS ANSWER>>>\nSure! The verdict is violating\./);
  assert.deepEqual(c.calls.map((r) => [r.attempt, r.outcome, r.problem]), [[1, 'malformed', 'the answer is not a single JSON object'], [2, 'ok', undefined]]);
});

test('still malformed after the repair: unknown, with the reason and both calls; never a third call', async () => {
  const { provider, classifier } = setup([JSON.stringify({ ...verdict, extra: 1 }), JSON.stringify({ ...verdict, confidence: 7 })]);
  const c = await classifier.classify(item, context);
  assert.equal(c.status, 'unknown');
  assert.ok(c.status === 'unknown');
  assert.match(c.reason, /^malformed answer after a repair request: confidence: /);
  assert.equal(provider.requests.length, 2);
  assert.match(provider.requests[1]!.user, /could not be used \(\(root\): Unrecognized key: "extra"\)/i);
  assert.deepEqual(c.calls.map((r) => [r.attempt, r.outcome]), [[1, 'malformed'], [2, 'malformed']]);
});

test('refusals (flagged by the provider or only in words) get the repair too; refused twice is unknown', async () => {
  const flagged = setup([{ text: '', refused: true, finishReason: 'refusal' }, VALID]);
  const ok = await flagged.classifier.classify(item, context);
  assert.equal(ok.status, 'classified');
  assert.deepEqual(ok.calls.map((r) => [r.outcome, r.problem ?? null]), [['refused', 'the model refused (refusal)'], ['ok', null]]);
  assert.match(flagged.provider.requests[1]!.user, /could not be used \(the model refused \(refusal\)\)/);

  const twice = setup(["I'm sorry, but I can't help with that.", { text: 'No.', refused: true, finishReason: 'refusal' }]);
  const c = await twice.classifier.classify(item, context);
  assert.ok(c.status === 'unknown');
  assert.equal(c.reason, 'refused after a repair request: the model refused (refusal)');
  assert.deepEqual(c.calls.map((r) => r.outcome), ['refused', 'refused']);
});

test('an unavailable provider gives unavailable with its reason, on the first call or the repair', async () => {
  const first = setup([unavailable('budget_exhausted')]);
  const c = await first.classifier.classify(item, context);
  assert.ok(c.status === 'unavailable');
  assert.equal(c.reason, 'budget_exhausted');
  assert.deepEqual(c.calls.map((r) => [r.attempt, r.outcome, r.problem]), [[1, 'unavailable', 'budget_exhausted: no call: budget_exhausted']]);

  const later = setup(['not json', unavailable('circuit_open')]);
  const d = await later.classifier.classify(item, context);
  assert.ok(d.status === 'unavailable' && d.reason === 'circuit_open');
  assert.deepEqual(d.calls.map((r) => r.outcome), ['malformed', 'unavailable']);

  // Anything else is a fault, not an outage: it propagates.
  const broken = new LlmClassifier({
    provider: { name: 'x', model: 'm', complete: async () => { throw new TypeError('bug'); } },
    template: new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: 1,
  });
  await assert.rejects(broken.classify(item, context), TypeError);
  assert.ok(unavailable('timeout') instanceof LlmUnavailableError);
});

test('nothing to classify: unknown without a call', async () => {
  const { provider, classifier } = setup([]);
  const c = await classifier.classify({ text: '   ', images: [], surface: 'comment' }, context);
  assert.ok(c.status === 'unknown');
  assert.equal(c.reason, 'nothing to classify: no text and no image');
  assert.equal(provider.requests.length, 0);
});

test('the cache answers the same question without a call, and differs by prompt version, model and content', async () => {
  const cache = new MemoryLlmCache();
  const a = setup([VALID], { cache });
  assert.equal((await a.classifier.classify(item, context)).cached, false);
  const again = await a.classifier.classify(item, context);
  assert.ok(again.status === 'classified');
  assert.deepEqual([again.cached, again.calls, again.verdict], [true, [], verdict]);
  assert.equal(a.provider.requests.length, 1);

  const newPolicy = setup([VALID], { cache, policyVersion: 3 });
  assert.equal((await newPolicy.classifier.classify(item, context)).cached, false);
  const otherModel = setup([VALID], { cache, model: 'fake-model-2' });
  assert.equal((await otherModel.classifier.classify(item, context)).cached, false);
  const otherTemplate = setup(['safe'], { cache, template: new LlamaGuardTemplate() });
  assert.equal((await otherTemplate.classifier.classify(item, context)).cached, false);
  const otherContext = setup([VALID], { cache });
  assert.equal((await otherContext.classifier.classify(item, { ...context, recipientBands: ['adult'] })).cached, false);
  assert.equal(cache.size, 5);

  // Only verdicts are cached: an unknown or unavailable answer is asked again next time.
  const flaky = setup(['x', 'y', VALID], { cache, policyVersion: 9 });
  assert.equal((await flaky.classifier.classify(item, context)).status, 'unknown');
  assert.equal((await flaky.classifier.classify(item, context)).status, 'classified');
  assert.equal(flaky.provider.requests.length, 3);
});

test('the llama guard template through the classifier', async () => {
  const { classifier } = setup(['unsafe\nS4'], { template: new LlamaGuardTemplate() });
  const c = await classifier.classify(item, context);
  assert.ok(c.status === 'classified');
  assert.deepEqual([c.verdict.category, c.verdict.severity, c.verdict.confidence, c.promptVersion], ['CSE-05', 'S1', 0.8, 'haven-llama-guard@1+policy v2']);
  const bad = setup(['maybe', 'perhaps'], { template: new LlamaGuardTemplate() });
  const u = await bad.classifier.classify(item, context);
  assert.ok(u.status === 'unknown');
  assert.equal(u.reason, 'malformed answer after a repair request: the first line is neither safe nor unsafe');
  assert.match(bad.provider.requests[1]!.user, /Answer again with only: safe, or unsafe/);
});
