/**
 * PDQ matching index (src/hashing/index) against a brute-force scan of the same bank: build time, memory per hash,
 * query latency at radius 31 with and without a planted near match, and recall (must be 100%).
 */
import { Rng } from '../../src/demo/random.js';
import { PdqIndex } from '../../src/hashing/index/index.js';
import { popcount32 } from '../../src/hashing/index/bits.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 10_000_000;
const SEED = 7;
const RADIUS = 31;
const PLANTED = 1_000;
const UNPLANTED = 1_000;
const BRUTE_QUERIES = 20;

const u32 = (rng: Rng) => Math.floor(rng.next() * 4294967296);

/** Hashes as big-endian words, the index's own layout, so the brute force reads them the same way. */
function bytesOf(words: Uint32Array, at: number, out: Uint8Array): Uint8Array {
  for (let w = 0; w < 8; w++) {
    const v = words[at + w]!;
    out[w * 4] = v >>> 24;
    out[w * 4 + 1] = (v >>> 16) & 255;
    out[w * 4 + 2] = (v >>> 8) & 255;
    out[w * 4 + 3] = v & 255;
  }
  return out;
}

function bruteForce(bank: Uint32Array, n: number, q: Uint32Array, radius: number): { id: number; distance: number }[] {
  const out: { id: number; distance: number }[] = [];
  for (let i = 0, o = 0; i < n; i++, o += 8) {
    let d = popcount32(bank[o]! ^ q[0]!) + popcount32(bank[o + 1]! ^ q[1]!) + popcount32(bank[o + 2]! ^ q[2]!) + popcount32(bank[o + 3]! ^ q[3]!);
    if (d > radius) continue;
    d += popcount32(bank[o + 4]! ^ q[4]!) + popcount32(bank[o + 5]! ^ q[5]!) + popcount32(bank[o + 6]! ^ q[6]!) + popcount32(bank[o + 7]! ^ q[7]!);
    if (d <= radius) out.push({ id: i, distance: d });
  }
  return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
}

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const fmtMs = (ms: number) => `${ms.toFixed(3)} ms`;

