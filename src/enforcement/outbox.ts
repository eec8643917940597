import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { metrics } from '../metrics.js';
import { fromJson, type Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendEvents, type NewEvent } from '../store/repos/events.js';
import { actionsForDelivery, claimDueActions, markAttemptFailed, markDelivered } from '../store/repos/outbox.js';
import { signWebhook } from './webhook-signature.js';

export interface OutboxOptions {
  url: string;
  secret: string;
  clock: Clock;
  logger: Logger;
  batchSize?: number;
  concurrency?: number;
  timeoutMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  owner?: string;
}

type Outcome = { id: string; itemId: string; ok: true; status: number } | { id: string; itemId: string; ok: false; error: string; attempts: number };

/**
 * Delivers platform actions to the host platform's webhook: signed, with an idempotency key, retried with
 * exponential backoff and jitter, and parked as dead (with an alert in the log) after the last attempt.
 */
export class WebhookOutbox {
  readonly owner: string;
  private readonly o: Required<Omit<OutboxOptions, 'owner'>>;

  constructor(private readonly store: Store, opts: OutboxOptions) {
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:outbox:${newId().slice(-6)}`;
    this.o = {
      batchSize: 50, concurrency: 8, timeoutMs: 10_000, leaseMs: 60_000, maxAttempts: 8, baseDelayMs: 1000,
      maxDelayMs: 15 * 60_000, ...opts,
    };
  }

  async runOnce(): Promise<number> {
    const now = this.o.clock.now();
    const ids = await this.store.db.transaction().execute((trx) =>
      claimDueActions(trx, { owner: this.owner, limit: this.o.batchSize, leaseMs: this.o.leaseMs, now }),
    );
    if (ids.length === 0) return 0;
    const rows = await actionsForDelivery(this.store.db, ids);
    const outcomes: Outcome[] = [];
    let next = 0;
    const lanes = Array.from({ length: Math.min(this.o.concurrency, rows.length) }, async () => {
      while (next < rows.length) {
        const row = rows[next++];
        if (row) outcomes.push(await this.deliver(row));
      }
    });
    await Promise.all(lanes);
    await this.record(outcomes);
    return ids.length;
  }

  private async deliver(row: Awaited<ReturnType<typeof actionsForDelivery>>[number]): Promise<Outcome> {
    const body = JSON.stringify({
      id: row.id,
      idempotencyKey: row.idempotency_key,
      type: row.type,
      item: { id: row.item_id, externalId: row.item_external_id, surface: row.surface },
      account: row.account_id ? { id: row.account_id, externalId: row.account_external_id } : null,
      decision: {
        id: row.decision_id, verdict: row.verdict, category: row.category, severity: row.severity, policyVersion: row.policy_version,
        reasons: fromJson<{ text: string }[]>(row.reasons).map((r) => r.text),
      },
      requestedAt: new Date(row.created_at).toISOString(),
      attempt: row.attempts,
    });
    try {
      const res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': row.idempotency_key,
          'haven-signature': signWebhook(this.o.secret, body, this.o.clock.now()),
          'user-agent': 'haven-outbox/1',
        },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return { id: row.id, itemId: row.item_id, ok: true, status: res.status };
      return { id: row.id, itemId: row.item_id, ok: false, error: `HTTP ${res.status}`, attempts: row.attempts };
    } catch (e) {
      return { id: row.id, itemId: row.item_id, ok: false, error: e instanceof Error ? e.message : String(e), attempts: row.attempts };
    }
  }

  private async record(outcomes: Outcome[]): Promise<void> {
    const now = this.o.clock.now();
    const dead: Outcome[] = [];
    await this.store.db.transaction().execute(async (trx) => {
      const events: NewEvent[] = [];
      for (const out of outcomes) {
        const base = { itemId: out.itemId, accountId: null, actor: 'outbox', versions: {} };
        if (out.ok) {
          if (await markDelivered(trx, out.id, this.owner, now)) {
            events.push({ ...base, type: 'action_delivered', payload: { actionId: out.id, status: out.status, url: redact(this.o.url) } });
          }
          continue;
        }
        const final = out.attempts >= this.o.maxAttempts;
        const nextAttemptAt = final ? null : now + this.backoff(out.attempts);
        await markAttemptFailed(trx, out.id, this.owner, { error: out.error, nextAttemptAt });
        events.push({ ...base, type: final ? 'action_dead' : 'action_failed', payload: { actionId: out.id, error: out.error, attempt: out.attempts, nextAttemptAt } });
        if (final) dead.push(out);
      }
      await appendEvents(trx, events, now);
    });
    for (const out of outcomes) metrics.deliveries.inc({ outcome: out.ok ? 'delivered' : 'failed' });
    // The alert: an error log line and a counter to page on (haven_webhook_deliveries_total{outcome="dead"}).
    for (const d of dead) {
      metrics.deliveries.inc({ outcome: 'dead' });
      this.o.logger.error({ alert: 'webhook_dead_letter', actionId: d.id, itemId: d.itemId }, 'action delivery gave up; replay with `haven outbox replay`');
    }
  }

  /** Exponential backoff with full jitter, so a recovering platform is not hit by every retry at once. */
  private backoff(attempt: number): number {
    const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'webhook';
  }
}
