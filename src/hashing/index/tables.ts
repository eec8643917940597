/**
 * One multi-index-hashing table: every stored hash's substring (a `bits`-wide slice of the 256 bits) sorted into
 * CSR form. The top `dirBits` of the key index `dir` directly (O(1), no hashing); the remaining `resBits` are kept per
 * entry in `res` so a probe can skip entries whose full key differs without touching their 32-byte hash.
 */
import { WORDS } from './bits.js';

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

/** Directory width: about n/4 buckets (a few entries each), but never leaving more than 16 residual bits. */
export function directoryBits(n: number, bits: number): number {
  const log = Math.floor(Math.log2(Math.max(n, 1)));
  return Math.min(bits, Math.max(8, bits - 16, log - 2));
}

export class Table {
  readonly start: number;
  readonly bits: number;
  readonly resBits: number;
  readonly resMask: number;
  /** dir[b]..dir[b+1] is the entry range whose key has top bits b. */
  readonly dir: Uint32Array;
  /** Slot (position in the hash array) of each entry. */
  readonly pos: Uint32Array;
  /** Low `resBits` of each entry's key; null when the directory covers the whole key. */
  readonly res: Uint16Array | null;

  private constructor(sub: Substring, dirBits: number, n: number) {
    this.start = sub.start;
    this.bits = sub.bits;
    this.resBits = sub.bits - dirBits;
    this.resMask = (1 << this.resBits) - 1;
    this.dir = new Uint32Array(2 ** dirBits + 1);
    this.pos = new Uint32Array(n);
    this.res = this.resBits > 0 ? new Uint16Array(n) : null;
  }

  /** Counting sort of slots 0..n-1 by the directory bits of their key: two linear passes, no comparisons. */
  static build(words: Uint32Array, n: number, sub: Substring, dirBits: number, cursor: Uint32Array): Table {
    const t = new Table(sub, dirBits, n);
    const { dir, pos, res, resBits, resMask, start, bits } = t;
    for (let s = 0; s < n; s++) dir[(substringKey(words, s * WORDS, start, bits) >>> resBits) + 1]!++;
    for (let b = 1; b < dir.length; b++) dir[b]! += dir[b - 1]!;
    cursor.set(dir.subarray(0, dir.length - 1));
    for (let s = 0; s < n; s++) {
      const key = substringKey(words, s * WORDS, start, bits);
      const e = cursor[key >>> resBits]!++;
      pos[e] = s;
      if (res) res[e] = key & resMask;
    }
    return t;
  }

  bytes(): number {
    return this.dir.byteLength + this.pos.byteLength + (this.res?.byteLength ?? 0);
  }
}
