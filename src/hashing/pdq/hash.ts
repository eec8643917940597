// From the 64x64 downsample and its 16x16 DCT block to the quality score and the 256 hash bits.
import { wordsToHex } from './hex.js';

const f = Math.fround;

/**
 * Counts significant gradients between neighbours of the 64x64 block (each difference scaled to 0..100 in float32
 * and truncated), divided by 90 and capped at 100: flat or featureless images score low.
 */
export function qualityMetric(a: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) sum += Math.abs(Math.trunc(f(f(f(a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255)));
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) sum += Math.abs(Math.trunc(f(f(f(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255)));
  }
  return Math.min(100, Math.trunc(sum / 90));
}

/**
 * Torben's selection median (no sorting, no copy) in float32, the same value the reference thresholds against:
 * for an even count it is the upper-lower middle element, never an average.
 */
export function torbenMedian(m: Float32Array): number {
  const n = m.length;
  const target = (n + 1) >> 1;
  let min = m[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = m[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (;;) {
    const guess = f(f(min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxLt = min;
    let minGt = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxLt) maxLt = v;
      } else if (v > guess) {
        greater++;
        if (v < minGt) minGt = v;
      } else equal++;
    }
    if (less <= target && greater <= target) {
      if (less >= target) return maxLt;
      if (less + equal >= target) return guess;
      return minGt;
    }
    if (less > greater) max = maxLt;
    else min = minGt;
  }
}

/** One bit per coefficient: strictly above the median. */
export function bitsToHex(block: Float32Array): string {
  const median = torbenMedian(block);
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) if (block[k]! > median) words[k >> 4]! |= 1 << (k & 15);
  return wordsToHex(words);
}
