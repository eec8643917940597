import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { layout, positionBits, tableShape } from '../../../src/hashing/index/tables.js';

describe('PDQ index tables', () => {
  test('layout splits all 256 bits into contiguous substrings of at most 32 bits, widest first', () => {
    for (let m = 8; m <= 32; m++) {
      const subs = layout(m);
      assert.equal(subs.length, m);
      let start = 0;
      for (const [i, s] of subs.entries()) {
        assert.equal(s.start, start);
        assert.ok(s.bits >= 1 && s.bits <= 32, `m=${m} bits ${s.bits}`);
        if (i > 0) assert.ok(s.bits <= subs[i - 1]!.bits);
        start += s.bits;
      }
      assert.equal(start, 256);
    }
    // At radius 31, m=11 probes ten substrings at t=2 and one at t=1: that one is narrower.
    assert.deepEqual(
      layout(11).map((s) => s.bits),
      [24, 24, 24, 24, 24, 24, 23, 23, 23, 23, 20],
    );
  });

  test('the compact shape keeps every table within its share of the raw hash bits', () => {
    // m=8 is the compact default; m=11 needs 11 slot fields, which alone outgrow the share past ~2^23 hashes.
    for (const [n, m] of [[50_000, 8], [1_000_000, 8], [10_000_000, 8], [50_000, 11], [1_000_000, 11]] as const) {
      let bits = 0;
      for (const s of layout(m)) {
        const { dirBits, keepBits } = tableShape(n, s.bits, m, 'compact');
        bits += positionBits(n) + Math.min(keepBits, s.bits - dirBits) + (10 * 2 ** dirBits) / n;
      }
      assert.ok(bits <= 255, `n=${n} m=${m}: ${bits} bits per hash`);
    }
    assert.equal(tableShape(10_000_000, 24, 11, 'fast').keepBits, 32); // fast keeps whatever fits
  });
});
