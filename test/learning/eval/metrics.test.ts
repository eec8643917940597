import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  categoryMetrics, confusionMatrix, evaluationMetrics, metricsFromCounts, percentile, percentiles, predictedPrimary, type ScoredExample,
} from '../../../src/learning/eval/metrics.js';
import { positives } from '../../../src/learning/eval/run.js';

const row = (labels: string[], predicted: [string, number][], extra: Partial<ScoredExample> = {}): ScoredExample => ({
  labels, predicted: predicted.map(([category, score]) => ({ category, score })), costUsd: 0, latencyMs: 1, error: null, ...extra,
});

test('precision, recall and F1 from counts, with undefined ratios as null', () => {
  assert.deepEqual(metricsFromCounts(3, 1, 2), {
    support: 5, truePositives: 3, falsePositives: 1, falseNegatives: 2, precision: 0.75, recall: 0.6, f1: 0.6667,
  });
  // Nothing predicted: precision is undefined, recall 0, F1 0.
  assert.deepEqual(metricsFromCounts(0, 0, 4), { support: 4, truePositives: 0, falsePositives: 0, falseNegatives: 4, precision: null, recall: 0, f1: 0 });
  // No positives in the set: recall is undefined, precision 0.
  assert.deepEqual(metricsFromCounts(0, 2, 0), { support: 0, truePositives: 0, falsePositives: 2, falseNegatives: 0, precision: 0, recall: null, f1: 0 });
  assert.deepEqual(metricsFromCounts(0, 0, 0), { support: 0, truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: null, recall: null, f1: null });
});

test('per-category metrics on a hand-computed multi-label case', () => {
  const rows = [
    row(['CSE-13'], [['CSE-13', 0.9]]), // TP 13
    row(['CSE-13', 'CSE-05'], [['CSE-05', 0.7]]), // TP 05, FN 13
    row([], [['CSE-13', 0.6]]), // FP 13
    row(['CSE-05'], []), // FN 05
    row([], []),
    row(['CSE-06'], [['CSE-06', 0.8], ['CSE-05', 0.55]]), // TP 06, FP 05
  ];
  const { categories, micro } = categoryMetrics(rows);
  assert.deepEqual(Object.keys(categories), ['CSE-05', 'CSE-06', 'CSE-13']);
  assert.deepEqual(categories['CSE-13'], { support: 2, truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
  assert.deepEqual(categories['CSE-05'], { support: 2, truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
  assert.deepEqual(categories['CSE-06'], { support: 1, truePositives: 1, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1, f1: 1 });
  // Pooled: TP 3, FP 2, FN 2.
  assert.deepEqual(micro, { support: 5, truePositives: 3, falsePositives: 2, falseNegatives: 2, precision: 0.6, recall: 0.6, f1: 0.6 });
  assert.deepEqual(categoryMetrics([]), { categories: {}, micro: metricsFromCounts(0, 0, 0) });
});

test('confusion matrix over primary labels, benign first', () => {
  const cm = confusionMatrix([
    row(['CSE-13'], [['CSE-13', 0.9]]),
    row(['CSE-13', 'CSE-05'], [['CSE-05', 0.7], ['CSE-13', 0.8]]), // true primary CSE-13 (listed first), predicted CSE-13 (top score)
    row(['CSE-05'], [['CSE-13', 0.6]]),
    row([], [['CSE-06', 0.7]]),
    row([], []),
    row([], []),
    row(['CSE-05'], []),
  ]);
  assert.deepEqual(cm.labels, ['benign', 'CSE-05', 'CSE-06', 'CSE-13']);
  assert.deepEqual(cm.counts, [
    [2, 0, 1, 0],
    [1, 0, 0, 1],
    [0, 0, 0, 0],
    [0, 0, 0, 2],
  ]);
  assert.equal(predictedPrimary([{ category: 'CSE-13', score: 0.7 }, { category: 'CSE-05', score: 0.7 }]), 'CSE-05');
  assert.deepEqual(confusionMatrix([]), { labels: ['benign'], counts: [[0]] });
});

test('nearest-rank percentiles', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  assert.equal(percentile(ten, 50), 5);
  assert.equal(percentile(ten, 90), 9);
  assert.equal(percentile(ten, 99), 10);
  assert.equal(percentile(ten, 100), 10);
  assert.equal(percentile([42], 1), 42);
  assert.equal(percentile([], 50), null);
  assert.deepEqual(percentiles([]), { p50: null, p90: null, p99: null });
  assert.deepEqual(percentiles([3, 1, 2, 4]), { p50: 2, p90: 4, p99: 4 });
  assert.throws(() => percentile(ten, 0), /in \(0, 100\]/);
});

test('run metrics leave errored examples out of quality but count their cost and latency', () => {
  const m = evaluationMetrics([
    row(['CSE-13'], [['CSE-13', 0.9]], { costUsd: 0.002, latencyMs: 100 }),
    row([], [], { costUsd: 0.001, latencyMs: 50 }),
    row(['CSE-13'], [], { costUsd: 0.003, latencyMs: 900, error: 'timeout' }),
  ]);
  assert.deepEqual([m.examples, m.scored, m.errors], [3, 2, 1]);
  assert.deepEqual(m.categories['CSE-13'], metricsFromCounts(1, 0, 0));
  assert.deepEqual(m.cost, { totalUsd: 0.006, perItemUsd: 0.002 });
  assert.deepEqual(m.latencyMs, { p50: 100, p90: 900, p99: 900 });
  assert.deepEqual(m.confusion.counts, [[1, 0], [0, 1]]);
});

test('positives keep the scores at or above the threshold, strongest first', () => {
  const scores = [{ category: 'CSE-05', score: 0.5 }, { category: 'CSE-13', score: 0.8 }, { category: 'CSE-06', score: 0.49 }, { category: 'CSE-13', score: 0.6 }];
  assert.deepEqual(positives(scores, () => 0.5), [{ category: 'CSE-13', score: 0.8 }, { category: 'CSE-05', score: 0.5 }]);
  assert.deepEqual(positives(scores, (c) => (c === 'CSE-06' ? 0.4 : 0.9)), [{ category: 'CSE-06', score: 0.49 }]);
});
