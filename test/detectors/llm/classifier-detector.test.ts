import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountId, ItemId, MediaId } from '../../../src/core/ids.js';
import type { Account, Item } from '../../../src/core/types.js';
import { LlmClassifier } from '../../../src/detectors/llm/classifier.js';
import { LlmDetector, type LlmDetectorOptions } from '../../../src/detectors/llm/detector.js';
import { DEFAULT_LLM_POLICY, StructuredTemplate } from '../../../src/detectors/llm/policy/index.js';
import { detectorApplies, type DetectionInput } from '../../../src/detectors/types.js';
import { type Script, ScriptedProvider, unavailable } from './fake-provider.js';

const verdict = { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.88, rationale: 'an adult asks a minor for secrecy and a move to another app', evidence: ['between us'] };
const SAFE = JSON.stringify({ violates: false, category: null, severity: null, confidence: 0.95, rationale: 'a homework reminder', evidence: [] });

const account = (id: string, ageBand: Account['ageBand']): Account => ({ id: id as AccountId, externalId: id, ageBand, createdAt: 0, flags: [] });
const image = { id: 'm1' as MediaId, index: 0, mime: 'image/jpeg', bytes: 3, md5: '', sha256: '', width: 1, height: 1, stored: true, pdq: null, pdqQuality: null, pdqDihedral: null, vpdq: null, hashError: null };
const item = (text: string | null, media: Item['media'] = []): Item => ({
  id: 'i1' as ItemId, externalId: 'e1', contentDigest: 'd', surface: 'direct_message', kind: media.length ? 'image' : 'text', text, media,
  authorId: 'a1' as AccountId, conversationId: 'c1', recipientIds: ['a2' as AccountId], createdAt: 0, ingestedAt: 0, metadata: {}, status: 'pending',
});
const input = (i: Item): DetectionInput => ({ item: i, author: account('a1', 'adult'), recipients: [account('a2', '13_15')] });

function detector(script: Script[], opts: LlmDetectorOptions = {}) {
  const provider = new ScriptedProvider(script);
  const classifier = new LlmClassifier({ provider, template: new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: 4 });
  return { provider, detector: new LlmDetector(classifier, opts) };
}

test('identity: id, inputs, cost and the versions of everything a verdict depends on', () => {
  const { detector: d } = detector([]);
  assert.deepEqual([d.id, d.cost, [...d.inputs]], ['llm.policy', 1000, ['text', 'image']]);
  assert.deepEqual(d.versions(), { 'llm.policy': '1', llm_policy: 4, prompt: 'haven-structured@1+policy v4', model: 'fake-model-1' });
  assert.ok(detectorApplies(d, item('x')));
  assert.ok(detectorApplies(d, item(null, [image])));
  assert.ok(!detectorApplies(d, item(null)));
});

test('a violating verdict is a signal scored by its confidence, with the verdict, versions and calls as evidence', async () => {
  const { provider, detector: d } = detector([JSON.stringify(verdict)], {
    loadPrevious: async () => [{ authorBand: 'adult', text: 'how old are you' }],
  });
  const r = await d.detect(input(item('can you keep this between us')));
  assert.equal(r.signals.length, 1);
  const [s] = r.signals;
  assert.equal(s!.category, 'CSE-05');
  assert.equal(s!.score, 0.88);
  assert.equal(s!.evidence.summary, verdict.rationale);
  assert.deepEqual(s!.evidence.verdict, verdict);
  assert.deepEqual([s!.evidence.promptVersion, s!.evidence.model, s!.evidence.provider], ['haven-structured@1+policy v4', 'fake-model-1', 'scripted']);
  assert.equal((s!.evidence.calls as unknown[]).length, 1);
  assert.equal(r.details?.status, 'classified');
  // Bands and context reached the prompt.
  assert.match(provider.requests[0]!.user, /Author age band: adult\nRecipient age bands: 13_15/);
  assert.match(provider.requests[0]!.user, /how old are you/);
});

test('a long rationale is bounded in the summary but whole in the verdict', async () => {
  const long = { ...verdict, rationale: 'r'.repeat(1000) };
  const { detector: d } = detector([JSON.stringify(long)], { maxSummaryChars: 50 });
  const [s] = (await d.detect(input(item('x')))).signals;
  assert.equal(s!.evidence.summary.length, 50);
  assert.ok(s!.evidence.summary.endsWith('…'));
  assert.equal((s!.evidence.verdict as { rationale: string }).rationale.length, 1000);
});

test('a non-violating verdict raises nothing; the details keep the verdict and the calls', async () => {
  const { detector: d } = detector([SAFE]);
  const r = await d.detect(input(item('do your homework before dinner')));
  assert.deepEqual(r.signals, []);
  assert.equal(r.details?.status, 'classified');
  assert.equal((r.details!.verdict as { violates: boolean }).violates, false);
  assert.equal((r.details!.calls as unknown[]).length, 1);
});

test('unavailable and unknown verdicts send the item to review under CSE-90, never pass it silently', async () => {
  const down = detector([unavailable('budget_exhausted')]);
  const r = await down.detector.detect(input(item('hi')));
  assert.equal(r.signals.length, 1);
  const [s] = r.signals;
  assert.deepEqual([s!.category, s!.score], ['CSE-90', 0.75]);
  assert.equal(s!.evidence.summary, 'LLM verdict unavailable (budget_exhausted): sent to review');
  assert.deepEqual([s!.evidence.unavailable, s!.evidence.reason, s!.evidence.status], [true, 'budget_exhausted', 'unavailable']);
  assert.deepEqual(r.details?.reason, 'budget_exhausted');

  const garbled = detector(['nope', 'still nope']);
  const u = await garbled.detector.detect(input(item('hi')));
  assert.equal(u.signals[0]!.category, 'CSE-90');
  assert.match(u.signals[0]!.evidence.summary, /^LLM verdict unknown \(malformed answer after a repair request: the answer is not a single JSON object\): sent to review$/);
  assert.equal(u.signals[0]!.evidence.unavailable, true);
  assert.equal((u.signals[0]!.evidence.calls as unknown[]).length, 2);

  const custom = detector([unavailable('timeout')], { reviewCategory: 'CSE-13', reviewScore: 0.6 });
  const c = await custom.detector.detect(input(item('hi')));
  assert.deepEqual([c.signals[0]!.category, c.signals[0]!.score], ['CSE-13', 0.6]);
  assert.throws(() => detector([], { reviewScore: 0 }), /review score/);
});

test('images are loaded only for image items; an image item with no loadable image goes to review', async () => {
  const withImages = detector([SAFE, SAFE], { loadImages: async () => [{ mime: 'image/jpeg', data: Buffer.from([1, 2, 3]) }] });
  await withImages.detector.detect(input(item(null, [image])));
  assert.equal(withImages.provider.requests[0]!.images.length, 1);
  await withImages.detector.detect(input(item('text only')));
  assert.equal(withImages.provider.requests[1]!.images.length, 0);

  const noLoader = detector([]);
  const r = await noLoader.detector.detect(input(item(null, [image])));
  assert.equal(noLoader.provider.requests.length, 0);
  assert.equal(r.signals[0]!.category, 'CSE-90');
  assert.match(r.signals[0]!.evidence.summary, /^LLM verdict unknown \(nothing to classify: no text and no image\): sent to review$/);
});

test('classify() is exposed for callers outside the pipeline', async () => {
  const { detector: d } = detector([JSON.stringify(verdict)]);
  const c = await d.classify({ text: 'x', images: [], surface: 'genai_prompt' }, { authorBand: 'unknown', recipientBands: [], previous: [] });
  assert.equal(c.status, 'classified');
});
