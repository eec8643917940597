/**
 * Exact Hamming-radius index for 256-bit PDQ hashes: multi-index hashing (Norouzi et al.) over typed arrays.
 *
 * The 256 bits are split into m substrings, each with a CSR table of bit-packed entries (see tables.ts). If
 * dist(q, h) <= r then, with per-table thresholds t_i where sum(t_i + 1) >= r + 1, some substring i is within t_i of
 * the query's (generalised pigeonhole), so probing every key within t_i of each query substring and verifying
 * candidates with a full popcount finds every match: recall equals brute force for any radius. The substring widths
 * are tuned for radius 31 and the thresholds are planned per radius from the tables' shapes. When the probes would
 * cost more than a scan (large radius, tiny index) it scans all hashes instead.
 *
 * At 10M hashes the slots alone take ~3 B per table per hash, so the fast profile's 11 tables cannot fit within 2x the
 * raw hashes; the compact profile (8 tables, fewer kept key bits) does, at a few times the query time.
 *
 * Adds go to a delta segment (slots past the tables) that searches scan linearly; removes leave tombstones. Both are
 * folded in by a rebuild once the delta or the tombstones grow, so bulk loads should use `build`.
 * Ids are unsigned 32-bit integers (database row ids); adding an existing id replaces its hash. While ids equal their
 * slots (dense 0..n-1 in insertion order, the common bulk load) no id array or id map is kept at all.
 */
import { ballSize, popcount32, WORDS, writeWords } from './bits.js';
import { IdMap } from './id-map.js';
import { Candidates, type IndexProfile, layout, type Substring, substringKey, Table, tableShape } from './tables.js';

export { hammingBytes, popcount32 } from './bits.js';
export type { IndexProfile } from './tables.js';

export interface PdqMatch {
  id: number;
  distance: number;
}

export interface PdqIndexOptions {
  /**
   * 'fast' (default): m = 11 tables that keep every key bit they can beside the slot; ~71 B/hash at 10M.
   * 'compact': m = 8 tables that keep only the key bits fitting a budget, so all tables together take at most the raw
   * hashes' own 32 B/hash (2x raw in total, ~63 B/hash at 10M) at ~2.5-3x the query time. See docs/benchmarks.md.
   */
  profile?: IndexProfile;
  /** m, the number of substrings (8..32); overrides the profile's. */
  substrings?: number;
}

const DEFAULT_SUBSTRINGS: Record<IndexProfile, number> = { fast: 11, compact: 8 };
/** A scan touches each hash sequentially; a probe costs a few random reads. Scan when probing would cost more. */
const SCAN_FACTOR = 4;
/** Packed entries scanned per random read's worth of time (they are read sequentially within a bucket). */
const ENTRIES_PER_READ = 16;

export class PdqIndex {
  private readonly subs: Substring[];
  private readonly profile: IndexProfile;
  private words = new Uint32Array(0);
  /** Slot capacity of words/alive/ids. */
  private cap = 0;
  /** Id per slot; null while every id equals its slot (then the id map is unused). */
  private ids: Uint32Array | null = null;
  /** Live flag per slot, one bit each. */
  private alive = new Uint32Array(0);
  private readonly idMap = new IdMap();
  private tables: Table[] = [];
  /** Slots in use (live + tombstoned). */
  private n = 0;
  private live = 0;
  private dead = 0;
  /** Slots 0..main-1 are in the tables; main..n-1 are the delta segment. */
  private main = 0;
  // Per-search scratch, reused so the hot path allocates only for real matches.
  private readonly q = new Uint32Array(WORDS);
  private thresholds: Int32Array = new Int32Array(0);
  private readonly plans = new Map<number, { thresholds: Int32Array; cost: number }>();
  private radius = 0;
  private hitSlots = new Uint32Array(64);
  private hitDist = new Uint16Array(64);
  private hits = 0;
  private readonly cands = new Candidates();

  constructor(opts: PdqIndexOptions = {}) {
    const profile = opts.profile ?? 'fast';
    if (profile !== 'fast' && profile !== 'compact') throw new RangeError(`profile must be 'fast' or 'compact', got ${String(profile)}`);
    this.profile = profile;
    this.subs = layout(opts.substrings ?? DEFAULT_SUBSTRINGS[profile]);
  }

  /** Bulk load: copies every entry (the hash objects may be reused by the iterator), then builds the tables once. */
  static build(entries: Iterable<{ id: number; hash: Uint8Array | string }>, opts: PdqIndexOptions = {}): PdqIndex {
    const index = new PdqIndex(opts);
    if (Array.isArray(entries)) index.reserve(entries.length);
    for (const { id, hash } of entries) index.append(id, hash);
    if (index.cap > index.n) index.resize(index.n);
    index.rebuild();
    return index;
  }

  get size(): number {
    return this.live;
  }

  has(id: number): boolean {
    return this.slotOf(id) >= 0;
  }

