/**
 * One multi-index-hashing table: every stored hash's substring (a `bits`-wide slice of the 256 bits) sorted into
 * CSR form. The top `dirBits` of the key pick a bucket through a compact directory; each entry is packed at the exact
 * bit width it needs: the slot (posBits) plus the low `keepBits` of the key below the directory bits, so a probe can
 * drop most entries whose key differs without touching their 32-byte hash (verify stays exact either way).
 */
import { ballMasks, ballSize, popcount32, WORDS } from './bits.js';

export interface Substring {
  /** First bit (0..255, bit k is bit k%32 of word k/32, least significant first). */
  start: number;
  bits: number;
}

/** The radius the substring widths are tuned for: PDQ's usual match threshold. Any radius stays exact. */
export const DESIGN_RADIUS = 31;

/**
 * Splits 256 bits into `m` contiguous substrings tuned for DESIGN_RADIUS: the pigeonhole budget r + 1 is spread as
 * evenly as possible (t_i + 1 each), then bits go one at a time to the substring where one more bit removes the most
 * expected candidates (ball(bits, t) / 2^bits), so a substring probed with a larger t gets more bits. Widest first.
 */
export function layout(m: number): Substring[] {
  if (!Number.isInteger(m) || m < 8 || m > 32) throw new RangeError(`substrings must be an integer in 8..32, got ${m}`);
  const units = DESIGN_RADIUS + 1;
  const t = Array.from({ length: m }, (_, i) => Math.floor(units / m) - 1 + (i < units % m ? 1 : 0));
  // Below t + 1 bits every key is within t (no filtering at all), so start each substring just above that.
  const widths = t.map((ti) => ti + 2);
  const load = (i: number, bits: number) => ballSize(bits, t[i]!) / 2 ** bits;
  const gain = (i: number) => load(i, widths[i]!) - load(i, widths[i]! + 1);
  for (let left = 256 - widths.reduce((a, b) => a + b, 0); left > 0; left--) {
    let best = widths.findIndex((w) => w < 32);
    for (let i = best + 1; i < m; i++) {
      if (widths[i]! < 32 && (gain(i) > gain(best) || (gain(i) === gain(best) && widths[i]! < widths[best]!))) best = i;
    }
    widths[best]!++;
  }
  widths.sort((a, b) => b - a);
  const subs: Substring[] = [];
  let start = 0;
  for (const bits of widths) {
    subs.push({ start, bits });
    start += bits;
  }
  return subs;
}

/** The substring of the hash at `words[at..at+8)`; at most 32 bits, so it may straddle two words. */
export function substringKey(words: Uint32Array, at: number, start: number, bits: number): number {
  const w = at + (start >>> 5);
  const lo = start & 31;
  let v = words[w]! >>> lo;
  if (lo + bits > 32) v |= words[w + 1]! << (32 - lo);
  return bits === 32 ? v >>> 0 : v & ((1 << bits) - 1);
}

/** Bits needed for slots 0..n-1 (n < 2^31). */
export function positionBits(n: number): number {
  return n <= 2 ? 1 : 32 - Math.clz32(n - 1);
}

/** How a table is cut: directory width and how many key bits below it each entry keeps. */
export interface TableShape {
  dirBits: number;
  keepBits: number;
}

export type IndexProfile = 'fast' | 'compact';

/** Directory bits per bucket: one offset byte, plus a 32-bit base per block of 16 buckets. */
const DIR_BITS_PER_BUCKET = 8 + 32 / 16;

/** Directory width: about n/4 buckets (a few entries each), the fastest at 1M-10M (bench `hashing-index`). */
export function directoryBits(n: number, bits: number): number {
  const log = Math.floor(Math.log2(Math.max(n, 1)));
  return Math.min(bits, Math.max(8, log - 2));
}

/**
 * 'fast' keeps every key bit below the directory that fits beside the slot (the probes then drop nearly every
 * non-matching entry). 'compact' keeps only what fits this table's share of 255 bits per hash (256 bits of raw hash
 * minus the live flag), so the tables together never outgrow the raw hashes; fewer kept bits mean more verifies.
 */
