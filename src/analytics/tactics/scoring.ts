/**
 * Growth scoring shared by rising tactics and emerging terms. Pure.
 *
 * A feature (a term, a tactic) was seen in `recent` of `recentTotal` units (items) in the recent window and in
 * `baseline` of `baselineTotal` in the baseline window. Its growth is the log of the ratio of its two rates, each
 * smoothed by half an observation so a feature never seen in the baseline gets a finite score; its significance is
 * a one-sided binomial test: of its `recent + baseline` occurrences, how likely are `recent` or more to fall in the
 * recent window if they fell in proportion to the windows' sizes.
 */

export interface GrowthCounts {
  recent: number;
  recentTotal: number;
  baseline: number;
  baselineTotal: number;
}

export interface Growth {
  /** ln(smoothed recent rate / smoothed baseline rate); ln 2 means the rate doubled. */
  logRatio: number;
  /** One-sided binomial p-value of seeing this many or more in the recent window. */
  pValue: number;
}

export interface GrowthThresholds {
  /** Occurrences needed in the recent window before a feature can be called emerging or rising. */
  minRecent: number;
  /** Smallest log-ratio that counts (default ln 2: the rate at least doubled). */
  minLogRatio: number;
  /** Largest p-value that counts. */
  maxPValue: number;
}

export const DEFAULT_GROWTH_THRESHOLDS: GrowthThresholds = { minRecent: 3, minLogRatio: Math.LN2, maxPValue: 0.05 };

export function growth(c: GrowthCounts): Growth {
  const recentRate = (c.recent + 0.5) / (c.recentTotal + 1);
  const baselineRate = (c.baseline + 0.5) / (c.baselineTotal + 1);
  const n = c.recent + c.baseline;
  const share = c.recentTotal + c.baselineTotal === 0 ? 0.5 : c.recentTotal / (c.recentTotal + c.baselineTotal);
  return { logRatio: round(Math.log(recentRate / baselineRate)), pValue: round(binomialUpperTail(c.recent, n, share), 6) };
}

export function isGrowing(c: GrowthCounts, g: Growth, t: GrowthThresholds = DEFAULT_GROWTH_THRESHOLDS): boolean {
  return c.recent >= t.minRecent && g.logRatio >= t.minLogRatio && g.pValue <= t.maxPValue;
}

/** P(X >= k) for X ~ Binomial(n, p), summed in log space so large n does not underflow term by term. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let i = k; i <= n; i++) sum += Math.exp(logChoose(n, i) + i * lp + (n - i) * lq);
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS.push((LOG_FACTORIALS[i - 1] as number) + Math.log(i));
  return LOG_FACTORIALS[n] as number;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
