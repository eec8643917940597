import { ProviderHttpError, ProviderNetworkError } from '../providers/http.js';
import { type LlmFailure, type LlmProvider, type LlmRequest, type LlmResponse, LlmUnavailableError } from '../types.js';
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
import { DailyBudget, InMemorySpendLedger, type SpendLedger } from './budget.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, DEFAULT_CIRCUIT } from './circuit-breaker.js';
import { type Clock, systemClock } from './clock.js';
import { TokenBucket } from './rate-limiter.js';
import { Semaphore } from './semaphore.js';

export type AttemptOutcome = 'ok' | 'timeout' | 'rate_limited' | 'http_error' | 'network_error';

/** One HTTP attempt, as reported to the observer (for the item's trace). */
export interface LlmAttempt {
  /** 1-based. */
  attempt: number;
  ms: number;
  outcome: AttemptOutcome;
  /** HTTP status when the server answered. */
  status: number | null;
}

export interface ResilienceOptions {
  /** Per attempt (ms); also the longest a call waits for a rate-limit slot. */
  timeoutMs: number;
  /** Attempts per call, the first included. Default 3. */
  maxAttempts?: number;
  backoff?: Partial<BackoffOptions>;
  /** Requests (attempts) per minute; unset for no limit. */
  requestsPerMinute?: number;
  /** Requests allowed back to back before the per-minute pace applies. Default: maxConcurrency. */
  burst?: number;
  /** Attempts in flight at once. Default 4. */
  maxConcurrency?: number;
  /** Options, or a breaker shared with other wrappers of the same provider. */
  circuit?: Partial<CircuitBreakerOptions> | CircuitBreaker;
  /** USD per UTC day; unset for no cap. */
  dailyBudgetUsd?: number;
  ledger?: SpendLedger;
  clock?: Clock;
  /** In [0, 1): the backoff jitter. */
  random?: () => number;
  onAttempt?: (attempt: LlmAttempt, request: LlmRequest) => void;
}

interface Classified {
  outcome: Exclude<AttemptOutcome, 'ok'>;
  reason: LlmFailure;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | null;
  message: string;
}

function classify(err: unknown, timedOut: boolean, timeoutMs: number, label: string): Classified | null {
  if (timedOut) {
    return { outcome: 'timeout', reason: 'timeout', status: null, retryable: true, retryAfterMs: null, message: `${label}: no answer within ${timeoutMs} ms` };
  }
  if (err instanceof ProviderHttpError) {
    const limited = err.status === 429;
    const retryable = limited || err.status === 408 || err.status >= 500;
    return {
      outcome: limited ? 'rate_limited' : 'http_error',
      reason: limited ? 'rate_limited' : 'http_error',
      status: err.status,
      retryable,
      retryAfterMs: err.retryAfterMs,
      message: err.message,
    };
  }
  if (err instanceof ProviderNetworkError) {
    return { outcome: 'network_error', reason: 'network_error', status: null, retryable: true, retryAfterMs: null, message: err.message };
  }
  return null;
}

/**
 * Wraps a provider with what a production call needs: a timeout per attempt, retries with backoff on 429, 5xx,
 * timeouts and network errors (never on other 4xx), a rate limit, a concurrency cap, a circuit breaker and a daily
 * budget. A call that cannot be answered rejects with LlmUnavailableError; the caller's own abort is passed through.
 */
export class ResilientProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  readonly breaker: CircuitBreaker;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly slots: Semaphore;
  private readonly bucket: TokenBucket | null;
  private readonly budget: DailyBudget | null;

  constructor(
    private readonly inner: LlmProvider,
    private readonly opts: ResilienceOptions,
  ) {
    this.name = inner.name;
    this.model = inner.model;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.maxAttempts = opts.maxAttempts ?? 3;
    if (!(this.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    const concurrency = opts.maxConcurrency ?? 4;
    this.slots = new Semaphore(concurrency);
    this.bucket = opts.requestsPerMinute ? new TokenBucket(opts.requestsPerMinute, opts.burst ?? concurrency, this.clock) : null;
    this.breaker =
      opts.circuit instanceof CircuitBreaker
        ? opts.circuit
        : new CircuitBreaker(`${inner.name} ${inner.model}`, { ...DEFAULT_CIRCUIT, ...opts.circuit }, this.clock);
    this.budget = opts.dailyBudgetUsd !== undefined ? new DailyBudget(opts.dailyBudgetUsd, opts.ledger ?? new InMemorySpendLedger(), this.clock) : null;
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Attempts in flight now. */
  get inFlight(): number {
    return this.slots.inUse;
  }

  async spentTodayUsd(): Promise<number | null> {
    return this.budget ? this.budget.spentTodayUsd() : null;
  }

  async complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    await this.budget?.check();
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      this.breaker.enter(attempt - 1);
      let release: (() => void) | null = null;
      let failure: Classified | null = null;
      let response: LlmResponse | null = null;
      try {
        release = await this.slots.acquire(signal);
        await this.bucket?.take(this.opts.timeoutMs, signal);
      } catch (err) {
        release?.();
        this.breaker.abandon();
        if (err instanceof LlmUnavailableError) throw new LlmUnavailableError(err.reason, err.message, attempt - 1);
        throw err;
      }
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error('attempt timed out')), this.opts.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
      const started = this.clock.now();
      try {
        response = await this.inner.complete(request, combined);
        this.breaker.success();
        this.report({ attempt, ms: this.clock.now() - started, outcome: 'ok', status: 200 }, request);
      } catch (err) {
        if (signal?.aborted) {
          this.breaker.abandon();
          throw signal.reason;
        }
        failure = classify(err, timeout.signal.aborted, this.opts.timeoutMs, `${this.name} ${this.model}`);
        if (!failure) {
          this.breaker.abandon();
          throw err;
        }
        if (failure.retryable) this.breaker.failure();
        else this.breaker.success();
        this.report({ attempt, ms: this.clock.now() - started, outcome: failure.outcome, status: failure.status }, request);
      } finally {
        clearTimeout(timer);
        release();
      }
      if (response) {
        await this.budget?.record(response.costUsd);
        return { ...response, attempts: attempt };
      }
      if (!failure) throw new Error('unreachable: an attempt ended with neither an answer nor a failure');
      if (!failure.retryable || attempt >= this.maxAttempts) {
        const tail = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        throw new LlmUnavailableError(failure.reason, failure.message + tail, attempt);
      }
      await this.clock.sleep(backoffDelayMs(attempt, failure.retryAfterMs, this.random, this.backoff), signal);
    }
  }

  private report(attempt: LlmAttempt, request: LlmRequest): void {
    try {
      this.opts.onAttempt?.(attempt, request);
    } catch {
      // An observer's bug must not fail the call it observes.
    }
  }
}
