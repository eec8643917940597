import { DAY_MS } from './tactics-over-time.js';

/** Windows of the tactics analytics, from `since` / `baseline` lengths such as 24h, 7d, 28d. Pure. */

export const MAX_TACTICS_DAYS = 90;
/** How far before the window the hash-evasion report looks, so a family seen earlier is not called new. */
export const EVASION_LOOKBACK_DAYS = 90;

export class TacticsWindowError extends Error {}

export function parseLength(name: string, value: string): number {
  const m = /^(\d{1,4})([hd])$/.exec(value.trim());
  if (!m) throw new TacticsWindowError(`${name} must be a number of hours or days such as 24h, 7d or 28d, not "${value}"`);
  const ms = Number(m[1]) * (m[2] === 'h' ? 3_600_000 : DAY_MS);
  if (ms <= 0) throw new TacticsWindowError(`${name} must be longer than zero, not "${value}"`);
  if (ms > MAX_TACTICS_DAYS * DAY_MS) throw new TacticsWindowError(`${name} may be at most ${MAX_TACTICS_DAYS}d, not "${value}"`);
  return ms;
}

/** [now - since, now). */
export function sinceWindow(since: string, now: number): { from: number; to: number } {
  return { from: now - parseLength('since', since), to: now };
}

/** The recent window [now - since, now) and the baseline window right before it, `baseline` long. */
export function termWindows(since: string, baseline: string, now: number): { baselineFrom: number; recentFrom: number; to: number } {
  const recentFrom = now - parseLength('since', since);
  return { baselineFrom: recentFrom - parseLength('baseline', baseline), recentFrom, to: now };
}
