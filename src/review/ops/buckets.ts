/** Time arithmetic for the operations dashboard: windows, calendar buckets (UTC) and percentiles. Pure. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** A half-open interval of epoch milliseconds: `from` is inside, `to` is not. */
export interface OpsWindow {
  from: number;
  to: number;
}

export function inWindow(at: number, w: OpsWindow): boolean {
  return at >= w.from && at < w.to;
}

/** Weekly buckets are added to the trend when the window is longer than this. */
export const WEEKLY_TREND_AFTER_MS = 14 * DAY_MS;

/**
 * Calendar days (UTC midnight to midnight) or ISO weeks (Monday 00:00 UTC) covering the window, the first and last
 * clipped to it, so every bucket's figures use exactly the data the window holds.
 */
export function calendarBuckets(w: OpsWindow, unit: 'day' | 'week'): OpsWindow[] {
  if (w.to <= w.from) return [];
  const out: OpsWindow[] = [];
  let start = unit === 'day' ? startOfUtcDay(w.from) : startOfUtcWeek(w.from);
  const step = unit === 'day' ? DAY_MS : WEEK_MS;
  for (; start < w.to; start += step) out.push({ from: Math.max(start, w.from), to: Math.min(start + step, w.to) });
  return out;
}

export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** Monday 00:00 UTC of the week holding `at` (1970-01-01 was a Thursday). */
export function startOfUtcWeek(at: number): number {
  const day = startOfUtcDay(at);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return day - weekday * DAY_MS;
}

/**
 * Nearest-rank percentile: the smallest value with at least p of the values at or below it (p50 of 1,2,3,4 is 2).
 * Null without values: no figure is better than an invented one.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
