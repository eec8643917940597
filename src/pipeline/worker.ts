import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { BankChangeFeed } from '../banks/change-feed.js';
import type { Clock } from '../core/clock.js';
import { preserveRequestedActions } from '../enforcement/evidence/preserve.js';
import type { KeyProvider } from '../enforcement/media-vault.js';
import { openReportJobs } from '../enforcement/ncmec/jobs.js';
import type { Item } from '../core/types.js';
import { metrics } from '../metrics.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { accountsByIds } from '../store/repos/accounts.js';
import { appendEvents } from '../store/repos/events.js';
import { getItems, setItemStatus } from '../store/repos/items.js';
import { type ClaimedJob, claimJobs, completeJobs, failJob } from '../store/repos/jobs.js';
import { insertActions, insertDecisions, insertSignals } from '../store/repos/results.js';
import { saveConversationStates } from '../store/repos/conversations.js';
import { insertReviewTasks } from '../store/repos/review.js';
import { BatchContext } from './context.js';
import { type Evaluation, evaluateItem } from './evaluate.js';
import type { LlmStage } from './llm-stage.js';
import { DetectionRuntime } from './runtime.js';

/** What became of each job a worker processed, keyed by job id. */
export interface JobOutcomes {
  committed: Set<string>;
  lost: Set<string>;
  /** Due again at (epoch ms), or null after the last attempt. */
  failed: Map<string, number | null>;
}

export interface WorkerOptions {
  batchSize: number;
  leaseMs: number;
  maxAttempts: number;
  clock: Clock;
  logger: Logger;
  owner?: string;
  llm?: LlmStage | null;
  /** Seals preserved evidence; null in hash-only mode. */
  keys?: KeyProvider | null;
}

/**
 * Takes processing jobs under a lease, evaluates the items, and commits every result together with the job's
 * completion. A worker killed at any point leaves either nothing (the lease runs out and the job is taken again)
 * or everything; results are written only for jobs this worker still holds, so no item is processed twice.
 */
export class PipelineWorker {
  readonly owner: string;
  private readonly runtime: DetectionRuntime;

  constructor(private readonly store: Store, private readonly opts: WorkerOptions) {
    this.runtime = new DetectionRuntime(opts.llm ?? null);
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  }

  /** Claims due jobs from the jobs table and processes them; returns how many it took (0 when there was nothing to do). */
  async runOnce(): Promise<number> {
    const now = this.opts.clock.now();
    const jobs = await this.store.db.transaction().execute((trx) =>
      claimJobs(trx, { owner: this.owner, limit: this.opts.batchSize, leaseMs: this.opts.leaseMs, now }),
    );
    if (jobs.length > 0) await this.processJobs(jobs);
    return jobs.length;
  }

  /**
   * Evaluates the items of jobs this worker has leased and commits the results. Returns what became of each job:
   * committed (results written and the job done), lost (its lease ran out and another worker took it), or failed
   * (with the time it is due again, or null when it failed for the last time).
   */
  async processJobs(jobs: readonly ClaimedJob[]): Promise<JobOutcomes> {
    const outcome: JobOutcomes = { committed: new Set(), lost: new Set(), failed: new Map() };
    const merge = (o: JobOutcomes) => {
      for (const id of o.committed) outcome.committed.add(id);
      for (const id of o.lost) outcome.lost.add(id);
      for (const [id, at] of o.failed) outcome.failed.set(id, at);
    };
    // A job leased more often than it may be attempted never reached the failure path: each time, its worker died
    // (or its lease ran out) while holding it. It is likely a poison item, so it fails instead of crashing on.
    for (const job of jobs.filter((j) => j.attempts > this.opts.maxAttempts)) {
      const error = `leased ${job.attempts} times without finishing; its worker may have crashed while processing it`;
      outcome.failed.set(job.id, await this.fail(job, error));
    }
    // A retried job runs on its own, so an item that crashes its worker takes no other items' progress with it and is
    // found out within maxAttempts leases.
    const retried = jobs.filter((j) => j.attempts > 1 && j.attempts <= this.opts.maxAttempts);
    merge(await this.processBatch(jobs.filter((j) => j.attempts <= 1)));
    for (const job of retried) {
      this.opts.logger.info({ itemId: job.itemId, attempt: job.attempts }, 'processing a retried job on its own');
      merge(await this.processBatch([job]));
    }
    return outcome;
  }

