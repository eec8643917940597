import { DAY_MS, HOUR_MS, type OpsWindow } from './buckets.js';

/** The longest window the dashboard computes in one go: the rows are loaded into memory. */
export const MAX_WINDOW_DAYS = 90;

export class OpsWindowError extends Error {}

/** `24h`, `7d`, `30d`: a whole number of hours or days, at most MAX_WINDOW_DAYS. */
export function parseSince(since: string): number {
  const m = /^(\d{1,4})([hd])$/.exec(since.trim());
  if (!m) throw new OpsWindowError(`since must be a number of hours or days such as 24h, 7d or 30d, not "${since}"`);
  const ms = Number(m[1]) * (m[2] === 'h' ? HOUR_MS : DAY_MS);
  if (ms <= 0) throw new OpsWindowError(`since must be longer than zero, not "${since}"`);
  if (ms > MAX_WINDOW_DAYS * DAY_MS) throw new OpsWindowError(`since may be at most ${MAX_WINDOW_DAYS}d, not "${since}"`);
  return ms;
}

/** `until` is an ISO 8601 time (default: now); the window is [until - since, until). */
export function opsWindow(opts: { since: string; until?: string | undefined; now: number }): OpsWindow {
  const length = parseSince(opts.since);
  let to = opts.now;
  if (opts.until !== undefined) {
    to = Date.parse(opts.until);
    if (!/^\d{4}-\d{2}-\d{2}/.test(opts.until) || Number.isNaN(to)) {
      throw new OpsWindowError(`until must be an ISO 8601 time such as 2025-01-31T00:00:00Z, not "${opts.until}"`);
    }
  }
  return { from: to - length, to };
}
