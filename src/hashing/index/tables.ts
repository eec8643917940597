/**
 * One multi-index-hashing table: every stored hash's substring (a `bits`-wide slice of the 256 bits) sorted into
 * CSR form. The top `dirBits` of the key index `dir` directly (O(1), no hashing). Each entry is one 32-bit word: the
 * slot in the low `posBits` and, in the spare high bits, as many low residual key bits as fit, so a probe can skip
 * most entries whose full key differs without touching their 32-byte hash (verify stays exact either way).
 */
import { ballMasks, popcount32, WORDS } from './bits.js';

export interface Substring {
  /** First bit (0..255, bit k is bit k%32 of word k/32, least significant first). */
  start: number;
  bits: number;
}

/** Splits 256 bits into `m` contiguous substrings; the 256 % m wider ones come first (they get the larger probe radius). */
export function layout(m: number): Substring[] {
  if (!Number.isInteger(m) || m < 8 || m > 32) throw new RangeError(`substrings must be an integer in 8..32, got ${m}`);
  const base = Math.floor(256 / m);
  const extra = 256 % m;
  const subs: Substring[] = [];
  let start = 0;
  for (let i = 0; i < m; i++) {
    const bits = base + (i < extra ? 1 : 0);
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

/** Directory width: about n/4 buckets (a few entries each). */
export function directoryBits(n: number, bits: number): number {
  const log = Math.floor(Math.log2(Math.max(n, 1)));
  return Math.min(bits, Math.max(8, log - 2));
}

/** Bits needed for slots 0..n-1 (n < 2^31). */
export function positionBits(n: number): number {
  return n <= 2 ? 1 : 32 - Math.clz32(n - 1);
}

/** Growable list of candidate slots gathered by the probes of one query. */
export class Candidates {
  slots = new Uint32Array(4_096);
  count = 0;

  reserve(extra: number): void {
    if (this.count + extra <= this.slots.length) return;
    const next = new Uint32Array(Math.max(this.count + extra, this.slots.length * 2));
    next.set(this.slots.subarray(0, this.count));
    this.slots = next;
  }
}

/** Bucket bounds scratch shared by all probes (single-threaded). */
let bounds = new Uint32Array(0);

export class Table {
  readonly start: number;
  readonly bits: number;
  readonly resBits: number;
  readonly posBits: number;
  readonly posMask: number;
  /** Mask of the low residual key bits kept in each entry (those that fit above the slot). */
  readonly keepMask: number;
  /** dir[b]..dir[b+1] is the entry range whose key has top bits b. */
  readonly dir: Uint32Array;
  /** (kept residual bits << posBits) | slot, per entry. */
  readonly entries: Uint32Array;

  private constructor(sub: Substring, dirBits: number, n: number) {
    this.start = sub.start;
    this.bits = sub.bits;
    this.resBits = sub.bits - dirBits;
    this.posBits = positionBits(n);
    this.posMask = 2 ** this.posBits - 1;
    const keep = Math.min(this.resBits, 32 - this.posBits);
    this.keepMask = 2 ** keep - 1;
    this.dir = new Uint32Array(2 ** dirBits + 1);
    this.entries = new Uint32Array(n);
  }

  /**
   * Counting sort of slots 0..n-1 by the directory bits of their key: two linear passes, no comparisons. The keys go
   * to the `keys` scratch (length >= n) so the second pass reads 4 bytes per slot instead of the 32-byte hash again.
   */
  static build(words: Uint32Array, n: number, sub: Substring, dirBits: number, cursor: Uint32Array, keys: Uint32Array): Table {
    const t = new Table(sub, dirBits, n);
    const { dir, entries, resBits, keepMask, posBits, start, bits } = t;
    for (let s = 0; s < n; s++) {
      const key = substringKey(words, s * WORDS, start, bits);
      keys[s] = key;
      dir[(key >>> resBits) + 1]!++;
    }
    for (let b = 1; b < dir.length; b++) dir[b]! += dir[b - 1]!;
    cursor.set(dir.subarray(0, dir.length - 1));
    for (let s = 0; s < n; s++) {
      const key = keys[s]!;
      const e = cursor[key >>> resBits]!++;
      entries[e] = (((key & keepMask) << posBits) | s) >>> 0;
    }
    return t;
  }

  /**
   * Visits every directory bucket within `t` flipped bits of the query's; in each, keeps entries whose kept residual
   * bits differ in at most the flips still unspent. Each bucket is read once, not once per residual variant, and the
   * kept bits only ever under-count the key distance, so nothing within `t` is missed.
   */
  probe(key: number, t: number, cands: Candidates): void {
    const { masks, flips } = ballMasks(this.bits - this.resBits, t);
    const { dir, entries, posBits, posMask } = this;
    const qd = key >>> this.resBits;
    const rk = key & this.keepMask;
    if (bounds.length < masks.length * 2) bounds = new Uint32Array(masks.length * 2);
    // All bucket bounds first: independent loads the CPU overlaps, instead of each waiting behind a scan loop.
    let total = 0;
    for (let j = 0; j < masks.length; j++) {
      const b = qd ^ masks[j]!;
      const e0 = dir[b]!;
      const e1 = dir[b + 1]!;
      bounds[2 * j] = e0;
      bounds[2 * j + 1] = e1;
      total += e1 - e0;
    }
    cands.reserve(total);
    const out = cands.slots;
    let c = cands.count;
    for (let j = 0; j < masks.length; j++) {
      const left = t - flips[j]!;
      const e1 = bounds[2 * j + 1]!;
      if (left === 0) {
        for (let e = bounds[2 * j]!; e < e1; e++) {
          const v = entries[e]!;
          if (v >>> posBits === rk) out[c++] = v & posMask;
        }
      } else {
        for (let e = bounds[2 * j]!; e < e1; e++) {
          const v = entries[e]!;
          if (popcount32((v >>> posBits) ^ rk) <= left) out[c++] = v & posMask;
        }
      }
    }
    cands.count = c;
  }

  bytes(): number {
    return this.dir.byteLength + this.entries.byteLength;
  }
}
