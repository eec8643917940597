// Login throttling: after a few failures for one email (or many from one address) each further attempt must wait,
// the wait doubling with every failure up to the window. A throttled attempt is refused before the password is
// checked, so guessing cannot go on at full speed; the cost is that someone can slow a known email's logins.

export const LOGIN_WINDOW_MS = 15 * 60_000;
const FIRST_WAIT_MS = 30_000;
/** An address may fail this many times the per-email limit: an office behind one NAT is many people. */
export const ADDRESS_FACTOR = 4;

export interface FailureCount {
  /** Failures within the window. */
  count: number;
  /** The latest failure's time, or null with no failures. */
  last: number | null;
}

/** How long the caller must still wait (ms) given the failures counted for it; 0 when it may try now. */
export function waitBeforeNextAttempt(f: FailureCount, maxFailures: number, now: number): number {
  if (f.last === null || f.count < maxFailures) return 0;
  const wait = Math.min(LOGIN_WINDOW_MS, FIRST_WAIT_MS * 2 ** Math.min(f.count - maxFailures, 20));
  return Math.max(0, f.last + wait - now);
}

export function loginWaitMs(byEmail: FailureCount, byAddress: FailureCount, maxFailures: number, now: number): number {
  return Math.max(
    waitBeforeNextAttempt(byEmail, maxFailures, now),
    waitBeforeNextAttempt(byAddress, maxFailures * ADDRESS_FACTOR, now),
  );
}
