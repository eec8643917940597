/** Bit helpers shared by the PDQ index: popcount, hash parsing into 32-bit words, byte-wise Hamming distance. */

/** Words per 256-bit PDQ hash. */
export const WORDS = 8;

/** SWAR popcount: no table lookups and no allocation, so it stays in registers in the hot verify loop. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two equal-length byte arrays (e.g. two 32-byte PDQ hashes). */
export function hammingBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`hammingBytes: lengths differ (${a.length} vs ${b.length})`);
  let d = 0;
  let i = 0;
  // Four bytes at a time through the 32-bit popcount; the tail byte by byte.
  for (; i + 4 <= a.length; i += 4) {
    d += popcount32(((a[i]! ^ b[i]!) << 24) | ((a[i + 1]! ^ b[i + 1]!) << 16) | ((a[i + 2]! ^ b[i + 2]!) << 8) | (a[i + 3]! ^ b[i + 3]!));
  }
  for (; i < a.length; i++) d += popcount32(a[i]! ^ b[i]!);
  return d;
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) {
  NIBBLE[65 + c] = 10 + c;
  NIBBLE[97 + c] = 10 + c;
}

function invalid(hash: unknown): never {
  const what =
    typeof hash === 'string'
      ? `a ${hash.length}-character string${hash.length <= 80 ? ` (${JSON.stringify(hash)})` : ''}`
      : hash instanceof Uint8Array
        ? `${hash.length} bytes`
        : typeof hash;
  throw new TypeError(`PDQ hash must be 32 bytes or 64 hex characters, got ${what}`);
}

/**
 * Writes a hash as 8 big-endian words into `out` at `at`. Hex and bytes give the same words
 * ("ab..." == [0xab, ...]), so a hash stored as hex and one stored as bytes match each other.
 */
export function writeWords(hash: Uint8Array | string, out: Uint32Array, at: number): void {
  if (typeof hash === 'string') {
    if (hash.length !== 64) invalid(hash);
    for (let w = 0; w < WORDS; w++) {
      let v = 0;
      for (let c = 0; c < 8; c++) {
        const code = hash.charCodeAt(w * 8 + c);
        const n = code < 128 ? NIBBLE[code]! : -1;
        if (n < 0) invalid(hash);
        v = (v << 4) | n;
      }
      out[at + w] = v;
    }
    return;
  }
  if (!(hash instanceof Uint8Array) || hash.length !== 32) invalid(hash);
  for (let w = 0; w < WORDS; w++) {
    const i = w * 4;
    out[at + w] = (hash[i]! << 24) | (hash[i + 1]! << 16) | (hash[i + 2]! << 8) | hash[i + 3]!;
  }
}

/** Number of keys within Hamming distance `t` of a `bits`-wide key: sum of C(bits, k) for k <= t. */
export function ballSize(bits: number, t: number): number {
  let total = 0;
  let c = 1;
  for (let k = 0; k <= t && k <= bits; k++) {
    total += c;
    c = (c * (bits - k)) / (k + 1);
  }
  return total;
}

export interface Ball {
  /** XOR masks of every key within the radius of 0, in depth-first order (nearby buckets together). */
  masks: Uint32Array;
  /** popcount of each mask. */
  flips: Uint8Array;
}
const balls = new Map<number, Ball>();

/** Every `bits`-wide mask with at most `t` bits set, cached: a query probes with flat loops instead of recursion. */
export function ballMasks(bits: number, t: number): Ball {
  const cacheKey = bits * 64 + t;
  let ball = balls.get(cacheKey);
  if (ball) return ball;
  const size = ballSize(bits, t);
  ball = { masks: new Uint32Array(size), flips: new Uint8Array(size) };
  let k = 0;
  const walk = (mask: number, from: number, depth: number): void => {
    ball!.masks[k] = mask >>> 0;
    ball!.flips[k++] = depth;
    if (depth < t) for (let b = from; b < bits; b++) walk(mask | (1 << b), b + 1, depth + 1);
  };
  walk(0, 0, 0);
  balls.set(cacheKey, ball);
  return ball;
}
