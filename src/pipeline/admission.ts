/**
 * Admission control for ingest (backpressure): whether a request carrying `incoming` items may add them to the
 * processing backlog, and if not, how long the client should wait. Pure: the caller supplies the backlog readings
 * and keeps the state between calls (see ./backlog.ts for the part that reads the database or NATS).
 */

export interface AdmissionPolicy {
  /** Items that may wait for processing (HAVEN_MAX_BACKLOG). */
  limit: number;
  /** Once full, ingest is refused until the backlog falls below this share of the limit (hysteresis). */
  resumeFraction: number;
  /** Upper bound of the Retry-After advice, in seconds. */
  maxRetryAfterSeconds: number;
  /** Retry-After when there is not yet enough history to estimate how fast the backlog drains. */
  fallbackRetryAfterSeconds: number;
  /** How far back drain-rate samples count. */
  rateWindowMs: number;
}

export const DEFAULT_POLICY: Omit<AdmissionPolicy, 'limit'> = {
  resumeFraction: 0.9,
  maxRetryAfterSeconds: 60,
  fallbackRetryAfterSeconds: 5,
  rateWindowMs: 30_000,
};

/**
 * One exact reading of the backlog. `admittedTotal` is how many items this process had admitted in all, when the
 * reading was taken: the backlog's fall between two readings plus what was admitted between them is what drained.
 */
export interface BacklogSample {
  at: number;
  backlog: number;
  admittedTotal: number;
}

export type AdmissionDecision =
  | { accept: true; refusing: false }
  | { accept: false; refusing: boolean; retryAfterSeconds: number; reason: 'backlog_full' | 'batch_too_large' };

/**
 * Items drained per second over the window, from readings in time order; null when the readings span too little
 * time to say. Other processes' admissions are unknown here, so with several API processes the rate is
 * underestimated, which errs toward longer waits.
 */
export function drainRate(samples: readonly BacklogSample[], now: number, windowMs: number): number | null {
  const recent = samples.filter((s) => s.at >= now - windowMs);
  const first = recent[0];
  const last = recent.at(-1);
  if (!first || !last || last.at - first.at < 100) return null;
  const drained = first.backlog + (last.admittedTotal - first.admittedTotal) - last.backlog;
  return Math.max(0, drained) / ((last.at - first.at) / 1000);
}

/** Seconds for `excess` items to drain at `rate`, clamped to [1, max]. */
export function retryAfterSeconds(excess: number, rate: number | null, policy: Pick<AdmissionPolicy, 'maxRetryAfterSeconds' | 'fallbackRetryAfterSeconds'>): number {
  const max = policy.maxRetryAfterSeconds;
  if (rate === null) return Math.min(max, Math.max(1, policy.fallbackRetryAfterSeconds));
  if (rate <= 0) return max;
  return Math.min(max, Math.max(1, Math.ceil(Math.max(0, excess) / rate)));
}

/**
 * The decision for one request.
 * - Full (backlog at or over the limit): refuse, and keep refusing until the backlog falls below
 *   `resumeFraction * limit`, so clients are not let in and thrown out again at every item.
 * - Not full, but the request's items would take the backlog over the limit: refuse this request whole (a batch is
 *   never half-stored), without entering the refusing state, since smaller requests still fit.
 * - A request larger than the whole limit is admitted into an empty backlog, so a small limit cannot lock a
 *   batch client out for good; the backlog then stays bounded by limit + one request.
 */
export function decide(input: {
  backlog: number;
  incoming: number;
  refusing: boolean;
  policy: AdmissionPolicy;
  samples: readonly BacklogSample[];
  now: number;
}): AdmissionDecision {
  const { backlog, incoming, policy } = input;
  const resumeBelow = Math.floor(policy.limit * policy.resumeFraction);
  const rate = () => drainRate(input.samples, input.now, policy.rateWindowMs);
  let refusing = input.refusing;
  if (refusing && backlog < resumeBelow) refusing = false;
  if (!refusing && backlog >= policy.limit) refusing = true;
  if (refusing) {
    return { accept: false, refusing: true, reason: 'backlog_full', retryAfterSeconds: retryAfterSeconds(backlog - resumeBelow + 1, rate(), policy) };
  }
  if (backlog + incoming <= policy.limit || backlog === 0) return { accept: true, refusing: false };
  return { accept: false, refusing: false, reason: 'batch_too_large', retryAfterSeconds: retryAfterSeconds(backlog + incoming - policy.limit, rate(), policy) };
}