  add(id: number, hash: Uint8Array | string): void {
    this.append(id, hash);
    if (this.n - this.main > Math.min(32_768, Math.max(2_048, this.main >> 5))) this.rebuild();
  }

  remove(id: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    if (this.ids) this.idMap.delete(id, this.ids);
    this.alive[slot >>> 5]! &= ~(1 << (slot & 31));
    this.live--;
    this.dead++;
    if (this.dead > Math.max(4_096, this.live >> 2)) this.rebuild();
    return true;
  }

  /** Every stored hash within `radius` (inclusive) of `hash`, nearest first (ties by id). */
  search(hash: Uint8Array | string, radius: number): PdqMatch[] {
    this.collect(hash, radius);
    const out: PdqMatch[] = [];
    if (this.hits === 0) return out;
    // A hash can be found through several substrings: keep one hit per slot.
    const order = Array.from(this.hitSlots.subarray(0, this.hits).keys()).sort((a, b) => this.hitSlots[a]! - this.hitSlots[b]!);
    let last = -1;
    for (const h of order) {
      const slot = this.hitSlots[h]!;
      if (slot === last) continue;
      last = slot;
      out.push({ id: this.ids ? this.ids[slot]! : slot, distance: this.hitDist[h]! });
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Searches each query (e.g. the 8 dihedral variants of one image's hash); per id, the query with the smallest distance. */
  searchAny(queries: readonly (Uint8Array | string)[], radius: number): (PdqMatch & { query: number })[] {
    const best = new Map<number, PdqMatch & { query: number }>();
    queries.forEach((hash, query) => {
      for (const m of this.search(hash, radius)) {
        const seen = best.get(m.id);
        if (!seen || m.distance < seen.distance) best.set(m.id, { ...m, query });
      }
    });
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Bytes held by the typed arrays (hashes, ids, flags, id map, tables), including spare capacity. */
  memoryBytes(): number {
    let total = this.words.byteLength + this.alive.byteLength + (this.ids ? this.ids.byteLength + this.idMap.bytes() : 0);
    for (const t of this.tables) total += t.bytes();
    return total;
  }

  private collect(hash: Uint8Array | string, radius: number): void {
    if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer, got ${radius}`);
    writeWords(hash, this.q, 0);
    this.radius = radius;
    this.hits = 0;
    if (this.planProbes(radius) > this.main / SCAN_FACTOR) {
      this.scan(0, this.n);
      return;
    }
    // Gather candidate slots first, then verify them: the hash reads are independent cache misses that the CPU can
    // overlap, instead of each waiting behind the probe bookkeeping.
    const cands = this.cands;
    cands.count = 0;
    for (let i = 0; i < this.tables.length; i++) {
      const t = this.thresholds[i]!;
      if (t < 0) continue;
      const table = this.tables[i]!;
      table.probe(substringKey(this.q, 0, table.start, table.bits), t, cands);
    }
    this.verifyCandidates();
    this.scan(this.main, this.n);
  }

  /**
   * Per-table thresholds with sum(t_i + 1) = radius + 1, chosen greedily: each unit goes to the table whose next
   * threshold adds the least estimated work (cached per radius until the next rebuild). Returns that work.
   */
  private planProbes(radius: number): number {
    let plan = this.plans.get(radius);
    if (!plan) {
      const m = this.subs.length;
      const thresholds = new Int32Array(m).fill(-1);
      const costs = new Float64Array(m);
      let total = 0;
      for (let unit = 0; unit <= radius && Number.isFinite(total); unit++) {
        let best = -1;
        let bestStep = Number.POSITIVE_INFINITY;
        for (let i = 0; i < m; i++) {
          const step = this.probeCost(i, thresholds[i]! + 1) - costs[i]!;
          if (step < bestStep) {
            best = i;
            bestStep = step;
          }
        }
        if (best < 0) total = Number.POSITIVE_INFINITY;
        else {
          thresholds[best]!++;
          costs[best]! += bestStep;
          total += bestStep;
        }
      }
      plan = { thresholds, cost: total };
      this.plans.set(radius, plan);
    }
    this.thresholds = plan.thresholds;
    return plan.cost;
  }

  /** Estimated work of probing table i at threshold t, in random memory reads: buckets, entries and verifies. */
  private probeCost(i: number, t: number): number {
    const sub = this.subs[i]!;
    if (t >= sub.bits) return Number.POSITIVE_INFINITY;
    const table = this.tables[i];
    const dirBits = table?.dirBits ?? sub.bits;
    const filterBits = dirBits + (table?.keepBits ?? 0);
    const buckets = ballSize(dirBits, t);
    return buckets + (buckets * this.main) / 2 ** dirBits / ENTRIES_PER_READ + (ballSize(filterBits, t) * this.main) / 2 ** filterBits;
  }

  /**
   * Two passes: a branch-free one that only loads each candidate's first word (so their cache misses are all in
   * flight at once rather than one per mispredicted early exit), then the full verify on data already in cache.
   */
  private verifyCandidates(): void {
    const cands = this.cands;
    const { slots, count } = cands;
    const w = this.words;
    let touch = 0;
    for (let c = 0; c < count; c++) touch ^= w[slots[c]! * WORDS]!;
    cands.touched ^= touch;
    for (let c = 0; c < count; c++) this.verify(slots[c]!);
  }

  private scan(from: number, to: number): void {
    for (let s = from; s < to; s++) this.verify(s);
  }

  /** Full distance with early exits: a random candidate is usually rejected after two words. */
  private verify(slot: number): void {
    const w = this.words;
    const q = this.q;
    const r = this.radius;
    const o = slot * WORDS;
    let d = popcount32(w[o]! ^ q[0]!) + popcount32(w[o + 1]! ^ q[1]!);
    if (d > r) return;
    d += popcount32(w[o + 2]! ^ q[2]!) + popcount32(w[o + 3]! ^ q[3]!);
    if (d > r) return;
    d += popcount32(w[o + 4]! ^ q[4]!) + popcount32(w[o + 5]! ^ q[5]!) + popcount32(w[o + 6]! ^ q[6]!) + popcount32(w[o + 7]! ^ q[7]!);
    if (d > r || ((this.alive[slot >>> 5]! >>> (slot & 31)) & 1) === 0) return;
    if (this.hits === this.hitSlots.length) {
      const slots = new Uint32Array(this.hits * 2);
      const dist = new Uint16Array(this.hits * 2);
      slots.set(this.hitSlots);
      dist.set(this.hitDist);
      this.hitSlots = slots;
      this.hitDist = dist;
    }
    this.hitSlots[this.hits] = slot;
    this.hitDist[this.hits++] = d;
  }

  private append(id: number, hash: Uint8Array | string): void {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`id must be an integer in 0..2^32-1, got ${id}`);
    writeWords(hash, this.q, 0); // validates before anything changes
    this.remove(id);
    if (this.n === this.cap) this.resize(Math.max(1_024, Math.ceil(this.n * 1.5)));
    if (!this.ids && id !== this.n) this.materializeIds();
    this.words.set(this.q, this.n * WORDS);
    if (this.ids) {
      this.ids[this.n] = id;
      this.idMap.insert(id, this.n, this.ids);
    }
    this.alive[this.n >>> 5]! |= 1 << (this.n & 31);
    this.n++;
    this.live++;
  }

  private reserve(capacity: number): void {
    if (capacity > this.cap) this.resize(capacity);
  }

  private resize(capacity: number): void {
    const words = new Uint32Array(capacity * WORDS);
    const alive = new Uint32Array(Math.ceil(capacity / 32));
    words.set(this.words.subarray(0, this.n * WORDS));
    alive.set(this.alive.subarray(0, Math.ceil(this.n / 32)));
    this.words = words;
    this.alive = alive;
    if (this.ids) {
      const ids = new Uint32Array(capacity);
      ids.set(this.ids.subarray(0, this.n));
      this.ids = ids;
    }
    this.cap = capacity;
  }

  private slotOf(id: number): number {
    if (this.ids) return this.idMap.get(id, this.ids);
    return id < this.n && ((this.alive[id >>> 5]! >>> (id & 31)) & 1) === 1 ? id : -1;
  }

  /** Leaves identity mode: an id that is not the next slot, or a compaction that moves slots. */
  private materializeIds(): void {
    const ids = new Uint32Array(this.cap);
    for (let s = 0; s < this.n; s++) ids[s] = s;
    this.ids = ids;
    for (let s = 0; s < this.n; s++) if ((this.alive[s >>> 5]! >>> (s & 31)) & 1) this.idMap.insert(s, s, ids);
  }

  /** Drops tombstones, then rebuilds every table over all slots (the delta becomes empty). */
  private rebuild(): void {
    this.tables = []; // let the old tables be collected before the new ones are allocated
    if (this.dead > 0) {
      if (!this.ids) this.materializeIds();
      const ids = this.ids!;
      const alive = this.alive;
      let to = 0;
      for (let s = 0; s < this.n; s++) {
        if (((alive[s >>> 5]! >>> (s & 31)) & 1) === 0) continue;
        if (to !== s) {
          this.words.copyWithin(to * WORDS, s * WORDS, (s + 1) * WORDS);
          ids[to] = ids[s]!;
        }
        to++;
      }
      alive.fill(0);
      alive.fill(0xffffffff, 0, to >>> 5);
      if (to & 31) alive[to >>> 5] = (1 << (to & 31)) - 1;
      this.n = to;
      this.dead = 0;
      this.idMap.reset(ids, this.n);
    }
    const scratch = { starts: new Uint32Array(0), keys: new Uint32Array(this.n), sorted: new Uint32Array(this.n) };
    for (const sub of this.subs) {
      this.tables.push(Table.build(this.words, this.n, sub, tableShape(this.n, sub.bits, this.subs.length, this.profile), scratch));
    }
    this.main = this.n;
    this.plans.clear();
  }
}
