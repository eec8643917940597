/**
 * The edge of admission control (./admission.ts): reads how many items wait for processing, caches the reading so
 * ingest does not pay a count per request, and keeps this process's own admissions in the estimate between readings.
 */
import { metrics } from '../metrics.js';
import type { Queryable } from '../store/db.js';
import { countWaitingJobs } from '../store/repos/jobs.js';
import { type AdmissionPolicy, type BacklogSample, DEFAULT_POLICY, decide } from './admission.js';
import type { NatsLink } from './transport/nats.js';

/** Where the backlog is read from. */
export interface BacklogSource {
  readonly name: string;
  read(): Promise<number>;
}

/** Embedded mode: pending and leased rows of the jobs table (an index range on jobs_due). */
export function jobsTableBacklog(db: Queryable): BacklogSource {
  return { name: 'jobs', read: () => countWaitingJobs(db) };
}

/**
 * Distributed mode: the work stream's undelivered and unacknowledged messages (one JetStream API call, constant
 * cost). If NATS does not answer, the jobs table still knows, since every job is committed there first.
 */
export function streamBacklog(link: NatsLink, fallback: BacklogSource): BacklogSource {
  return {
    name: 'stream',
    async read() {
      try {
        const { waiting, inFlight } = await link.backlog();
        return waiting + inFlight;
      } catch {
        return fallback.read();
      }
    },
  };
}

/** Ingest refused: the client should retry after `retryAfterSeconds`. */
export class BacklogFullError extends Error {
  constructor(
    readonly reason: 'backlog_full' | 'batch_too_large',
    readonly backlog: number,
    readonly limit: number,
    readonly incoming: number,
    readonly retryAfterSeconds: number,
  ) {
    super(reason === 'backlog_full'
      ? `the processing backlog is full: ${backlog} items wait for processing (limit ${limit}); retry after ${retryAfterSeconds} s`
      : `this request's ${incoming} items would take the processing backlog (${backlog} items waiting) over its limit of ${limit}; retry after ${retryAfterSeconds} s or send fewer items`);
  }
}

/** Admitted items, held against the backlog until the request settles how many were actually new. */
export interface Reservation {
  /** Call once, with the number of new (non-duplicate) items committed; 0 when the request failed. */
  settle(committed: number): void;
}

export interface BacklogStatus {
  waiting: number;
  limit: number;
  refusing: boolean;
  source: string;
}

export interface IngestGateOptions {
  /** A cached reading older than this is refreshed before the next decision. */
  refreshMs?: number;
  /** Monotonic milliseconds. */
  now?: () => number;
  policy?: Partial<Omit<AdmissionPolicy, 'limit'>>;
}

export class IngestGate {
  private readonly policy: AdmissionPolicy;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private counted = 0;
  private countedAt = Number.NEGATIVE_INFINITY;
  /** Committed by this process since the last reading began (not in `counted` yet, or not surely). */
  private committedSinceCount = 0;
  /** Admitted by requests still running. */
  private inFlight = 0;
  private admittedTotal = 0;
  private refusing = false;
  private samples: BacklogSample[] = [];
  private refreshing: Promise<void> | null = null;

  constructor(private readonly source: BacklogSource, limit: number, opts: IngestGateOptions = {}) {
    this.policy = { ...DEFAULT_POLICY, ...opts.policy, limit };
    this.refreshMs = opts.refreshMs ?? 250;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Admits `incoming` items or throws BacklogFullError. The caller must settle the reservation. */
  async reserve(incoming: number): Promise<Reservation> {
    await this.fresh();
    const backlog = this.estimate();
    const d = decide({ backlog, incoming, refusing: this.refusing, policy: this.policy, samples: this.samples, now: this.now() });
    this.refusing = d.refusing;
    if (!d.accept) {
      metrics.ingestRefused.inc({ reason: d.reason });
      throw new BacklogFullError(d.reason, backlog, this.policy.limit, incoming, d.retryAfterSeconds);
    }
    this.inFlight += incoming;
    let settled = false;
    return {
      settle: (committed: number) => {
        if (settled) return;
        settled = true;
        this.inFlight -= incoming;
        this.committedSinceCount += committed;
        this.admittedTotal += committed;
      },
    };
  }

  async status(): Promise<BacklogStatus> {
    await this.fresh();
    return { waiting: this.estimate(), limit: this.policy.limit, refusing: this.refusing, source: this.source.name };
  }

  private estimate(): number {
    return this.counted + this.committedSinceCount + this.inFlight;
  }

  private async fresh(): Promise<void> {
    if (this.now() - this.countedAt < this.refreshMs) return;
    this.refreshing ??= this.refresh().finally(() => { this.refreshing = null; });
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    const at = this.now();
    const committedBefore = this.committedSinceCount;
    const admittedTotal = this.admittedTotal;
    const backlog = await this.source.read();
    // What was committed before the reading began is in it now; what was committed during it may be counted twice,
    // which errs toward refusing.
    this.counted = backlog;
    this.committedSinceCount -= committedBefore;
    this.countedAt = at;
    this.samples.push({ at, backlog, admittedTotal });
    const oldest = at - this.policy.rateWindowMs;
    if ((this.samples[0]?.at ?? at) < oldest) this.samples = this.samples.filter((s) => s.at >= oldest);
    metrics.ingestBacklog.set(backlog);
  }
}
