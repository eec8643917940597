import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averagePrecision, categoryMetrics } from '../../../src/detectors/model/metrics.js';

test('precision, recall and F1 at the threshold; average precision with ties as one step', () => {
  const m = categoryMetrics([0.9, 0.8, 0.6, 0.4, 0.2], [1, 0, 1, 1, 0], 0.5);
  assert.deepEqual(
    [m.support, m.truePositives, m.falsePositives, m.falseNegatives, m.precision, m.recall, m.f1],
    [3, 2, 1, 1, 0.6667, 0.6667, 0.6667],
  );
  // Ranked 1,0,1,1,0: precision at each positive 1, 2/3, 3/4.
  assert.equal(Math.round(averagePrecision([0.9, 0.8, 0.6, 0.4, 0.2], [1, 0, 1, 1, 0]) * 1e6), Math.round(((1 + 2 / 3 + 3 / 4) / 3) * 1e6));
  assert.equal(averagePrecision([0.5, 0.5], [1, 0]), 0.5);
  assert.equal(averagePrecision([0.5, 0.5], [0, 1]), 0.5);
  assert.equal(averagePrecision([0.1], [0]), 0);
  const none = categoryMetrics([0.1, 0.2], [0, 0], 0.5);
  assert.deepEqual([none.precision, none.recall, none.f1], [0, 0, 0]);
});
