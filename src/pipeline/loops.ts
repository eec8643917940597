import type { Haven } from '../app.js';
import { runRetention } from '../enforcement/evidence/retention.js';
import { reportRunnerFor } from '../enforcement/ncmec/index.js';
import { refreshReviewPrioritiesExclusive } from '../store/repos/review-claims.js';
import { StreamWorker } from './transport/stream-worker.js';

const PRIORITY_REFRESH_MS = 60_000;
/** How often a distributed worker asks NATS whether the work stream is empty (for idle()). */
const STREAM_IDLE_POLL_MS = 2_000;

export interface BackgroundWork {
  stop(): Promise<void>;
  /** Resolves when no job is pending or leased and the outbox holds nothing due. */
  idle(): Promise<void>;
}

/**
 * Runs the pipeline worker and the webhook outbox until stopped. Each loop sleeps briefly when it finds no work
 * and backs off after an error, so a database outage slows it down instead of spinning.
 */
export function startBackgroundWork(
  haven: Haven,
  opts: { pipeline: boolean; outbox: boolean; idleMs?: number; retention?: boolean },
): BackgroundWork {
  let stopping = false;
  const idleMs = opts.idleMs ?? 200;
  const waiters: (() => void)[] = [];
  let pipelineIdle = !opts.pipeline;
  let outboxIdle = !opts.outbox || !haven.outbox;

  const notify = () => {
    if (pipelineIdle && outboxIdle) while (waiters.length) waiters.shift()?.();
  };

  async function loop(name: string, step: () => Promise<number>, setIdle: (idle: boolean) => void): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const n = await step();
        failures = 0;
        setIdle(n === 0);
        notify();
        if (n === 0) await sleep(idleMs);
        // With SQLite every await inside a step settles as a microtask: without this, a long backlog would keep
        // HTTP requests (ingest, and its 429 answers) waiting until the backlog is empty.
        else await new Promise((resolve) => setImmediate(resolve));
      } catch (e) {
        failures++;
        haven.logger.error({ err: e, loop: name }, 'background loop failed; backing off');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  const running: Promise<void>[] = [];
  // Bank changes reach this worker's hash index as they are announced, not only when its next batch checks.
  const unfollow = opts.pipeline ? haven.worker.followBankChanges(haven.bankChanges) : () => {};
  // Distributed mode takes items from the NATS work stream; embedded mode from the jobs table.
  const nats = haven.nats;
  const stream = opts.pipeline && nats
    ? new StreamWorker(nats, haven.worker, haven.store, { batchSize: haven.config.workerBatch, leaseMs: haven.config.leaseMs, clock: haven.clock, logger: haven.logger })
    : null;
  if (stream && nats) {
    stream.start();
    running.push(loop('pipeline-idle', async () => {
      // A JetStream API request: every couple of seconds, so many workers do not load NATS just to know this.
      await sleep(STREAM_IDLE_POLL_MS);
      const { waiting, inFlight } = await nats.backlog();
      return waiting + inFlight > 0 ? 1 : 0;
    }, (v) => { pipelineIdle = v; }));
  } else if (opts.pipeline) {
    running.push(loop('pipeline', () => haven.worker.runOnce(), (v) => { pipelineIdle = v; }));
  }
  const outbox = haven.outbox;
  if (opts.outbox && outbox) running.push(loop('outbox', () => outbox.runOnce(), (v) => { outboxIdle = v; }));
  if (opts.retention ?? opts.pipeline) running.push(retentionLoop());
  // Approved CyberTipline reports go out from the same process as the pipeline (when NCMEC is configured).
  const reports = opts.pipeline ? reportRunnerFor(haven) : null;
  if (reports) running.push(loop('reports', () => reports.runOnce(), () => {}));
  // Overdue review tasks climb in priority as time passes; their stored scores are refreshed every minute, by one
  // worker at a time.
  if (opts.pipeline) running.push(priorityLoop());

  async function priorityLoop(): Promise<void> {
    let due = Date.now() + PRIORITY_REFRESH_MS;
    while (!stopping) {
      if (Date.now() < due) {
        await sleep(Math.min(1000, due - Date.now()));
        continue;
      }
      try {
        await refreshReviewPrioritiesExclusive(haven.store.db, haven.clock.now());
      } catch (e) {
        haven.logger.error({ err: e, loop: 'review-priority' }, 'refreshing review priorities failed; retrying');
      }
      due = Date.now() + PRIORITY_REFRESH_MS;
    }
  }

  // Media retention (see enforcement/evidence): a minute after start, then every HAVEN_RETENTION_INTERVAL_MS.
  // It waits in short steps so stop() is not held up by a day-long sleep.
  async function retentionLoop(): Promise<void> {
    let due = Date.now() + Math.min(60_000, haven.config.retentionIntervalMs);
    while (!stopping) {
      if (Date.now() < due) {
        await sleep(Math.min(1000, due - Date.now()));
        continue;
      }
      try {
        const r = await runRetention(haven.store.db, { now: haven.clock.now(), retentionDays: haven.config.mediaRetentionDays });
        if (r.blobsDeleted + r.snapshotsPurged > 0) haven.logger.info({ ...r, blobs: undefined }, 'retention deleted expired media');
        due = Date.now() + haven.config.retentionIntervalMs;
      } catch (e) {
        haven.logger.error({ err: e, loop: 'retention' }, 'retention failed; retrying in a minute');
        due = Date.now() + 60_000;
      }
    }
  }

  return {
    async stop() {
      stopping = true;
      unfollow();
      await stream?.stop();
      await Promise.all(running);
    },
    idle() {
      if (pipelineIdle && outboxIdle) return Promise.resolve();
      return new Promise((r) => waiters.push(r));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
