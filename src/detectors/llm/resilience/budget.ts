import { LlmUnavailableError } from '../types.js';
import type { Clock } from './clock.js';

/**
 * Where LLM spend is kept, per UTC day ("2025-01-31"). An interface so a database ledger can share the total across
 * processes and restarts; the in-memory one below is per process.
 */
export interface SpendLedger {
  /** USD spent on `day` so far. */
  spentUsd(day: string): Promise<number>;
  /** Adds `costUsd` to `day`. */
  record(day: string, costUsd: number): Promise<void>;
}

export class InMemorySpendLedger implements SpendLedger {
  private readonly byDay = new Map<string, number>();

  async spentUsd(day: string): Promise<number> {
    return this.byDay.get(day) ?? 0;
  }

  async record(day: string, costUsd: number): Promise<void> {
    this.byDay.set(day, (this.byDay.get(day) ?? 0) + costUsd);
  }
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * A daily spending cap. A call is refused once today's recorded spend has reached the cap; the check uses what
 * was spent so far, so calls already in flight may overshoot it by their own cost.
 */
export class DailyBudget {
  constructor(
    readonly capUsd: number,
    private readonly ledger: SpendLedger,
    private readonly clock: Clock,
  ) {}

  async spentTodayUsd(): Promise<number> {
    return this.ledger.spentUsd(utcDay(this.clock.now()));
  }

  /** Throws 'budget_exhausted' when today's spend has reached the cap. */
  async check(): Promise<void> {
    const spent = await this.spentTodayUsd();
    if (spent >= this.capUsd) {
      throw new LlmUnavailableError('budget_exhausted', `LLM daily budget of $${this.capUsd} reached ($${spent.toFixed(4)} spent today, UTC)`);
    }
  }

  async record(costUsd: number): Promise<void> {
    if (costUsd > 0) await this.ledger.record(utcDay(this.clock.now()), costUsd);
  }
}
