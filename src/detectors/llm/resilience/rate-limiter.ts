import { LlmUnavailableError } from '../types.js';
import type { Clock } from './clock.js';

/**
 * A token bucket: `perMinute` tokens a minute, holding at most `burst`. A caller takes a token at once, or
 * reserves the next one and waits for it; a wait longer than `maxWaitMs` is refused with 'rate_limited' instead,
 * without reserving anything. Reservations are taken in call order, so waiting callers are served in turn.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(perMinute > 0)) throw new RangeError('perMinute must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
    this.tokens = burst;
    this.updatedAt = clock.now();
    this.perMs = perMinute / 60_000;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }

  /** How long the next caller would wait (ms), without taking anything. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  async take(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    const wait = this.waitMs();
    if (wait > maxWaitMs) {
      throw new LlmUnavailableError('rate_limited', `LLM rate limit (${this.perMinute}/min): the next slot is ${wait} ms away, longer than ${maxWaitMs} ms`);
    }
    this.tokens -= 1;
    if (wait > 0) await this.clock.sleep(wait, signal);
  }
}
