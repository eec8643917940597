/**
 * Small seeded PRNG for the demo world. Math.random is never used so that the same seed always yields the same
 * world, byte for byte, on every machine and Node version.
 */

/** Mixes a seed and a stream number into a well-spread 32-bit state (murmur3 finaliser). */
export function mixSeed(seed: number, stream = 0): number {
  let h = (Math.trunc(seed) ^ Math.imul(Math.trunc(stream) + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: 32 bits of state, good enough for synthetic data and very cheap. */
export class Rng {
  private state: number;

  constructor(seed: number, stream = 0) {
    this.state = mixSeed(seed, stream);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max < min`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick() from an empty array');
    return arr[Math.floor(this.next() * arr.length)] as T;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Fisher-Yates shuffle of a copy; the input is left alone. */
  shuffle<T>(arr: readonly T[]): T[] {
    const out = arr.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** k distinct elements (or all of them if k >= length). */
  sample<T>(arr: readonly T[], k: number): T[] {
    return this.shuffle(arr).slice(0, Math.max(0, k));
  }

  /** An independent generator, so that adding draws in one part of the world does not shift another part. */
  fork(stream: number): Rng {
    return new Rng(Math.floor(this.next() * 4294967296), stream);
  }
}

/** Convenience constructor. */
export function createRng(seed: number, stream = 0): Rng {
  return new Rng(seed, stream);
}
