import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropRedundant, emergingTerms, termsOf } from '../../../src/analytics/tactics/emerging-terms.js';
import { binomialUpperTail, growth, isGrowing } from '../../../src/analytics/tactics/scoring.js';

const docs = (prefix: string, texts: string[]) => texts.map((text, i) => ({ itemId: `${prefix}${i}`, text }));

test('n-grams: 1 to 3 words, distinct per text, none starting or ending with a stop-word', () => {
  const t = termsOf('bring the bluefinch, bring the bluefinch to the park');
  assert.ok(t.has('bluefinch'));
  assert.ok(t.has('bring the bluefinch'));
  assert.ok(t.has('bluefinch bring'));
  assert.ok(!t.has('the bluefinch'), 'starts with a stop-word');
  assert.ok(!t.has('the'), 'a stop-word alone');
  assert.ok(!t.has('to the park'));
  assert.ok(t.has('park'));
  assert.equal(termsOf('bring the bluefinch', 2).has('bring the bluefinch'), false, 'maxN bounds the length');
});

test('growth: the smoothed log-ratio of rates and a one-sided binomial test on hand-made counts', () => {
  // 8 of 10 recent documents vs 0 of 40 baseline documents: rate (8.5/11) against (0.5/41).
  const g = growth({ recent: 8, recentTotal: 10, baseline: 0, baselineTotal: 40 });
  assert.equal(g.logRatio, Math.round(Math.log((8.5 / 11) / (0.5 / 41)) * 1e4) / 1e4);
  // All 8 occurrences fell in the recent window, which holds a fifth of the documents: p = 0.2^8.
  assert.ok(Math.abs(g.pValue - 0.2 ** 8) < 1e-6);
  assert.ok(isGrowing({ recent: 8, recentTotal: 10, baseline: 0, baselineTotal: 40 }, g));

  // A flat term (the same share in both windows) does not grow.
  const flat = { recent: 5, recentTotal: 10, baseline: 20, baselineTotal: 40 };
  assert.ok(Math.abs(growth(flat).logRatio) < 0.05);
  assert.equal(isGrowing(flat, growth(flat)), false);
  // Below the minimum count nothing emerges, however fast it grows.
  const rare = { recent: 2, recentTotal: 10, baseline: 0, baselineTotal: 40 };
  assert.equal(isGrowing(rare, growth(rare)), false);
});

test('binomial tail: exact small cases', () => {
  assert.equal(binomialUpperTail(0, 5, 0.3), 1);
  assert.ok(Math.abs(binomialUpperTail(2, 2, 0.5) - 0.25) < 1e-12);
  assert.ok(Math.abs(binomialUpperTail(1, 3, 0.5) - 0.875) < 1e-12);
  assert.equal(binomialUpperTail(4, 3, 0.5), 0);
});

test('a new word rising in the recent window emerges; words common to both windows do not', () => {
  const baseline = docs('b', Array.from({ length: 30 }, (_, i) => `see you at the park ${i % 2 ? 'later' : 'today'}`));
  const recent = docs('r', [
    ...Array.from({ length: 6 }, () => 'see you at the park, bring the bluefinch'),
    ...Array.from({ length: 4 }, () => 'see you at the park today'),
  ]);
  const { terms, recentDocuments, baselineDocuments } = emergingTerms(recent, baseline);
  assert.equal(recentDocuments, 10);
  assert.equal(baselineDocuments, 30);
  const top = terms[0];
  assert.equal(top?.term, 'bluefinch', JSON.stringify(terms.map((t) => t.term)));
  assert.equal(top?.recent, 6);
  assert.equal(top?.baseline, 0);
  assert.deepEqual(top?.exampleItemIds, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  assert.ok(!terms.some((t) => t.term === 'park' || t.term === 'see you'), 'flat terms stay out');
  assert.ok(!terms.some((t) => t.term === 'bring the bluefinch'), 'same documents as "bluefinch" inside it: redundant');
});

test('redundant longer n-grams are dropped, distinct ones kept', () => {
  const base = { n: 1, baseline: 0, logRatio: 2, pValue: 0.001, exampleItemIds: [] };
  const kept = dropRedundant([
    { ...base, term: 'bluefinch', recent: 6 },
    { ...base, term: 'bring bluefinch', n: 2, recent: 6 },
    { ...base, term: 'bluefinch tonight', n: 2, recent: 4 },
  ]);
  assert.deepEqual(kept.map((t) => t.term), ['bluefinch', 'bluefinch tonight']);
});
