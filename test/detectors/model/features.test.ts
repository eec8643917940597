import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copySparse, Featurizer } from '../../../src/detectors/model/features.js';

const norm = (v: { values: Float32Array; length: number }) => Math.sqrt(Array.from(v.values.subarray(0, v.length)).reduce((s, x) => s + x * x, 0));

test('features are L2-normalised, repeatable, independent of buffer reuse, and in range', () => {
  const f = new Featurizer({ bits: 12, wordBigrams: true, charMin: 3, charMax: 5, charWeight: 0.5 });
  const first = copySparse(f.featurize('Want to meet up after school?'));
  assert.ok(Math.abs(norm(first) - 1) < 1e-6);
  assert.ok(first.indices.every((i) => i >= 0 && i < 4096));
  f.featurize('a much longer text '.repeat(500));
  const again = copySparse(f.featurize('Want to meet up after school?'));
  assert.deepEqual(again, first);
  assert.deepEqual(copySparse(new Featurizer({ bits: 12, wordBigrams: true, charMin: 3, charMax: 5, charWeight: 0.5 }).featurize('Want to meet up after school?')), first);
  assert.equal(f.featurize('').length, 0);
  assert.equal(f.featurize('  ?! ').length, 0);
  // Case and punctuation do not change the words.
  assert.deepEqual(copySparse(f.featurize('WANT to meet, up after school')), first);
});

test('named features list words, word pairs and character n-grams of the normalised text', () => {
  const f = new Featurizer({ bits: 18, wordBigrams: true, charMin: 3, charMax: 3, charWeight: 0.5 });
  const named = f.namedFeatures("Don't tell");
  const by = (kind: string) => named.filter((n) => n.kind === kind).map((n) => n.name);
  assert.deepEqual(by('word'), ['dont', 'tell']);
  assert.deepEqual(by('bigram'), ['dont tell']);
  assert.deepEqual(by('char'), ['_do', 'don', 'ont', 'nt_', 't_t', '_te', 'tel', 'ell', 'll_']);
  assert.throws(() => new Featurizer({ bits: 30, wordBigrams: true, charMin: 3, charMax: 5, charWeight: 0.5 }), /bits/);
});
