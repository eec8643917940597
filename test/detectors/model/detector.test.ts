import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemId } from '../../../src/core/ids.js';
import type { Item } from '../../../src/core/types.js';
import { ModelDetector } from '../../../src/detectors/model/detector.js';
import { trainModel } from '../../../src/detectors/model/train.js';
import { detectorApplies, type SignalDraft } from '../../../src/detectors/types.js';
import { CATEGORIES, syntheticExamples } from './fixtures.js';

const item = (text: string | null): Item => ({
  id: 'item1' as ItemId, externalId: 'e1', contentDigest: 'd', surface: 'dm', kind: 'text', text, media: [], authorId: null,
  conversationId: null, recipientIds: [], createdAt: 0, ingestedAt: 0, metadata: {}, status: 'pending',
});

test('ModelDetector signals the categories scoring at or above the floor, with the model version and top n-grams', () => {
  const { model } = trainModel(syntheticExamples(), { categories: CATEGORIES });
  const d = new ModelDetector(model, 3);
  assert.deepEqual(d.versions(), { 'text.model': '1', model: 3 });
  assert.equal(d.cost, 3);
  assert.ok(detectorApplies(d, item('x')));
  assert.ok(!detectorApplies(d, item(null)));

  const signals = d.detect({ item: item('hey so lets move to another app ok'), author: null, recipients: [] }) as SignalDraft[];
  assert.deepEqual(signals.map((s) => s.category), ['CSE-05']);
  const [s] = signals;
  assert.ok(s!.score >= 0.5 && s!.score <= 1);
  assert.equal(s!.evidence.modelVersion, 3);
  assert.equal(s!.evidence.score, s!.score);
  const top = s!.evidence.topFeatures as { feature: string; kind: string; contribution: number }[];
  assert.equal(top.length, 5);
  assert.match(s!.evidence.summary, /^model v3: CSE-05 \d\.\d\d \(top: '[^']+' '[^']+' '[^']+'\)$/);
  assert.match(s!.evidence.summary, /'(move|another|app|another app|to another|move to)'/);

  assert.deepEqual(d.detect({ item: item('see you at practice'), author: null, recipients: [] }), []);
  assert.deepEqual(d.detect({ item: item(null), author: null, recipients: [] }), []);
  // A higher floor keeps only confident scores; an invalid floor is refused.
  assert.deepEqual(new ModelDetector(model, 3, { floor: 1 }).detect({ item: item('see you at practice'), author: null, recipients: [] }), []);
  assert.throws(() => new ModelDetector(model, 3, { floor: 0 }), /floor/);
});
