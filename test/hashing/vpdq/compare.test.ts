import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type VpdqFrame, vpdqCompare } from '../../../src/hashing/vpdq/compare.js';
import { VpdqError } from '../../../src/hashing/vpdq/frames.js';

const ZERO = '0'.repeat(64);

/** A hash with the first `bits` bits set: its distance to ZERO is exactly `bits`. */
function bitsSet(bits: number, offset = 0): string {
  const b = new Uint8Array(32);
  for (let i = offset; i < offset + bits; i++) b[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.from(b).toString('hex');
}

function frames(hashes: string[], quality = 100): VpdqFrame[] {
  return hashes.map((hash, index) => ({ index, timestampSec: index, hash, quality }));
}

describe('vpdqCompare', () => {
  test('identical lists match at 100%', () => {
    const list = frames([bitsSet(0), bitsSet(64, 0), bitsSet(64, 64), bitsSet(64, 128)]);
    assert.deepEqual(vpdqCompare(list, list), { queryMatchPercent: 100, targetMatchPercent: 100, match: true });
  });

  test('distance is inclusive: 31 bits apart matches, 32 does not (and the limit is configurable)', () => {
    assert.equal(vpdqCompare(frames([ZERO]), frames([bitsSet(31)])).match, true);
    assert.equal(vpdqCompare(frames([ZERO]), frames([bitsSet(32)])).match, false);
    assert.equal(vpdqCompare(frames([ZERO]), frames([bitsSet(32)]), { distance: 32 }).match, true);
    assert.equal(vpdqCompare(frames([ZERO]), frames([bitsSet(10)]), { distance: 9 }).match, false);
  });

  test('bits are counted across all 256 positions, upper case hex accepted', () => {
    const far = bitsSet(16, 0).slice(0, 32) + bitsSet(16, 0).slice(0, 32);
    assert.equal(vpdqCompare(frames([ZERO]), frames([far]), { distance: 31 }).match, false);
    assert.equal(vpdqCompare(frames([ZERO]), frames([far]), { distance: 32 }).match, true);
    assert.equal(vpdqCompare(frames(['F'.repeat(64)]), frames(['f'.repeat(64)])).match, true);
  });

  test('frames below the quality threshold are ignored', () => {
    const query = [...frames([bitsSet(64, 0)]), ...frames([bitsSet(64, 64), bitsSet(64, 128)], 49)];
    const target = frames([bitsSet(64, 0)]);
    assert.deepEqual(vpdqCompare(query, target), { queryMatchPercent: 100, targetMatchPercent: 100, match: true });
    // Counted when the threshold lets them through: 1 of 3 query frames matched.
    const loose = vpdqCompare(query, target, { qualityThreshold: 40 });
    assert.equal(Math.round(loose.queryMatchPercent), 33);
    assert.equal(loose.targetMatchPercent, 100);
    assert.equal(loose.match, false);
    // Quality exactly at the threshold is kept.
    assert.equal(vpdqCompare(frames([ZERO], 50), frames([ZERO], 50)).match, true);
  });

  test('nothing left after filtering is no match', () => {
    assert.deepEqual(vpdqCompare(frames([ZERO], 10), frames([ZERO])), { queryMatchPercent: 0, targetMatchPercent: 0, match: false });
    assert.deepEqual(vpdqCompare([], []), { queryMatchPercent: 0, targetMatchPercent: 0, match: false });
  });

  test('repeated hashes count once', () => {
    // A still scene repeated 9 times plus one unmatched frame: 50% after dedup, not 90%.
    const query = frames([...Array(9).fill(bitsSet(64, 0)), bitsSet(64, 128)]);
    const target = frames([bitsSet(64, 0)]);
    const r = vpdqCompare(query, target);
    assert.equal(r.queryMatchPercent, 50);
    assert.equal(r.targetMatchPercent, 100);
    assert.equal(r.match, false);
  });

  test('both thresholds apply, each configurable', () => {
    // Query is a clip of the target: all query frames found, 2 of 5 target frames found.
    const target = frames([0, 1, 2, 3, 4].map((i) => bitsSet(48, i * 48)));
    const query = target.slice(0, 2);
    const r = vpdqCompare(query, target);
    assert.equal(r.queryMatchPercent, 100);
    assert.equal(r.targetMatchPercent, 40);
    assert.equal(r.match, false);
    assert.equal(vpdqCompare(query, target, { targetMatchPercent: 40 }).match, true);
    assert.equal(vpdqCompare(query, target, { targetMatchPercent: 41 }).match, false);
    assert.equal(vpdqCompare(target, query, { queryMatchPercent: 40 }).match, true);
    assert.equal(vpdqCompare(target, query, { queryMatchPercent: 0, targetMatchPercent: 100 }).match, true);
  });

  test('a malformed hash is an error', () => {
    assert.throws(() => vpdqCompare(frames(['abc']), frames([ZERO])), VpdqError);
    assert.throws(() => vpdqCompare(frames([ZERO]), frames(['g'.repeat(64)])), VpdqError);
  });
});