export function tableShape(n: number, bits: number, tables: number, profile: IndexProfile): TableShape {
  const dirBits = directoryBits(n, bits);
  if (profile === 'fast') return { dirBits, keepBits: 32 };
  const share = (8 * 32 - 1) / tables - (DIR_BITS_PER_BUCKET * 2 ** dirBits) / Math.max(n, 1);
  return { dirBits, keepBits: Math.max(0, Math.floor(share) - positionBits(n)) };
}

/** Growable list of candidate slots gathered by the probes of one query. */
export class Candidates {
  slots = new Uint32Array(4_096);
  count = 0;
  /** Sink for the prefetch passes' loads, so the JIT cannot drop them as unused. */
  touched = 0;

  reserve(extra: number): void {
    if (this.count + extra <= this.slots.length) return;
    const next = new Uint32Array(Math.max(this.count + extra, this.slots.length * 2));
    next.set(this.slots.subarray(0, this.count));
    this.slots = next;
  }
}

/** Reusable arrays for building the tables of one index. */
export interface BuildScratch {
  starts: Uint32Array;
  keys: Uint32Array;
  sorted: Uint32Array;
}

/** Bucket bounds scratch shared by all probes (single-threaded). */
let bounds = new Uint32Array(0);

/** Buckets per directory block: one 32-bit base per block, one byte per bucket for its offset inside the block. */
const MAX_BLOCK_SHIFT = 4;

export class Table {
  readonly start: number;
  readonly bits: number;
  readonly dirBits: number;
  /** Key bits below the directory bits. */
  readonly resBits: number;
  /** Of those, the low ones kept in each entry. */
  readonly keepBits: number;
  readonly keepMask: number;
  readonly posBits: number;
  readonly posMask: number;
  /** Bits per entry: (kept key bits << posBits) | slot. */
  readonly width: number;
  /** Bucket b's entries are [base[b >> blockShift] + off[b], same for b + 1). */
  blockShift = MAX_BLOCK_SHIFT;
  base: Uint32Array = new Uint32Array(0);
  off: Uint8Array = new Uint8Array(0);
  /** Entries packed back to back at `width` bits, least significant first, plus one word of padding. */
  readonly entries: Uint32Array;

  private constructor(sub: Substring, shape: TableShape, n: number) {
    this.start = sub.start;
    this.bits = sub.bits;
    this.dirBits = shape.dirBits;
    this.resBits = sub.bits - shape.dirBits;
    this.posBits = positionBits(n);
    this.posMask = 2 ** this.posBits - 1;
    this.keepBits = Math.min(this.resBits, shape.keepBits, 32 - this.posBits);
    this.keepMask = 2 ** this.keepBits - 1;
    this.width = this.posBits + this.keepBits;
    this.entries = new Uint32Array(Math.ceil((n * this.width) / 32) + 1);
  }

  /**
   * Counting sort of slots 0..n-1 by the directory bits of their key: two linear passes, no comparisons, then one
   * sequential pass packing the entries. `starts` (length >= 2^dirBits + 1), `keys` and `sorted` (length >= n) are
   * scratch; the second pass reads each key from `keys` (4 bytes) instead of the 32-byte hash again.
   */
  static build(words: Uint32Array, n: number, sub: Substring, shape: TableShape, scratch: BuildScratch): Table {
    const t = new Table(sub, shape, n);
    const { entries, resBits, keepMask, posBits, width, start, bits } = t;
    const { keys, sorted } = scratch;
    const buckets = 2 ** t.dirBits;
    if (scratch.starts.length < buckets + 1) scratch.starts = new Uint32Array(buckets + 1);
    const starts = scratch.starts;
    starts.fill(0, 0, buckets + 1);
    for (let s = 0; s < n; s++) {
      const key = substringKey(words, s * WORDS, start, bits);
      keys[s] = key;
      starts[(key >>> resBits) + 1]!++;
    }
    for (let b = 1; b <= buckets; b++) starts[b]! += starts[b - 1]!;
    t.setDirectory(starts, buckets, n);
    // starts[b] now serves as bucket b's write cursor.
    for (let s = 0; s < n; s++) {
      const key = keys[s]!;
      sorted[starts[key >>> resBits]!++] = (((key & keepMask) << posBits) | s) >>> 0;
    }
    let w = 0;
    let o = 0;
    for (let e = 0; e < n; e++) {
      const v = sorted[e]!;
      entries[w]! |= v << o;
      if (o + width > 32) entries[w + 1] = v >>> (32 - o);
      o += width;
      if (o >= 32) {
        o -= 32;
        w++;
      }
    }
    return t;
  }

