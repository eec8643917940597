/**
 * Crash harness: runs a real `haven serve` process on a data directory (SQLite, or Postgres with HAVEN_DATABASE_URL),
 * SIGKILLs it at a moment chosen from a seeded PRNG, and restarts it on the same data. The seed is printed with
 * every failure; CRASH_SEED=<n> replays a run's choices (the kill points; the scheduler's timing still varies).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { Rng } from '../../src/demo/random.js';
import { type BackgroundHaven, startHavenProcess, waitFor } from './cli.js';
import { crashSeed } from './crash-cli.js';

/** A TCP port nobody listens on right now (the server is restarted on the same one, so clients keep their URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}


interface Readyz {
  status: string;
  jobs: Record<string, number>;
  outbox: Record<string, number>;
}

export interface CrashServerOptions {
  dataDir: string;
  /** HAVEN_* settings of the server (master key, database URL, webhook...). Demo seeding is always off. */
  env: Record<string, string | undefined>;
  seed?: number;
}

/** One Haven server across its lives: start, SIGKILL, start again on the same data and port. */
export class CrashServer {
  readonly seed: number;
  /** The seeded sequence every random choice of the scenario comes from. */
  readonly rng: Rng;
  readonly kills: { generation: number; afterMs: number }[] = [];
  port = 0;
  private current: BackgroundHaven | null = null;
  private generation = 0;
  private readonly output: string[] = [];

  constructor(private readonly t: TestContext, private readonly opts: CrashServerOptions) {
    this.seed = opts.seed ?? crashSeed();
    this.rng = new Rng(this.seed);
    t.diagnostic(`CRASH_SEED=${this.seed}`);
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A whole number in [min, max] from the seeded sequence. */
  pick(min: number, max: number): number {
    return this.rng.int(min, max);
  }

  /** Starts `haven serve` (API, worker and outbox in one process) and waits until /readyz answers. */
  async start(): Promise<void> {
    assert.equal(this.current, null, 'the previous process is still running');
    if (this.port === 0) this.port = await freePort();
    this.generation++;
    const env = { HAVEN_DEMO: 'false', HAVEN_LOG_LEVEL: 'warn', ...this.opts.env };
    const proc = startHavenProcess(this.t, ['serve', '--port', String(this.port), '--no-demo'], { dataDir: this.opts.dataDir, env });
    this.current = proc;
    try {
      await waitFor(`haven serve (life ${this.generation}) to answer /readyz`, async () => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`haven serve exited early\n${this.logs()}`);
        return (await this.readyz()) !== null;
      }, { timeoutMs: 60_000, intervalMs: 100 });
    } catch (e) {
      this.keepOutput(proc);
      throw e;
    }
  }

  /** SIGKILLs the running process (no shutdown hooks run) and waits until it is gone. */
  async kill(): Promise<void> {
    const proc = this.current;
    assert.ok(proc, 'no process to kill');
    proc.child.kill('SIGKILL');
    const exit = await proc.exited;
    this.keepOutput(proc);
    this.current = null;
    assert.equal(exit.signal, 'SIGKILL', `the process exited on its own before the kill (code ${exit.code})\n${this.logs()}`);
  }

  /** Waits a random 0..maxMs (seeded), then SIGKILLs. */
  async killAfterRandomDelay(maxMs: number): Promise<number> {
    const afterMs = this.pick(0, maxMs);
    await sleep(afterMs);
    this.kills.push({ generation: this.generation, afterMs });
    await this.kill();
    return afterMs;
  }

  /** Graceful stop (SIGTERM); the process must exit with code 0. */
  async stop(): Promise<void> {
    const proc = this.current;
    if (!proc) return;
    const exit = await proc.stop('SIGTERM', 15_000);
    this.keepOutput(proc);
    this.current = null;
    assert.deepEqual(exit, { code: 0, signal: null }, `haven serve did not shut down cleanly\n${this.logs()}`);
  }

  /** /readyz's body, or null while the server is not answering. */
  async readyz(): Promise<Readyz | null> {
    try {
      const res = await fetch(`${this.base}/readyz`, { signal: AbortSignal.timeout(5000) });
      return res.ok ? ((await res.json()) as Readyz) : null;
    } catch {
      return null;
    }
  }

  /**
   * Waits until no processing job is pending or leased and, with `outbox`, no platform action waits for delivery.
   * Leases held by a killed process must run out first, so keep HAVEN_LEASE_MS short in crash tests.
   */
  async waitDrained(opts: { outbox: boolean; timeoutMs?: number }): Promise<Readyz> {
    return waitFor('the pipeline (and outbox) to drain', async () => {
      const r = await this.readyz();
      if (!r) return undefined;
      const jobsBusy = (r.jobs.pending ?? 0) + (r.jobs.leased ?? 0);
      const outboxBusy = opts.outbox ? (r.outbox.pending ?? 0) : 0;
      return jobsBusy === 0 && outboxBusy === 0 ? r : undefined;
    }, { timeoutMs: opts.timeoutMs ?? 90_000, intervalMs: 200 });
  }

  /** The output of every life so far (tails), for failure messages. */
  logs(): string {
    const live = this.current ? [`--- life ${this.generation} (running)\n${this.current.stdout().slice(-2000)}${this.current.stderr().slice(-2000)}`] : [];
    return [...this.output, ...live].join('\n');
  }

  private keepOutput(proc: BackgroundHaven): void {
    this.output.push(`--- life ${this.generation}\n${proc.stdout().slice(-2000)}${proc.stderr().slice(-2000)}`);
  }
}

/** Runs `fn`, adding the seed (and the kill points) to any failure so the run can be replayed. */
export async function reportingSeed<T>(server: CrashServer, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const where = `reproduce with CRASH_SEED=${server.seed} (kills: ${JSON.stringify(server.kills)})\n${server.logs().slice(-6000)}`;
    if (e instanceof Error) {
      e.message = `${e.message}\n${where}`;
      throw e;
    }
    throw new Error(`${String(e)}\n${where}`);
  }
}
