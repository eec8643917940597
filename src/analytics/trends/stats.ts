/** Small robust statistics for trends: median, MAD, robust z-score and the Wilson score interval. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** 1.4826 * MAD estimates the standard deviation of normally distributed data. */
export const MAD_TO_SD = 1.4826;

export interface RobustZ {
  median: number;
  mad: number;
  /** The spread actually divided by: the scaled MAD, floored (see robustZ). */
  scale: number;
  z: number;
}

/**
 * How many robust standard deviations `value` sits above the baseline's median. Counts are small and often flat
 * (MAD 0), so the scale is floored at sqrt(max(median, 1)) — the Poisson spread of the median count — which keeps a
 * jump from 0 to 1 from scoring as infinite.
 */
export function robustZ(value: number, baseline: readonly number[]): RobustZ {
  if (baseline.length === 0) throw new RangeError('robustZ needs a non-empty baseline');
  const m = median(baseline);
  const d = mad(baseline);
  const scale = Math.max(MAD_TO_SD * d, Math.sqrt(Math.max(m, 1)));
  return { median: m, mad: d, scale, z: (value - m) / scale };
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** The Wilson score interval for a proportion (z = 1.96 for 95%); with n = 0 the interval is the whole of [0, 1]. */
export function wilson(successes: number, n: number, z = 1.959963984540054): Interval {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`wilson needs 0 <= successes <= n, got ${successes}/${n}`);
  }
  if (n === 0) return { estimate: 0, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
