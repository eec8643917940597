import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mad, median, robustZ, wilson } from '../../../src/analytics/trends/stats.js';

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('median and MAD', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  // |x - 3| over [1, 2, 3, 4, 10] = [2, 1, 0, 1, 7] -> median 1.
  assert.equal(mad([1, 2, 3, 4, 10]), 1);
});

test('robust z: median and scaled MAD, floored by the Poisson spread of the median', () => {
  // Baseline [10, 12, 14, 16, 18]: median 14, MAD 2; 1.4826 * 2 = 2.9652 is below sqrt(14) = 3.7417, so the floor is the scale.
  const a = robustZ(30, [10, 12, 14, 16, 18]);
  assert.equal(a.median, 14);
  assert.equal(a.mad, 2);
  close(a.scale, Math.sqrt(14));
  close(a.z, 16 / Math.sqrt(14));
  // Wide baseline: MAD 20 -> scale 29.652 beats sqrt(50).
  const b = robustZ(110, [10, 30, 50, 70, 90]);
  close(b.scale, 29.652);
  close(b.z, 60 / 29.652);
  // Flat zero baseline: scale floors at 1, so 12 scores 12 rather than infinity.
  const c = robustZ(12, [0, 0, 0, 0]);
  assert.deepEqual([c.median, c.mad, c.scale, c.z], [0, 0, 1, 12]);
  assert.throws(() => robustZ(1, []), RangeError);
});

test('Wilson 95% interval matches hand-computed values', () => {
  // 5 of 10: centre 0.5, half-width 1.96 * sqrt(0.025 + 0.009604) / 1.38416 = 0.26340.
  const half = wilson(5, 10);
  close(half.estimate, 0.5);
  close(half.low, 0.23659);
  close(half.high, 0.76341);
  // 0 of 20: low is 0, high is z^2/n / (1 + z^2/n) = 0.19208 / 1.19208 = 0.16113.
  const none = wilson(0, 20);
  close(none.low, 0);
  close(none.high, 0.16113);
  // 1 of 100 (a rare category): [0.00177, 0.05449].
  const rare = wilson(1, 100);
  close(rare.low, 0.00177);
  close(rare.high, 0.05449);
  assert.deepEqual(wilson(0, 0), { estimate: 0, low: 0, high: 1 });
  assert.throws(() => wilson(3, 2), RangeError);
});
