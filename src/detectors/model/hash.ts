/** Small, fast, non-cryptographic 32-bit hashing over UTF-16 code units, for feature hashing and data splits. */

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One FNV-1a step: folds a code unit into the running hash. */
export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

/** FNV-1a over s[start, end). */
export function fnvRange(s: string, start: number, end: number, basis: number = FNV_OFFSET): number {
  let h = basis >>> 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME) >>> 0;
  return h;
}

export function fnvString(s: string, basis: number = FNV_OFFSET): number {
  return fnvRange(s, 0, s.length, basis);
}

/** MurmurHash3's finaliser: spreads every input bit over the output, so low bits index and the top bit signs. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines two hashes order-sensitively (a then b). */
export function combineHashes(a: number, b: number): number {
  return fmix32((Math.imul(a, 0x9e3779b1) ^ b) >>> 0);
}

/** A seeded PRNG (mulberry32): deterministic shuffles for training. */
export function seededRandom(seed: number): () => number {
  let s = fmix32(seed >>> 0 || 0x6d2b79f5);
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
