import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AnswerKey, type CalibrationAnswer, calibrationLabelSchema, calibrationResults, fleissKappa, itemDistributions, mostDisagreement,
  pairwiseAgreement, reviewerAccuracy,
} from '../../src/review/calibration.js';

const V = (itemId: string, reviewer: string, category = 'CSE-05'): CalibrationAnswer => ({ itemId, reviewer, verdict: 'violating', category });
const N = (itemId: string, reviewer: string): CalibrationAnswer => ({ itemId, reviewer, verdict: 'not_violating', category: null });
const close = (actual: number | null, expected: number, digits = 9) => {
  assert.notEqual(actual, null);
  assert.ok(Math.abs((actual as number) - expected) < 10 ** -digits, `${actual} is not ${expected}`);
};

/*
 * Worked by hand. Three reviewers A, B, C; four items; two categories (V, N):
 *   i1: A=V B=V C=V  counts (3,0)  P_1 = (3·2 + 0) / (3·2) = 1
 *   i2: A=V B=V C=N  counts (2,1)  P_2 = (2·1 + 0) / 6     = 1/3
 *   i3: A=N B=N C=N  counts (0,3)  P_3 = 1
 *   i4: A=V B=N C=N  counts (1,2)  P_4 = 1/3
 *   P̄ = (1 + 1/3 + 1 + 1/3) / 4 = 2/3
 *   p_V = (3+2+0+1)/12 = 1/2, p_N = 1/2, P_e = 1/4 + 1/4 = 1/2
 *   kappa = (2/3 - 1/2) / (1 - 1/2) = 1/3
 * Pairwise: A-B agree on i1,i2,i3 (3/4); A-C on i1,i3 (2/4); B-C on i1,i3,i4 (3/4); pooled 8/12 = 2/3.
 */
const handWorked: CalibrationAnswer[] = [
  V('i1', 'A'), V('i1', 'B'), V('i1', 'C'),
  V('i2', 'A'), V('i2', 'B'), N('i2', 'C'),
  N('i3', 'A'), N('i3', 'B'), N('i3', 'C'),
  V('i4', 'A'), N('i4', 'B'), N('i4', 'C'),
];
const ITEMS = ['i1', 'i2', 'i3', 'i4'];

test('Fleiss kappa on the hand-worked example is 1/3', () => {
  const k = fleissKappa([[3, 0], [2, 1], [0, 3], [1, 2]]);
  close(k.kappa, 1 / 3);
  close(k.observed, 2 / 3);
  close(k.expected, 1 / 2);
  assert.equal(k.undefinedBecause, null);
  assert.equal(k.items, 4);
  const r = calibrationResults(ITEMS, handWorked, null);
  close(r.agreement.verdict.kappa.kappa, 1 / 3);
});

test('Fleiss kappa reproduces the published example (Fleiss 1971, as tabulated on Wikipedia): 0.210', () => {
  // 10 subjects, 14 raters each, 5 categories: P̄ = 0.378, P_e = 0.213, kappa = 0.210.
  const k = fleissKappa([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
  ]);
  close(k.observed, 0.378, 3);
  close(k.expected, 0.213, 3);
  assert.equal(Number((k.kappa as number).toFixed(3)), 0.210);
});

test('kappa: perfect agreement with variation is 1, systematic disagreement is negative', () => {
  close(fleissKappa([[2, 0], [0, 2]]).kappa, 1);
  // Two raters who always disagree: P̄ = 0, P_e = 1/2, kappa = -1.
  close(fleissKappa([[1, 1], [1, 1]]).kappa, -1);
});

test('kappa degenerate cases are null with the reason, never NaN', () => {
  assert.deepEqual(fleissKappa([]), { kappa: null, undefinedBecause: 'fewer_than_two_ratings_per_item', observed: null, expected: null, items: 0 });
  // One rater: every item has a single rating, so no pair can agree or disagree.
  assert.equal(fleissKappa([[1, 0], [0, 1]]).undefinedBecause, 'fewer_than_two_ratings_per_item');
  // Everyone said the same thing on everything: chance agreement is 1, kappa 0/0.
  const same = fleissKappa([[3, 0], [3, 0]]);
  assert.deepEqual([same.kappa, same.undefinedBecause, same.observed, same.expected], [null, 'no_variation', 1, 1]);
  // Items rated once are left out rather than counted as agreement.
  const mixed = fleissKappa([[2, 0], [0, 2], [1, 0]]);
  assert.deepEqual([mixed.kappa, mixed.items], [1, 2]);
});

test('pairwise agreement per pair and pooled, over items both answered', () => {
  const p = pairwiseAgreement(handWorked, (a) => a.verdict);
  assert.deepEqual(p.pairs, [
    { a: 'A', b: 'B', items: 4, agreed: 3, rate: 0.75 },
    { a: 'A', b: 'C', items: 4, agreed: 2, rate: 0.5 },
    { a: 'B', b: 'C', items: 4, agreed: 3, rate: 0.75 },
  ]);
  close(p.overall, 2 / 3);
  const partial = pairwiseAgreement([N('i1', 'A'), N('i2', 'A'), N('i1', 'B'), V('i3', 'B')], (a) => a.verdict);
  assert.deepEqual(partial.pairs, [{ a: 'A', b: 'B', items: 1, agreed: 1, rate: 1 }]);
  assert.deepEqual(pairwiseAgreement([N('i1', 'A')], (a) => a.verdict), { overall: null, pairs: [] });
});