  private async processBatch(jobs: readonly ClaimedJob[]): Promise<JobOutcomes> {
    const { db } = this.store;
    const outcome: JobOutcomes = { committed: new Set(), lost: new Set(), failed: new Map() };
    if (jobs.length === 0) return outcome;
    const items = new Map((await getItems(db, jobs.map((j) => j.itemId))).map((i) => [i.id as string, i]));
    const accountIds = new Set<string>();
    for (const i of items.values()) for (const a of [i.authorId, ...i.recipientIds]) if (a) accountIds.add(a);
    const accounts = new Map((await accountsByIds(db, [...accountIds])).map((a) => [a.id as string, a]));
    const setup = await this.runtime.current(db);
    const context = await BatchContext.load(db, [...items.values()], accounts, setup.behaviour, this.opts.clock.now());

    const done: { job: ClaimedJob; item: Item; result: Evaluation }[] = [];
    const failed: { job: ClaimedJob; error: string }[] = [];
    const evaluatedAt = this.opts.clock.now();
    // Oldest first, so a conversation's messages advance its state in the order they were sent.
    const inOrder = [...jobs].sort((a, b) => (items.get(a.itemId)?.createdAt ?? 0) - (items.get(b.itemId)?.createdAt ?? 0));
    for (const job of inOrder) {
      const item = items.get(job.itemId);
      if (!item) {
        failed.push({ job, error: `item ${job.itemId} not found` });
        continue;
      }
      try {
        const result = await evaluateItem(
          {
            item,
            author: item.authorId ? (accounts.get(item.authorId) ?? null) : null,
            recipients: item.recipientIds.flatMap((id) => accounts.get(id) ?? []),
            context: await context.forItem(item),
          },
          { detectors: setup.detectors, policy: setup.policy, newId, now: evaluatedAt, cascade: setup.cascade, review: setup.review },
        );
        context.apply(result.updates);
        done.push({ job, item, result });
      } catch (e) {
        failed.push({ job, error: e instanceof Error ? e.message : String(e) });
      }
    }

    const committed = await this.commit(done, context);
    for (const d of done) (committed.has(d.job.id) ? outcome.committed : outcome.lost).add(d.job.id);
    for (const f of failed) outcome.failed.set(f.job.id, await this.fail(f.job, f.error));
    return outcome;
  }

  /** Follows bank changes announced on `feed`, so this worker's hash index catches up before its next batch needs it. */
  followBankChanges(feed: BankChangeFeed): () => void {
    return this.runtime.follow(feed, this.store.db, (err) => this.opts.logger.warn({ err }, 'catching up with a bank change failed; the next batch retries'));
  }

  private async commit(done: { job: ClaimedJob; item: Item; result: Evaluation }[], context: BatchContext): Promise<Set<string>> {
    if (done.length === 0) return new Set();
    const now = this.opts.clock.now();
    const committed = await this.store.db.transaction().execute(async (trx) => {
      const held = await completeJobs(trx, done.map((d) => d.job.id), this.owner, now);
      const mine = done.filter((d) => held.has(d.job.id));
      if (mine.length < done.length) {
        this.opts.logger.warn({ lost: done.length - mine.length }, 'leases expired before commit; another worker owns those jobs');
      }
      await insertSignals(trx, mine.flatMap((d) => d.result.signals));
      await insertDecisions(trx, mine.map((d) => d.result.decision));
      await insertActions(trx, mine.flatMap((d) => d.result.actions));
      await insertReviewTasks(
        trx,
        mine.flatMap((d) => d.result.reviewTasks.map((t) => ({ ...t, itemId: d.item.id, decisionId: d.result.decision.id }))),
        now,
      );
      await appendEvents(trx, mine.flatMap((d) => d.result.events), now);
      // A decision and its preservation commit together (after its events, so the trace reads in order).
      await preserveRequestedActions(trx, this.opts.keys ?? null, mine.flatMap((d) => d.result.actions), now);
      // Committed 'report' actions open (or join) the author's CyberTipline report job, drafted for legal approval.
      await openReportJobs(trx, mine, now);
      // Conversation state moves on with the batch; if some leases were lost the other worker re-applies those
      // items, which the state recognises (recent item ids) and does not count twice.
      await saveConversationStates(trx, context.changedStates());
      await setItemStatus(trx, mine.map((d) => d.item.id), 'processed');
      return mine;
    });
    for (const d of committed) {
      metrics.itemsProcessed.inc({ verdict: d.result.decision.verdict });
      for (const s of d.result.signals) metrics.signals.inc({ detector: s.detector, category: s.category });
      for (const a of d.result.actions) metrics.actions.inc({ type: a.type });
    }
    return new Set(committed.map((d) => d.job.id as string));
  }

  /** Records a failed attempt; returns when the job is due again, or null when that was its last attempt. */
  private async fail(job: ClaimedJob, error: string): Promise<number | null> {
    const now = this.opts.clock.now();
    const final = job.attempts >= this.opts.maxAttempts;
    const retryAt = final ? null : now + 1000 * 2 ** job.attempts;
    metrics.itemsFailed.inc();
    this.opts.logger.error({ itemId: job.itemId, attempts: job.attempts, final, error }, 'item processing failed');
    await this.store.db.transaction().execute(async (trx) => {
      await failJob(trx, job.id, this.owner, error, { now, retryAt });
      if (final) {
        await setItemStatus(trx, [job.itemId], 'failed');
        await appendEvents(trx, [{
          type: 'processing_failed', itemId: job.itemId, accountId: null, actor: 'pipeline', versions: {},
          payload: { error, attempts: job.attempts },
        }], now);
      }
    });
    return retryAt;
  }
}
