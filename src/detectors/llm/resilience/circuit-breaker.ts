import { LlmUnavailableError } from '../types.js';
import type { Clock } from './clock.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failed attempts that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one trial call is let through (ms). */
  coolDownMs: number;
}

export const DEFAULT_CIRCUIT: CircuitBreakerOptions = { failureThreshold: 5, coolDownMs: 30_000 };

/**
 * Stops calling a provider that keeps failing, so a dead endpoint costs nothing but a fast 'circuit_open' answer.
 * Closed → open after `failureThreshold` consecutive failures; after `coolDownMs` it is half-open and lets exactly
 * one trial through: success closes it, failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    readonly label: string,
    private readonly opts: CircuitBreakerOptions,
    private readonly clock: Clock,
  ) {
    if (!(opts.failureThreshold >= 1)) throw new RangeError('failureThreshold must be at least 1');
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.opts.coolDownMs ? 'half_open' : 'open';
  }

  /** Call before an attempt: returns, or throws 'circuit_open' (while open, or while another trial is running). */
  enter(attemptsSoFar = 0): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half_open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return;
    }
    const retryInMs = Math.max(0, this.openedAt! + this.opts.coolDownMs - this.clock.now());
    throw new LlmUnavailableError(
      'circuit_open',
      `${this.label}: circuit open after ${this.opts.failureThreshold} consecutive failures; ${state === 'open' ? `next trial in ${retryInMs} ms` : 'a trial call is running'}`,
      attemptsSoFar,
    );
  }

  /** The provider answered (even with a client error such as 400): it is alive. */
  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  /** A timeout, network error, 429 or 5xx. */
  failure(): void {
    if (this.trialInFlight || this.openedAt !== null) {
      this.trialInFlight = false;
      this.openedAt = this.clock.now();
      return;
    }
    this.failures++;
    if (this.failures >= this.opts.failureThreshold) this.openedAt = this.clock.now();
  }

  /** The attempt ended without telling us anything about the provider (the caller gave up, a local limit). */
  abandon(): void {
    this.trialInFlight = false;
  }
}