test('reviewer accuracy counts the verdict, and for violating the category too', () => {
  const key: AnswerKey = {
    i1: { verdict: 'violating', category: 'CSE-05' },
    i2: { verdict: 'not_violating', category: null },
    i3: { verdict: 'violating', category: 'CSE-06' },
  };
  const answers = [
    V('i1', 'ann'), N('i2', 'ann'), V('i3', 'ann', 'CSE-05'), // verdicts all right; i3's category wrong
    N('i1', 'bob'), N('i2', 'bob'), V('i4', 'bob'), // i4 has no key entry: not scored
  ];
  assert.deepEqual(reviewerAccuracy(answers, key), [
    { reviewer: 'ann', scored: 3, unanswered: 0, verdictCorrect: 3, exactCorrect: 2, verdictAccuracy: 1, exactAccuracy: 2 / 3 },
    { reviewer: 'bob', scored: 2, unanswered: 1, verdictCorrect: 1, exactCorrect: 1, verdictAccuracy: 0.5, exactAccuracy: 0.5 },
  ]);
  assert.deepEqual(reviewerAccuracy([V('i9', 'cy')], {}), [
    { reviewer: 'cy', scored: 0, unanswered: 0, verdictCorrect: 0, exactCorrect: 0, verdictAccuracy: null, exactAccuracy: null },
  ]);
});

test('label agreement separates reviewers who agree on the verdict but not the category', () => {
  const answers = [V('i1', 'A', 'CSE-05'), V('i1', 'B', 'CSE-06'), V('i2', 'A', 'CSE-05'), V('i2', 'B', 'CSE-05'), N('i3', 'A'), N('i3', 'B')];
  const r = calibrationResults(['i1', 'i2', 'i3'], answers, null);
  assert.equal(r.agreement.verdict.overall, 1);
  close(r.agreement.label.overall, 2 / 3);
  close(r.agreement.verdict.kappa.kappa, 1);
  assert.ok((r.agreement.label.kappa.kappa as number) < 1);
  assert.deepEqual(r.mostDisagreement, ['i1']);
});

test('item distributions and the items of most disagreement', () => {
  const key: AnswerKey = { i2: { verdict: 'violating', category: 'CSE-05' } };
  const items = itemDistributions([...ITEMS, 'i5'], handWorked, key);
  assert.deepEqual(items[1], {
    itemId: 'i2', answers: 3, verdicts: { violating: 2, not_violating: 1 }, labels: { 'violating:CSE-05': 2, not_violating: 1 },
    agreement: 1 / 3, key: { verdict: 'violating', category: 'CSE-05' }, matchingKey: 2,
  });
  assert.deepEqual(items[4], { itemId: 'i5', answers: 0, verdicts: { violating: 0, not_violating: 0 }, labels: {}, agreement: null, key: null, matchingKey: null });
  // i2 and i4 split 2-1 (tie broken by id); unanimous i1, i3 and unanswered i5 are not disagreements.
  assert.deepEqual(mostDisagreement(items).map((i) => i.itemId), ['i2', 'i4']);
  assert.deepEqual(mostDisagreement(items, 1).map((i) => i.itemId), ['i2']);
});

test('results ignore answers on items outside the session', () => {
  const r = calibrationResults(['i1'], [N('i1', 'A'), N('i1', 'B'), V('elsewhere', 'A')], { i1: { verdict: 'not_violating', category: null } });
  assert.deepEqual(r.reviewers.map((x) => [x.reviewer, x.scored, x.exactAccuracy]), [['A', 1, 1], ['B', 1, 1]]);
  assert.equal(r.agreement.verdict.kappa.undefinedBecause, 'no_variation');
});

test('the label schema: violating needs a category, not_violating takes none, escalate is no answer', () => {
  assert.deepEqual(calibrationLabelSchema.parse({ verdict: 'violating', category: 'CSE-05' }), { verdict: 'violating', category: 'CSE-05' });
  assert.deepEqual(calibrationLabelSchema.parse({ verdict: 'not_violating' }), { verdict: 'not_violating', category: null });
  const problem = (v: unknown) => calibrationLabelSchema.safeParse(v).error?.issues.map((i) => i.message).join('; ');
  assert.match(problem({ verdict: 'violating' }) ?? '', /needs its taxonomy category/);
  assert.match(problem({ verdict: 'not_violating', category: 'CSE-05' }) ?? '', /only a violating verdict takes a category/);
  assert.match(problem({ verdict: 'escalate' }) ?? '', /verdict must be one of violating, not_violating/);
  assert.match(problem({ verdict: 'violating', category: 'grooming' }) ?? '', /CSE-01/);
});
