/**
 * PDQ matching index (src/hashing/index) against a brute-force scan of the same bank: build time, memory per hash,
 * query latency at radius 31 with and without a planted near match, and recall (must be 100%), for the default
 * 'fast' profile and the 'compact' one (whose results must equal the fast one's on every query).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Rng } from '../../src/demo/random.js';
import { type IndexProfile, PdqIndex } from '../../src/hashing/index/index.js';
import { popcount32 } from '../../src/hashing/index/bits.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 10_000_000;
const SEED = 7;
const RADIUS = 31;
const PLANTED = 1_000;
const UNPLANTED = 1_000;
const BRUTE_QUERIES = 20;
/** Every query runs this many times; the medians make the p99 robust to other processes on a shared machine. */
const ROUNDS = 3;

/**
 * A real GC even without --expose-gc, so the RSS growth of the second build does not include the first index's
 * garbage. The flag only exposes `gc` to contexts created after it is set.
 */
function collector(): () => void {
  if (global.gc) return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

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
  description: 'PDQ multi-index hashing (fast and compact): build, memory, radius-31 query latency and recall vs brute force',
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

    const scratch = new Uint8Array(32);
    const entry = { id: 0, hash: scratch };
    function* entries() {
      for (let i = 0; i < n; i++) {
        entry.id = i;
        bytesOf(bank, i * 8, scratch);
        yield entry; // build copies each hash, so one reused object is enough
      }
    }
    // Interleaved so GC or JIT pauses after the build do not all land on one kind of query.
    const order = queries.map((_, k) => (k % 2 === 0 ? k / 2 : PLANTED + (k - 1) / 2));

    /** Builds one profile, then runs every query ROUNDS times; the first round's results are kept for checking. */
    const gc = collector();
    /** Collects, then waits: V8 frees big ArrayBuffers on a background thread after the GC itself. */
    const settle = async () => {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 250));
      gc();
    };
    async function measure(profile: IndexProfile) {
      await settle();
      const rssBefore = process.memoryUsage().rss;
      log(`building the ${profile} index over ${n} hashes`);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const index = PdqIndex.build(entries(), { profile });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      await settle();
      const rssDelta = process.memoryUsage().rss - rssBefore;
      log(`querying the ${profile} index: ${PLANTED} planted + ${UNPLANTED} unplanted at radius ${RADIUS}, ${ROUNDS} rounds`);
      for (const q of queries.slice(0, 50)) index.search(q.bytes, RADIUS); // warm-up (JIT), not timed
      const times = queries.map(() => [] as number[]);
      const results: { id: number; distance: number }[][] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const k of order) {
          const s = performance.now();
          const r = index.search(queries[k]!.bytes, RADIUS);
          times[k]!.push(performance.now() - s);
          if (round === 0) results[k] = r;
        }
      }
      // CPU time per query: what the index costs when other processes take the cores away mid-query.
      const cpuTimes: number[] = [];
      for (const k of order) {
        const c0 = process.cpuUsage();
        index.search(queries[k]!.bytes, RADIUS);
        const c = process.cpuUsage(c0);
        cpuTimes.push((c.user + c.system) / 1000);
      }
      const size = index.size;
      const memory = index.memoryBytes();
      return { profile, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rssDelta, memory, size, times, cpuTimes, results };
    }

    const fast = await measure('fast');
    let found = 0;
    let matches = 0;
    queries.forEach((q, k) => {
      const r = fast.results[k]!;
      matches += r.length;
      if (q.target >= 0 && r.some((m) => m.id === q.target && m.distance === q.d)) found++;
    });
    if (found !== PLANTED) throw new BenchCheckError(`recall ${found}/${PLANTED}: the index missed planted matches`);

    const bruteIdx = [...Array(BRUTE_QUERIES).keys()].map((k) => (k % 2 === 0 ? k : PLANTED + k));
    log(`brute force over ${bruteIdx.length} queries`);
    const bruteMs: number[] = [];
    for (const k of bruteIdx) {
      const s = performance.now();
      const expected = bruteForce(bank, n, queries[k]!.words, RADIUS);
      bruteMs.push(performance.now() - s);
      const got = JSON.stringify(fast.results[k]);
      if (got !== JSON.stringify(expected)) throw new BenchCheckError(`query ${k}: index ${got} != brute force ${JSON.stringify(expected)}`);
    }

    const compact = await measure('compact');
    queries.forEach((_, k) => {
      const got = JSON.stringify(compact.results[k]);
      if (got !== JSON.stringify(fast.results[k])) throw new BenchCheckError(`query ${k}: compact ${got} != fast ${JSON.stringify(fast.results[k])}`);
    });

    const bruteAvg = bruteMs.reduce((a, b) => a + b, 0) / bruteMs.length;
    const summary = (m: Awaited<ReturnType<typeof measure>>) => {
      const firstRound = (from: number, to: number) => m.times.slice(from, to).map((t) => t[0]!);
      const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
      const all = sorted(m.times.flat());
      const medians = sorted(m.times.map((t) => sorted(t)[t.length >> 1]!));
      const cpu = sorted(m.cpuTimes);
      const planted = sorted(firstRound(0, PLANTED));
      const unplanted = sorted(firstRound(PLANTED, PLANTED + UNPLANTED));
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      const line =
        `${m.profile}: memoryBytes ${(m.memory / n).toFixed(1)} B/hash (${(m.memory / (n * 32)).toFixed(2)}x raw), ` +
        `RSS delta over build ${(m.rssDelta / n).toFixed(1)} B/hash; ` +
        `latency over ${ROUNDS} rounds: p50 ${fmtMs(quantile(all, 0.5))}, p99 ${fmtMs(quantile(all, 0.99))}, max ${fmtMs(all.at(-1) ?? 0)}; ` +
        `per-query median: p50 ${fmtMs(quantile(medians, 0.5))}, p99 ${fmtMs(quantile(medians, 0.99))}; ` +
        `CPU time per query: p50 ${fmtMs(quantile(cpu, 0.5))}, p99 ${fmtMs(quantile(cpu, 0.99))}; ` +
        `first round planted p50 ${fmtMs(quantile(planted, 0.5))}, unplanted p50 ${fmtMs(quantile(unplanted, 0.5))}`;
      return { mean, line, planted, unplanted };
    };
    const fastSummary = summary(fast);
    const compactSummary = summary(compact);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 1000;
    return {
      params: { items: n, seed: SEED, radius: RADIUS, plantedQueries: PLANTED, unplantedQueries: UNPLANTED, rounds: ROUNDS, bruteQueries: bruteIdx.length },
      phases: [
        { label: 'build (PdqIndex.build, fast)', items: n, seconds: fast.seconds, cpuSeconds: fast.cpuSeconds },
        { label: 'search r=31, planted match', items: PLANTED, seconds: sum(fastSummary.planted) },
        { label: 'search r=31, no planted match', items: UNPLANTED, seconds: sum(fastSummary.unplanted) },
        { label: 'brute-force scan r=31', items: bruteMs.length, seconds: sum(bruteMs) },
        { label: 'build (PdqIndex.build, compact)', items: n, seconds: compact.seconds, cpuSeconds: compact.cpuSeconds },
        { label: 'search r=31, compact, planted', items: PLANTED, seconds: sum(compactSummary.planted) },
        { label: 'search r=31, compact, unplanted', items: UNPLANTED, seconds: sum(compactSummary.unplanted) },
      ],
      ratios: [
        { label: 'brute force vs fast index, mean per-query latency (times slower)', value: bruteAvg / fastSummary.mean },
        { label: 'compact vs fast index, mean per-query latency (times slower)', value: compactSummary.mean / fastSummary.mean },
      ],
      counts: { hashes: fast.size, plantedFound: found, matchesReturned: matches, bruteChecked: bruteIdx.length, compactChecked: queries.length },
      notes: [
        fastSummary.line,
        compactSummary.line,
        `brute force: mean ${fmtMs(bruteAvg)} per query (${bruteIdx.length} queries, results identical to the index)`,
        `recall ${((100 * found) / PLANTED).toFixed(1)}% (${found}/${PLANTED} planted matches found at their exact distance); ` +
          `compact results identical to fast on all ${queries.length} queries`,
        'per-query median: each query timed once per round, its median taken, then p50/p99 across queries (drops one-off preemptions on a shared machine); ' +
          'CPU time: one more round timed with process.cpuUsage (1 µs resolution)',
      ],
    };
  },
};