export const hashingIndexScenario: Scenario = {
  name: 'hashing-index',
  description: 'PDQ multi-index hashing: build, memory, radius-31 query latency and recall vs brute force',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ITEMS;
    const rng = new Rng(SEED);
    log(`generating ${n} random hashes`);
    const bank = new Uint32Array(n * 8);
    for (let i = 0; i < bank.length; i++) bank[i] = u32(rng);

    // Planted queries: a stored hash with exactly d random bits flipped, d uniform in 0..31.
    const queries: { words: Uint32Array; bytes: Uint8Array; target: number; d: number }[] = [];
    for (let k = 0; k < PLANTED + UNPLANTED; k++) {
      const planted = k < PLANTED;
      const target = planted ? Math.floor(rng.next() * n) : -1;
      const words = planted ? bank.slice(target * 8, target * 8 + 8) : Uint32Array.from({ length: 8 }, () => u32(rng));
      const d = planted ? Math.floor(rng.next() * (RADIUS + 1)) : -1;
      const bits = new Set<number>();
      while (bits.size < Math.max(d, 0)) bits.add(Math.floor(rng.next() * 256));
      for (const b of bits) words[b >> 5]! ^= 1 << (b & 31);
      queries.push({ words, bytes: bytesOf(words, 0, new Uint8Array(32)), target, d });
    }

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    log(`building the index over ${n} hashes`);
    const scratch = new Uint8Array(32);
    const entry = { id: 0, hash: scratch };
    function* entries() {
      for (let i = 0; i < n; i++) {
        entry.id = i;
        bytesOf(bank, i * 8, scratch);
        yield entry; // build copies each hash, so one reused object is enough
      }
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const index = PdqIndex.build(entries());
    const buildSeconds = (performance.now() - t0) / 1000;
    const buildCpu = process.cpuUsage(cpu0);
    global.gc?.();
    const rssDelta = process.memoryUsage().rss - rssBefore;
    const memory = index.memoryBytes();

    log(`querying: ${PLANTED} planted + ${UNPLANTED} unplanted at radius ${RADIUS}`);
    for (const q of queries.slice(0, 50)) index.search(q.bytes, RADIUS); // warm-up (JIT), not timed
    const planted: number[] = [];
    const unplanted: number[] = [];
    let found = 0;
    let matches = 0;
    // Interleaved so GC or JIT pauses after the build do not all land on one kind of query.
    const order = queries.map((_, k) => (k % 2 === 0 ? k / 2 : PLANTED + (k - 1) / 2));
    const results: { id: number; distance: number }[][] = [];
    for (const k of order) {
      const q = queries[k]!;
      const s = performance.now();
      const r = index.search(q.bytes, RADIUS);
      (q.target >= 0 ? planted : unplanted).push(performance.now() - s);
      matches += r.length;
      if (q.target >= 0 && r.some((m) => m.id === q.target && m.distance === q.d)) found++;
      results[k] = r;
    }
    if (found !== PLANTED) throw new BenchCheckError(`recall ${found}/${PLANTED}: the index missed planted matches`);

    const bruteIdx = [...Array(BRUTE_QUERIES).keys()].map((k) => (k % 2 === 0 ? k : PLANTED + k));
    log(`brute force over ${bruteIdx.length} queries`);
    const bruteMs: number[] = [];
    for (const k of bruteIdx) {
      const s = performance.now();
      const expected = bruteForce(bank, n, queries[k]!.words, RADIUS);
      bruteMs.push(performance.now() - s);
      const got = JSON.stringify(results[k]);
      if (got !== JSON.stringify(expected)) throw new BenchCheckError(`query ${k}: index ${got} != brute force ${JSON.stringify(expected)}`);
    }

    const all = [...planted, ...unplanted].sort((a, b) => a - b);
    planted.sort((a, b) => a - b);
    unplanted.sort((a, b) => a - b);
    const bruteAvg = bruteMs.reduce((a, b) => a + b, 0) / bruteMs.length;
    const indexAvg = all.reduce((a, b) => a + b, 0) / all.length;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 1000;
    return {
      params: { items: n, seed: SEED, radius: RADIUS, plantedQueries: PLANTED, unplantedQueries: UNPLANTED, bruteQueries: bruteIdx.length },
      phases: [
        { label: 'build (PdqIndex.build)', items: n, seconds: buildSeconds, cpuSeconds: (buildCpu.user + buildCpu.system) / 1e6 },
        { label: 'search r=31, planted match', items: planted.length, seconds: sum(planted) },
        { label: 'search r=31, no planted match', items: unplanted.length, seconds: sum(unplanted) },
        { label: 'brute-force scan r=31', items: bruteMs.length, seconds: sum(bruteMs) },
      ],
      ratios: [{ label: 'brute force vs index, mean per-query latency (times slower)', value: bruteAvg / indexAvg }],
      counts: { hashes: index.size, plantedFound: found, matchesReturned: matches, bruteChecked: bruteIdx.length },
      notes: [
        `latency all: p50 ${fmtMs(quantile(all, 0.5))}, p99 ${fmtMs(quantile(all, 0.99))}, max ${fmtMs(all.at(-1) ?? 0)}`,
        `latency planted: p50 ${fmtMs(quantile(planted, 0.5))}, p99 ${fmtMs(quantile(planted, 0.99))}; ` +
          `unplanted: p50 ${fmtMs(quantile(unplanted, 0.5))}, p99 ${fmtMs(quantile(unplanted, 0.99))}`,
        `brute force: mean ${fmtMs(bruteAvg)} per query (${bruteIdx.length} queries, results identical to the index)`,
        `memory: memoryBytes ${(memory / 2 ** 20).toFixed(0)} MiB = ${(memory / n).toFixed(1)} B/hash (${(memory / (n * 32)).toFixed(2)}x raw); ` +
          `RSS delta over build ${(rssDelta / 2 ** 20).toFixed(0)} MiB = ${(rssDelta / n).toFixed(1)} B/hash` +
          (global.gc ? '' : ' (no --expose-gc: includes garbage)'),
        `recall ${((100 * found) / PLANTED).toFixed(1)}% (${found}/${PLANTED} planted matches found at their exact distance)`,
      ],
    };
  },
};
