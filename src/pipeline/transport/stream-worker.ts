import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/db.js';
import { claimJobsForItems, claimStrandedJobs, jobStates } from '../../store/repos/jobs.js';
import type { PipelineWorker } from '../worker.js';
import type { NatsLink } from './nats.js';

export interface StreamWorkerOptions {
  batchSize: number;
  leaseMs: number;
  clock: Clock;
  logger: Logger;
  /** How often the worker looks for stranded jobs in the table (see claimStrandedJobs); default the lease, at most 30 s. */
  strandedCheckMs?: number;
}

/** What to do with a delivered message whose job this worker could not claim. */
export type Disposition = { ack: true } | { ack: false; retryInMs: number };

/**
 * A message whose job is not claimable: acknowledged when the job is finished (a redelivery after a commit whose ack
 * was lost), or handed back to the stream until the job is due (a retry's backoff, or another worker's live lease).
 */
export function dispose(state: { status: string; runAfter: number; leaseExpiresAt: number | null } | undefined, now: number): Disposition {
  if (!state || state.status === 'done' || state.status === 'failed') return { ack: true };
  if (state.status === 'leased') return { ack: false, retryInMs: Math.max(500, (state.leaseExpiresAt ?? now) - now + 500) };
  return { ack: false, retryInMs: Math.max(500, state.runAfter - now) };
}

/**
 * Distributed mode's worker loop: takes items from the JetStream work queue, leases their jobs, runs the pipeline,
 * and acknowledges each message only after its item's results have committed. A crash anywhere before the ack leaves
 * the message unacknowledged, so NATS redelivers it; the job's lease and its status make a redelivery harmless.
 */
export class StreamWorker {
  private stopping = false;
  private running: Promise<void> | null = null;
  private messages: Awaited<ReturnType<Awaited<ReturnType<NatsLink['workConsumer']>>['consume']>> | null = null;
  private readonly buffer: JsMsg[] = [];
  private wake: (() => void) | null = null;
  private processed = 0;

  constructor(
    private readonly link: NatsLink,
    private readonly worker: PipelineWorker,
    private readonly store: Store,
    private readonly opts: StreamWorkerOptions,
  ) {}

  /** Items this worker has processed and committed since it started. */
  get committedCount(): number {
    return this.processed;
  }

  start(): void {
    if (this.running) return;
    this.running = Promise.all([this.receive(), this.process(), this.sweepStranded()]).then(() => {});
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.messages?.stop();
    this.wake?.();
    await this.running;
    // Messages taken but not processed go back to the stream at once rather than after the ack wait.
    for (const m of this.buffer.splice(0)) m.nak();
  }

  private async receive(): Promise<void> {
    while (!this.stopping) {
      try {
        const consumer = await this.link.workConsumer();
        this.messages = await consumer.consume({ max_messages: this.opts.batchSize * 2 });
        for await (const m of this.messages) {
          this.buffer.push(m);
          this.wake?.();
          if (this.stopping) break;
        }
      } catch (e) {
        if (this.stopping) break;
        this.opts.logger.error({ err: e }, 'reading the work stream failed; retrying');
        await sleep(1000);
      }
    }
  }

  private async process(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (this.buffer.length === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
        });
        this.wake = null;
        continue;
      }
      const batch = this.buffer.splice(0, this.opts.batchSize);
      try {
        await this.handle(batch);
        failures = 0;
      } catch (e) {
        // The database is unreachable or the batch failed to commit: give the messages back and slow down.
        failures++;
        for (const m of batch) m.nak(1000);
        this.opts.logger.error({ err: e, items: batch.length }, 'processing a batch from the work stream failed; backing off');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /** Leases, processes and settles (ack or nak) one batch of delivered messages. */
  private async handle(batch: JsMsg[]): Promise<void> {
    const byItem = new Map<string, JsMsg[]>();
    for (const m of batch) {
      const itemId = m.string();
      byItem.set(itemId, [...(byItem.get(itemId) ?? []), m]);
    }
    const now = this.opts.clock.now();
    const jobs = await this.store.db.transaction().execute((trx) =>
      claimJobsForItems(trx, { itemIds: [...byItem.keys()], owner: this.worker.owner, leaseMs: this.opts.leaseMs, now }),
    );
    const claimed = new Set(jobs.map((j) => j.itemId as string));
    const unclaimed = [...byItem.keys()].filter((id) => !claimed.has(id));
    if (unclaimed.length > 0) {
      const states = await jobStates(this.store.db, unclaimed);
      for (const id of unclaimed) {
        const d = dispose(states.get(id), now);
        for (const m of byItem.get(id) ?? []) (d.ack ? m.ack() : m.nak(d.retryInMs));
      }
    }
    if (jobs.length === 0) return;
    const outcome = await this.worker.processJobs(jobs);
    this.processed += outcome.committed.size;
    const after = this.opts.clock.now();
    for (const job of jobs) {
      const messages = byItem.get(job.itemId) ?? [];
      const retryAt = outcome.failed.get(job.id);
      // Committed, lost to another worker's newer lease (it holds the redelivered message), or failed for good: done here.
      if (retryAt === undefined || retryAt === null) for (const m of messages) m.ack();
      else for (const m of messages) m.nak(Math.max(500, retryAt - after));
    }
  }

  /** Jobs the stream does not carry (see claimStrandedJobs) are claimed from the table now and then. */
  private async sweepStranded(): Promise<void> {
    const every = this.opts.strandedCheckMs ?? Math.min(30_000, this.opts.leaseMs);
    let due = Date.now() + every;
    while (!this.stopping) {
      if (Date.now() < due) {
        await sleep(Math.min(500, due - Date.now()));
        continue;
      }
      try {
        const now = this.opts.clock.now();
        const jobs = await this.store.db.transaction().execute((trx) =>
          claimStrandedJobs(trx, {
            owner: this.worker.owner, limit: this.opts.batchSize, leaseMs: this.opts.leaseMs, now,
            unpublishedAfterMs: Math.min(10_000, this.opts.leaseMs), abandonedAfterMs: this.opts.leaseMs,
          }),
        );
        if (jobs.length > 0) {
          this.opts.logger.warn({ jobs: jobs.length }, 'processing jobs the work stream did not carry');
          const outcome = await this.worker.processJobs(jobs);
          this.processed += outcome.committed.size;
          // A failed stranded job is due again later; it is stranded no more once its retry is published.
          for (const j of jobs) if (typeof outcome.failed.get(j.id) === 'number') await this.link.republishItem(j.itemId, j.attempts);
          continue;
        }
      } catch (e) {
        this.opts.logger.error({ err: e }, 'looking for stranded jobs failed');
      }
      due = Date.now() + every;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
