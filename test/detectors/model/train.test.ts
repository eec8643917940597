import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitPlatt } from '../../../src/detectors/model/metrics.js';
import { calibrate } from '../../../src/detectors/model/model.js';
import { splitExamples } from '../../../src/detectors/model/split.js';
import { NotEnoughDataError, trainModel } from '../../../src/detectors/model/train.js';
import { CATEGORIES, syntheticExamples } from './fixtures.js';

const TAXONOMY = ['CSE-01', 'CSE-05', 'CSE-06', 'CSE-13', 'CSE-14'];

test('a separable synthetic set is learned: high held-out F1 and average precision per category', () => {
  const r = trainModel(syntheticExamples(), { categories: TAXONOMY });
  assert.deepEqual(r.model.categories, CATEGORIES);
  for (const c of CATEGORIES) {
    const m = r.metrics[c]!;
    assert.ok(m.support > 0, `${c} has held-out positives`);
    assert.ok(m.f1 >= 0.9, `${c} F1 ${m.f1}`);
    assert.ok(m.averagePrecision >= 0.95, `${c} AP ${m.averagePrecision}`);
    assert.equal(m.threshold, 0.5);
  }
  const [top] = r.model.predict('hey so keep this between us ok').sort((a, b) => b.score - a.score);
  assert.equal(top?.category, 'CSE-05');
  assert.ok(top.score > 0.5);
  for (const s of r.model.predict('did you finish the homework for tomorrow')) assert.ok(s.score < 0.5, `${s.category} ${s.score}`);
  const explained = r.model.explain('hey so keep this between us ok', 'CSE-05', 5);
  assert.equal(explained.length, 5);
  assert.ok(explained.every((f) => f.contribution > 0));
  assert.ok(explained.some((f) => /keep|between|us/.test(f.feature)), JSON.stringify(explained));
});

test('training is deterministic: same data and seed give the same weights; another seed does not', () => {
  const examples = syntheticExamples();
  const a = trainModel(examples, { categories: TAXONOMY, seed: 3 });
  const b = trainModel(examples, { categories: TAXONOMY, seed: 3 });
  assert.ok(Buffer.from(a.model.data.weights.buffer).equals(Buffer.from(b.model.data.weights.buffer)));
  assert.deepEqual(a.model.data.bias, b.model.data.bias);
  assert.deepEqual(a.model.data.calibration, b.model.data.calibration);
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.training, b.training);
  const c = trainModel(examples, { categories: TAXONOMY, seed: 4 });
  assert.ok(!Buffer.from(a.model.data.weights.buffer).equals(Buffer.from(c.model.data.weights.buffer)));
});

test('calibration maps margins into [0, 1] monotonically, also when validation ranks backwards', () => {
  const r = trainModel(syntheticExamples(), { categories: TAXONOMY });
  const reversed = fitPlatt([3, 2, 1, -1, -2, -3], [0, 0, 0, 1, 1, 1]);
  const fitted = fitPlatt([-3, -2.5, -1, 0.5, 1, 2, 4], [0, 0, 0, 1, 0, 1, 1]);
  for (const cal of [...r.model.data.calibration, reversed, fitted]) {
    assert.ok(cal.a > 0, `slope ${cal.a}`);
    let last = -1;
    for (let m = -50; m <= 50; m += 0.25) {
      const p = calibrate(cal, m);
      assert.ok(p >= 0 && p <= 1, `${p} at ${m}`);
      assert.ok(p >= last, `not monotonic at ${m}`);
      last = p;
    }
  }
  // Platt's smoothed targets keep a perfectly separated split away from 0 and 1 exactly.
  assert.ok(calibrate(fitted, 4) > 0.5 && calibrate(fitted, -3) < 0.5);
});

test('categories with too few positives are skipped with a message; none trainable is an error', () => {
  const examples = syntheticExamples();
  for (let i = 0; i < 4; i++) examples.push({ id: `rare-${i}`, text: `hey ok rare example ${i}`, labels: ['CSE-06'] });
  const r = trainModel(examples, { categories: TAXONOMY });
  assert.deepEqual(r.training.skipped, [{ category: 'CSE-06', positives: 4, reason: 'only 4 positive example(s); at least 10 needed' }]);
  assert.ok(!r.model.categories.includes('CSE-06'));
  assert.throws(() => trainModel(syntheticExamples({ perCategory: 5 }), { categories: TAXONOMY }), NotEnoughDataError);
  assert.throws(() => trainModel(examples, { categories: ['CSE-05'] }), /labels outside the taxonomy: CSE-06, CSE-13, CSE-14/);
});

test('the split is deterministic, disjoint, complete and stratified by label', () => {
  const examples = syntheticExamples();
  const a = splitExamples(examples, 9);
  const b = splitExamples([...examples].reverse(), 9);
  const ids = (l: { id: string }[]) => l.map((e) => e.id).sort();
  assert.deepEqual(ids(a.test), ids(b.test));
  assert.deepEqual(ids(a.validation), ids(b.validation));
  const all = [...a.train, ...a.validation, ...a.test].map((e) => e.id);
  assert.equal(new Set(all).size, examples.length);
  for (const c of CATEGORIES) {
    assert.equal(a.test.filter((e) => e.labels.includes(c)).length, 9, `${c} in test`);
    assert.equal(a.validation.filter((e) => e.labels.includes(c)).length, 9, `${c} in validation`);
  }
  assert.notDeepEqual(ids(splitExamples(examples, 10).test), ids(a.test));
});
