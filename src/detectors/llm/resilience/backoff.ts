export interface BackoffOptions {
  /** First retry's ceiling (ms); doubles per retry. */
  baseMs: number;
  /** Ceiling for any computed delay (ms). */
  maxMs: number;
  /** Longest Retry-After we honour (ms); a server asking for more gets this. */
  retryAfterCapMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 8000, retryAfterCapMs: 20_000 };

/**
 * How long to wait before retry number `retry` (1 = the first retry): the server's Retry-After when it gave one
 * (capped), otherwise "full jitter", a uniform draw in [0, min(max, base·2^(retry-1))), which spreads out clients
 * that failed together.
 */
export function backoffDelayMs(retry: number, retryAfterMs: number | null, random: () => number, opts: BackoffOptions): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, retryAfterMs), opts.retryAfterCapMs);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
