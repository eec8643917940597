import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeModel, serializeModel } from '../../../src/detectors/model/serialize.js';
import { trainModel } from '../../../src/detectors/model/train.js';
import { CATEGORIES, syntheticExamples } from './fixtures.js';

test('a model round-trips through its stored form exactly, and compactly', () => {
  const { model } = trainModel(syntheticExamples(), { categories: CATEGORIES });
  const encoded = serializeModel(model);
  const back = deserializeModel(encoded);
  assert.ok(Buffer.from(back.data.weights.buffer).equals(Buffer.from(model.data.weights.buffer)));
  const { weights: _a, ...rest } = model.data;
  const { weights: _b, ...restBack } = back.data;
  assert.deepEqual(restBack, rest);
  for (const text of ['keep this between us', 'see you at practice', 'i can send you a gift card']) {
    assert.deepEqual(back.predict(text), model.predict(text));
  }
  assert.equal(serializeModel(back), encoded);
  // Only touched weights are stored: far below the dense 2^18 x 3 x 4 bytes.
  assert.ok(Buffer.byteLength(encoded, 'base64') < (model.data.weights.length * 4) / 4);
});

test('damaged stored weights are refused with a clear error', () => {
  const { model } = trainModel(syntheticExamples(), { categories: CATEGORIES });
  const bytes = Buffer.from(serializeModel(model), 'base64');
  assert.throws(() => deserializeModel(Buffer.from('not a model at all').toString('base64')), /HVM1/);
  assert.throws(() => deserializeModel(bytes.subarray(0, bytes.length - 3).toString('base64')), /truncated/);
});
