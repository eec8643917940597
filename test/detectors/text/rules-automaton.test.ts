import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/demo/random.js';
import { TermAutomaton } from '../../../src/detectors/text/rules/aho-corasick.js';
import { isWordCode } from '../../../src/detectors/text/rules/words.js';

/** Every whole-word occurrence of every pattern, the slow obvious way. */
function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  patterns.forEach((p, id) => {
    for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) {
      const end = at + p.length;
      if ((at === 0 || !isWordCode(text.charCodeAt(at - 1))) && (end === text.length || !isWordCode(text.charCodeAt(end)))) out.push(`${id}@${at}`);
    }
  });
  return out.sort();
}

function scan(a: TermAutomaton, text: string): string[] {
  const out: string[] = [];
  a.scan(text, (id, start, end) => {
    out.push(`${id}@${start}`);
    assert.ok(end > start);
  });
  return out.sort();
}

test('finds the same whole-word occurrences as a naive scan, overlaps and nested terms included', () => {
  const patterns = ['he', 'she', 'his', 'hers', 'she said', 'said', 'a b', 'b a b'];
  const a = new TermAutomaton(patterns);
  for (const text of ['she said hers is his', 'ushers', 'a b a b a b', 'he she hers', '', 'x']) {
    assert.deepEqual(scan(a, text), naive(patterns, text), text);
  }
});

test('agrees with the naive scan on random terms and texts over a small alphabet', () => {
  const rng = new Rng(42, 1);
  const word = () => Array.from({ length: rng.int(1, 3) }, () => rng.pick(['a', 'b', 'c', 'é'])).join('');
  for (let round = 0; round < 30; round++) {
    const patterns = [...new Set(Array.from({ length: rng.int(1, 25) }, () => Array.from({ length: rng.int(1, 3) }, word).join(' ')))];
    const a = new TermAutomaton(patterns);
    const text = Array.from({ length: 60 }, () => rng.pick([word(), word(), ' ', '.', 'z'])).join(' ');
    assert.deepEqual(scan(a, text), naive(patterns, text), `round ${round}`);
  }
});

test('refuses empty and duplicate patterns', () => {
  assert.throws(() => new TermAutomaton(['']), /empty/);
  assert.throws(() => new TermAutomaton(['ab', 'ab']), /duplicate/);
});
