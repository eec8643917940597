import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promotionGate } from '../../../src/detectors/model/gate.js';
import { categoryMetrics } from '../../../src/detectors/model/metrics.js';

const withF1 = (tp: number, fp: number, fn: number) => {
  const scores = [...Array(tp + fp).fill(0.9), ...Array(fn).fill(0.1)];
  const truth = [...Array(tp).fill(1), ...Array(fp).fill(0), ...Array(fn).fill(1)];
  return categoryMetrics(scores, truth, 0.5);
};

test('the gate: first model passes on metrics; worse, missing categories refuse; equal or better passes', () => {
  assert.equal(promotionGate({ 'CSE-05': withF1(5, 0, 0) }, null).pass, true);
  assert.equal(promotionGate({}, null).pass, false);

  const live = { version: 3, metrics: { 'CSE-05': withF1(8, 1, 1), 'CSE-13': withF1(9, 0, 1) } };
  const equal = promotionGate({ 'CSE-05': withF1(8, 1, 1), 'CSE-13': withF1(9, 0, 1), 'CSE-14': withF1(1, 5, 5) }, live);
  assert.equal(equal.pass, true, equal.summary);
  assert.deepEqual(equal.comparisons.map((c) => c.note), ['equal', 'equal']);

  const worse = promotionGate({ 'CSE-05': withF1(10, 0, 0), 'CSE-13': withF1(7, 2, 3) }, live);
  assert.equal(worse.pass, false);
  assert.deepEqual(worse.comparisons.map((c) => [c.category, c.ok]), [['CSE-05', true], ['CSE-13', false]]);
  assert.match(worse.summary, /below live v3's on CSE-13 \(0\.7368 < 0\.9474\)/);

  const missing = promotionGate({ 'CSE-05': withF1(10, 0, 0) }, live);
  assert.equal(missing.pass, false);
  assert.match(missing.summary, /CSE-13 \(not covered\)/);
});