  /** Picks the widest block whose in-block offsets all fit a byte (skewed data can force narrower blocks). */
  private setDirectory(starts: Uint32Array, buckets: number, n: number): void {
    let shift = Math.min(MAX_BLOCK_SHIFT, this.dirBits);
    for (; shift > 0; shift--) {
      const size = 2 ** shift;
      let fits = true;
      for (let b = 0; b < buckets && fits; b += size) fits = starts[b + size - 1]! - starts[b]! <= 255;
      if (fits) break;
    }
    this.blockShift = shift;
    const base = new Uint32Array((buckets >>> shift) + 1);
    const off = new Uint8Array(buckets + 1);
    for (let b = 0; b < buckets; b++) {
      const blockStart = starts[b & ~((1 << shift) - 1)]!;
      if ((b & ((1 << shift) - 1)) === 0) base[b >>> shift] = blockStart;
      off[b] = starts[b]! - blockStart;
    }
    base[buckets >>> shift] = n;
    this.base = base;
    this.off = off;
  }

  /**
   * Visits every directory bucket within `t` flipped bits of the query's; in each, keeps entries whose kept key
   * bits differ in at most the flips still unspent. Each bucket is read once, not once per residual variant, and the
   * kept bits only ever under-count the key distance, so nothing within `t` is missed.
   */
  probe(key: number, t: number, cands: Candidates): void {
    const { masks, flips } = ballMasks(this.dirBits, t);
    const { base, off, blockShift, entries, posBits, posMask, width } = this;
    const qd = key >>> this.resBits;
    const rk = key & this.keepMask;
    const fieldMask = width === 32 ? -1 : 2 ** width - 1;
    if (bounds.length < masks.length * 2) bounds = new Uint32Array(masks.length * 2);
    // All bucket bounds first: independent loads the CPU overlaps, instead of each waiting behind a scan loop.
    let total = 0;
    for (let j = 0; j < masks.length; j++) {
      const b = qd ^ masks[j]!;
      const e0 = base[b >>> blockShift]! + off[b]!;
      const e1 = base[(b + 1) >>> blockShift]! + off[b + 1]!;
      bounds[2 * j] = e0;
      bounds[2 * j + 1] = e1;
      total += e1 - e0;
    }
    // Touch each bucket's first entry word, branch-free, so those misses overlap too before the filtering loop.
    let touch = 0;
    for (let j = 0; j < masks.length; j++) touch ^= entries[Math.floor((bounds[2 * j]! * width) / 32)]!;
    cands.touched ^= touch;
    cands.reserve(total);
    const out = cands.slots;
    let c = cands.count;
    for (let j = 0; j < masks.length; j++) {
      const left = t - flips[j]!;
      const e0 = bounds[2 * j]!;
      const e1 = bounds[2 * j + 1]!;
      if (e0 === e1) continue;
      const bit = e0 * width;
      let w = Math.floor(bit / 32);
      let o = bit - w * 32;
      for (let e = e0; e < e1; e++) {
        let v = entries[w]! >>> o;
        if (o + width > 32) v |= entries[w + 1]! << (32 - o);
        v &= fieldMask;
        o += width;
        if (o >= 32) {
          o -= 32;
          w++;
        }
        const diff = (v >>> posBits) ^ rk;
        if (diff === 0 || (left > 0 && popcount32(diff) <= left)) out[c++] = v & posMask;
      }
    }
    cands.count = c;
  }

  bytes(): number {
    return this.base.byteLength + this.off.byteLength + this.entries.byteLength;
  }
}
