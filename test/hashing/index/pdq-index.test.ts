import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../../src/demo/random.js';
import { hammingBytes, PdqIndex, type PdqIndexOptions, type PdqMatch } from '../../../src/hashing/index/index.js';

function randomHash(rng: Rng): Uint8Array {
  const h = new Uint8Array(32);
  for (let i = 0; i < 32; i++) h[i] = rng.int(0, 255);
  return h;
}

/** A copy of `h` with exactly `d` distinct bits flipped. */
function flip(rng: Rng, h: Uint8Array, d: number): Uint8Array {
  const out = Uint8Array.from(h);
  const bits = new Set<number>();
  while (bits.size < d) bits.add(rng.int(0, 255));
  for (const b of bits) out[b >> 3]! ^= 1 << (b & 7);
  return out;
}

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

function brute(bank: Map<number, Uint8Array>, q: Uint8Array, radius: number): PdqMatch[] {
  const out: PdqMatch[] = [];
  for (const [id, h] of bank) {
    const distance = hammingBytes(h, q);
    if (distance <= radius) out.push({ id, distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
}

interface Fixture {
  bank: Map<number, Uint8Array>;
  /** Queries with the id planted near each and the planted distance. */
  queries: { q: Uint8Array; id: number; d: number }[];
}

/** 50k random hashes, plus for each d in 0..40 several queries whose planted neighbour is exactly d bits away. */
function fixture(seed: number, n = 50_000): Fixture {
  const rng = new Rng(seed);
  const bank = new Map<number, Uint8Array>();
  for (let i = 0; i < n; i++) bank.set(i * 3 + 7, randomHash(rng)); // sparse ids
  const queries: Fixture['queries'] = [];
  for (let d = 0; d <= 40; d++) {
    for (let k = 0; k < 4; k++) {
      const id = rng.int(0, n - 1) * 3 + 7;
      queries.push({ q: flip(rng, bank.get(id)!, d), id, d });
    }
  }
  // Clusters: several stored hashes near one another, so one query has many true matches.
  for (let c = 0; c < 5; c++) {
    const centre = randomHash(rng);
    for (let k = 0; k < 20; k++) bank.set(1_000_000 + c * 100 + k, flip(rng, centre, rng.int(0, 20)));
    queries.push({ q: centre, id: 1_000_000 + c * 100, d: -1 });
  }
  return { bank, queries };
}

const shared = fixture(42);
const RADII = [0, 5, 16, 31, 40];
/** Brute-force answers, computed once and shared by every configuration below. */
let expected: PdqMatch[][][] | undefined;
const expectedFor = () => (expected ??= shared.queries.map(({ q }) => RADII.map((r) => brute(shared.bank, q, r))));

// The compact ones keep fewer key bits per entry (m=16 keeps none at all), so more candidates reach the verify.
const CONFIGS: PdqIndexOptions[] = [
  { substrings: 16 },
  {},
  { substrings: 8 },
  { profile: 'compact' },
  { profile: 'compact', substrings: 11 },
  { profile: 'compact', substrings: 16 },
];

describe('PdqIndex', () => {
  for (const opts of CONFIGS) {
    test(`recall equals brute force (${JSON.stringify(opts)}, radii ${RADII.join(',')})`, () => {
      const index = PdqIndex.build([...shared.bank].map(([id, hash]) => ({ id, hash })), opts);
      assert.equal(index.size, shared.bank.size);
      shared.queries.forEach(({ q, id, d }, k) => {
        RADII.forEach((r, j) => {
          const got = index.search(q, r);
          assert.deepEqual(got, expectedFor()[k]![j], `${JSON.stringify(opts)} r=${r} planted d=${d}`);
          if (d >= 0) assert.equal(got.some((m) => m.id === id && m.distance === d), d <= r, `planted id ${id} at ${d}, r=${r}`);
        });
      });
    });
  }

  test('skewed banks (thousands of equal or near-equal hashes) stay exact', () => {
    // One bucket then holds far more entries than a directory block's byte offsets can address.
    const rng = new Rng(9);
    const bank = new Map<number, Uint8Array>();
    const centre = randomHash(rng);
    for (let id = 0; id < 3_000; id++) bank.set(id, centre);
    for (let id = 3_000; id < 4_000; id++) bank.set(id, flip(rng, centre, rng.int(1, 12)));
    for (let id = 4_000; id < 12_000; id++) bank.set(id, randomHash(rng));
    const queries = [centre, flip(rng, centre, 5), flip(rng, centre, 30), ...shared.queries.slice(0, 20).map((x) => x.q)];
    for (const profile of ['fast', 'compact'] as const) {
      const index = PdqIndex.build([...bank].map(([id, hash]) => ({ id, hash })), { profile });
      for (const q of queries) for (const r of [0, 8, 31]) assert.deepEqual(index.search(q, r), brute(bank, q, r), `${profile} r=${r}`);
    }
  });

  test('hex and byte hashes are interchangeable', () => {
    const rng = new Rng(1);
    const h = randomHash(rng);
    const index = new PdqIndex();
    index.add(1, hex(h));
    index.add(2, h);
    assert.deepEqual(index.search(h, 0), [{ id: 1, distance: 0 }, { id: 2, distance: 0 }]);
    assert.deepEqual(index.search(hex(h).toUpperCase(), 0).length, 2);
  });

  test('add, remove, re-add and replace', () => {
    const rng = new Rng(2);
    const index = PdqIndex.build([...shared.bank].slice(0, 20_000).map(([id, hash]) => ({ id, hash })));
    const h = randomHash(rng);
    index.add(5, h);
    assert.ok(index.has(5));
    assert.deepEqual(index.search(flip(rng, h, 3), 31), [{ id: 5, distance: 3 }]);
    assert.equal(index.remove(5), true);
    assert.equal(index.remove(5), false);
    assert.equal(index.has(5), false);
    assert.deepEqual(index.search(h, 31), []);
    index.add(5, h);
    assert.deepEqual(index.search(h, 0), [{ id: 5, distance: 0 }]);
    const other = randomHash(rng);
    index.add(5, other); // same id: the hash is replaced
    assert.deepEqual(index.search(h, 31), []);
    assert.deepEqual(index.search(other, 0), [{ id: 5, distance: 0 }]);
    assert.equal(index.size, 20_001);
    // A stored hash removed from the built (non-delta) part disappears too.
    const [firstId, firstHash] = [...shared.bank][0]!;
    assert.ok(index.remove(firstId));
    assert.deepEqual(index.search(firstHash, 0), []);
  });

  test('duplicates of one hash under different ids', () => {
    const rng = new Rng(3);
    const h = randomHash(rng);
    const entries = [...shared.bank].slice(0, 10_000).map(([id, hash]) => ({ id, hash }));
    for (const id of [900_001, 900_002, 900_003]) entries.push({ id, hash: h });
    const index = PdqIndex.build(entries);
    const q = flip(rng, h, 7);
    assert.deepEqual(index.search(q, 31), [900_001, 900_002, 900_003].map((id) => ({ id, distance: 7 })));
    index.remove(900_002);
    assert.deepEqual(index.search(q, 31).map((m) => m.id), [900_001, 900_003]);
  });

  test('searchAny reports the query with the smallest distance per id', () => {
    const rng = new Rng(4);
    const a = randomHash(rng);
    const b = randomHash(rng);
    const index = PdqIndex.build([...shared.bank].slice(0, 10_000).map(([id, hash]) => ({ id, hash })));
    index.add(1, a);
    index.add(2, b);
    const queries = [flip(rng, a, 20), randomHash(rng), flip(rng, a, 4), flip(rng, b, 9), flip(rng, a, 4)];
    assert.deepEqual(index.searchAny(queries, 31), [
      { id: 1, distance: 4, query: 2 }, // tie with query 4: the first query wins
      { id: 2, distance: 9, query: 3 },
    ]);
    assert.deepEqual(index.searchAny([], 31), []);
  });

  for (const profile of ['fast', 'compact'] as const) {
    test(`incremental adds and removes give the same results as build (${profile})`, () => {
      const rng = new Rng(5);
      const entries = [...shared.bank].slice(0, 30_000).map(([id, hash]) => ({ id, hash }));
      const removed = new Set(entries.filter(() => rng.next() < 0.2).map((e) => e.id));
      const built = PdqIndex.build(entries.filter((e) => !removed.has(e.id)), { profile });
      const grown = new PdqIndex({ profile });
      // Enough adds to cross several delta merges, and enough removes to force a tombstone compaction.
      for (const e of entries) grown.add(e.id, e.hash);
      for (const id of removed) assert.ok(grown.remove(id));
      assert.equal(grown.size, built.size);
      for (const { q } of shared.queries) {
        for (const r of [0, 31, 40]) assert.deepEqual(grown.search(q, r), built.search(q, r));
      }
      for (const id of removed) assert.equal(grown.has(id), false);
      // And both against brute force over what is left, tombstones and all.
      const left = new Map(entries.filter((e) => !removed.has(e.id)).map((e) => [e.id, e.hash] as const));
      for (const { q } of shared.queries.filter((_, k) => k % 4 === 0)) assert.deepEqual(grown.search(q, 31), brute(left, q, 31));
    });
  }

  test('dense ids (kept implicit) survive removes, compaction and out-of-order adds', () => {
    const rng = new Rng(6);
    const hashes = [...shared.bank.values()].slice(0, 12_000);
    const bank = new Map(hashes.map((h, id) => [id, h] as const));
    const index = PdqIndex.build(hashes.map((hash, id) => ({ id, hash })));
    const check = () => {
      for (const { q } of shared.queries.slice(0, 60)) for (const r of [0, 31]) assert.deepEqual(index.search(q, r), brute(bank, q, r));
    };
    check();
    for (let id = 12_000; id < 12_100; id++) {
      const hash = randomHash(rng);
      bank.set(id, hash);
      index.add(id, hash);
    }
    assert.ok(index.remove(3) && bank.delete(3));
    assert.equal(index.has(3), false);
    assert.equal(index.has(12_099), true);
    assert.equal(index.has(12_100), false);
    check();
    for (let id = 10; id < 5_000; id++) assert.ok(index.remove(id) && bank.delete(id)); // forces a compaction
    check();
    const h = randomHash(rng);
    index.add(7, h); // replaces a live id after compaction
    bank.set(7, h);
    index.add(3, h); // re-adds a removed id
    bank.set(3, h);
    check();
    assert.equal(index.size, bank.size);
  });

  test('invalid hashes, ids and radii throw clear errors', () => {
    const index = new PdqIndex();
    assert.throws(() => index.add(1, 'abc'), /PDQ hash must be 32 bytes or 64 hex characters, got a 3-character string/);
    assert.throws(() => index.add(1, 'zz'.repeat(32)), /64 hex characters/);
    assert.throws(() => index.add(1, new Uint8Array(31)), /got 31 bytes/);
    assert.throws(() => index.search('g'.repeat(64), 31), /PDQ hash must be/);
    assert.throws(() => index.add(-1, '0'.repeat(64)), /id must be an integer/);
    assert.throws(() => index.add(2 ** 32, '0'.repeat(64)), /id must be an integer/);
    assert.throws(() => index.search('0'.repeat(64), -1), /radius must be a non-negative integer/);
    assert.throws(() => new PdqIndex({ substrings: 4 }), /substrings must be an integer in 8\.\.32/);
    assert.throws(() => new PdqIndex({ profile: 'tiny' as never }), /profile must be 'fast' or 'compact', got tiny/);
    assert.equal(index.size, 0); // nothing was half-added
  });

  test('radius above the probe range falls back to a scan and stays exact', () => {
    const bank = new Map([...shared.bank].slice(0, 5_000));
    const index = PdqIndex.build([...bank].map(([id, hash]) => ({ id, hash })));
    const q = bank.get(7)!;
    for (const r of [100, 128, 256]) assert.deepEqual(index.search(q, r), brute(bank, q, r));
  });

  test('memoryBytes counts the typed arrays', () => {
    const small = PdqIndex.build([...shared.bank].slice(0, 1_000).map(([id, hash]) => ({ id, hash })));
    const large = PdqIndex.build([...shared.bank].map(([id, hash]) => ({ id, hash })));
    assert.ok(small.memoryBytes() >= 1_000 * 32);
    assert.ok(large.memoryBytes() > small.memoryBytes());
    // The compact profile's promise: everything within 2x the raw 32 bytes per hash.
    const compact = PdqIndex.build([...shared.bank].map(([id], i) => ({ id: i, hash: shared.bank.get(id)! })), { profile: 'compact' });
    assert.ok(compact.memoryBytes() <= 2 * 32 * compact.size, `${compact.memoryBytes() / compact.size} B/hash`);
  });

  test('hammingBytes', () => {
    assert.equal(hammingBytes(new Uint8Array([0xff, 0x0f, 1]), new Uint8Array([0, 0, 0])), 13);
    assert.throws(() => hammingBytes(new Uint8Array(2), new Uint8Array(3)), /lengths differ/);
  });
});
