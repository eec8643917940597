/**
 * Distributed mode's throughput: the same items processed by 1 and by 2 worker processes on Postgres + NATS
 * JetStream, against Haven's single-process SQLite mode on the same machine in the same run.
 *
 * Each run pre-ingests every item (so ingest does not limit processing), then starts the workers and measures the
 * rate between 5% and 95% of items done, which leaves out process start-up and the last partial batches.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import type { Queryable } from '../../src/store/db.js';
import { jobCounts } from '../../src/store/repos/jobs.js';
import { BenchCheckError, type Phase, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 20_000;
const SEED = 3;
const RISKY_SHARE = 0.02;
const WORKER_BATCH = 200;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_PG_URL = process.env.HAVEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.HAVEN_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const MASTER_KEY = Buffer.alloc(32, 5).toString('base64');
const silent = pino({ level: 'silent' });

async function ingestAll(haven: Awaited<ReturnType<typeof openHaven>>, n: number): Promise<void> {
  const inputs = [...demoTextItems(n, SEED, Date.now(), RISKY_SHARE)];
  for (let i = 0; i < inputs.length; i += 500) {
    await haven.ingestor.ingest(await Promise.all(inputs.slice(i, i + 500).map((x) => haven.ingestor.prepare(x))), 'bench');
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 when it cannot be read. */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** Every Postgres server process on this machine (the bench's database shares the local cluster). */
function postgresPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
    } catch {
      return false;
    }
  });
}

/** CPU seconds used by the given processes over the measured window. */
function cpuMeter(pids: () => number[]): () => number {
  const start = new Map(pids().map((p) => [p, processCpuSeconds(p)]));
  return () => pids().reduce((sum, p) => sum + processCpuSeconds(p) - (start.get(p) ?? 0), 0);
}

/** Items/s between 5% and 95% done, polling the jobs table; `onStart` runs when the window opens. */
async function measure(q: Queryable, n: number, label: string, timeoutMs: number, onStart: () => void = () => {}): Promise<Phase> {
  const lo = Math.ceil(n * 0.05);
  const hi = Math.floor(n * 0.95);
  const deadline = Date.now() + timeoutMs;
  let start: number | null = null;
  let startDone = 0;
  for (;;) {
    const done = (await jobCounts(q)).done ?? 0;
    const now = performance.now();
    if (start === null && done >= lo) {
      start = now;
      startDone = done;
      onStart();
    }
    if (start !== null && done >= hi) return { label, items: done - startDone, seconds: (now - start) / 1000 };
    if (Date.now() > deadline) throw new BenchCheckError(`${label}: only ${done} of ${n} items done before the time limit`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sqliteSingleProcess(n: number): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-scale-'));
  const config = loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, { dataDir: dir, sqlitePath: join(dir, 'haven.db'), masterKey: MASTER_KEY, workerBatch: WORKER_BATCH });
  const haven = await openHaven(config, { logger: silent });
  try {
    await ingestAll(haven, n);
    // SQLite calls are synchronous, so a poller would not run between batches: count the batches' own jobs instead.
    const lo = Math.ceil(n * 0.05);
    const hi = Math.floor(n * 0.95);
    let done = 0;
    let from: { at: number; done: number } | null = null;
    for (;;) {
      const took = await haven.worker.runOnce();
      if (took === 0) break;
      done += took;
      const at = performance.now();
      if (!from && done >= lo) from = { at, done };
      if (from && done >= hi) return { label: 'SQLite, one process (embedded mode)', items: done - from.done, seconds: (at - from.at) / 1000 };
    }
    throw new BenchCheckError(`SQLite run processed only ${done} of ${n} items`);
  } finally {
    await haven.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function distributed(n: number, workers: number): Promise<{ phase: Phase; workerCpuMsPerItem: number; postgresCpuMsPerItem: number }> {
  const name = `haven_bench_scale_${process.pid}_${workers}`;
  const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_PG_URL);
  url.pathname = `/${name}`;
  const prefix = `bench${process.pid}w${workers}`;
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-scale-'));
  const config = loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, {
    dataDir: dir, databaseUrl: url.toString(), masterKey: MASTER_KEY, natsUrl: NATS_URL, natsPrefix: prefix, workerBatch: WORKER_BATCH,
  });
  const haven = await openHaven(config, { logger: silent });
  const children: ReturnType<typeof spawn>[] = [];
  try {
    await ingestAll(haven, n);
    const env = {
      ...process.env, HAVEN_DATABASE_URL: url.toString(), HAVEN_NATS_URL: NATS_URL, HAVEN_NATS_PREFIX: prefix, HAVEN_MASTER_KEY: MASTER_KEY,
      HAVEN_WORKER_BATCH: String(WORKER_BATCH), HAVEN_DEMO: 'false', HAVEN_LOG_LEVEL: 'error', HAVEN_DATA_DIR: dir,
    };
    for (let i = 0; i < workers; i++) {
      children.push(spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', 'worker', '--no-demo'], { cwd: ROOT, env, stdio: 'ignore' }));
    }
    let workerCpu: () => number = () => 0;
    let postgresCpu: () => number = () => 0;
    const phase = await measure(haven.store.db, n, `Postgres + NATS, ${workers} worker process${workers > 1 ? 'es' : ''}`, 30 * 60_000, () => {
      workerCpu = cpuMeter(() => children.flatMap((c) => (c.pid ? [c.pid] : [])));
      postgresCpu = cpuMeter(postgresPids);
    });
    const [w, p] = [workerCpu(), postgresCpu()];
    return { phase: { ...phase, cpuSeconds: w }, workerCpuMsPerItem: (w * 1000) / phase.items, postgresCpuMsPerItem: (p * 1000) / phase.items };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))));
    await haven.nats?.deleteStream();
    await haven.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const scaleScenario: Scenario = {
  name: 'scale',
  description: 'items/s with 1 and 2 worker processes on Postgres + NATS vs one SQLite process',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ITEMS;
    log(`SQLite, one process: ingest ${n} items, then process`);
    const sqlite = await sqliteSingleProcess(n);
    log(`Postgres + NATS, 1 worker process: ${n} items`);
    const one = await distributed(n, 1);
    log(`Postgres + NATS, 2 worker processes: ${n} items`);
    const two = await distributed(n, 2);
    const rate = (p: Phase) => p.items / p.seconds;
    const ms = (v: number) => v.toFixed(2);
    return {
      params: { items: n, seed: SEED, riskyShare: RISKY_SHARE, workerBatch: WORKER_BATCH, measured: 'items done between 5% and 95%' },
      phases: [sqlite, one.phase, two.phase],
      ratios: [
        { label: '1 worker process (Postgres + NATS) vs SQLite single process (x throughput)', value: rate(one.phase) / rate(sqlite) },
        { label: '2 worker processes vs SQLite single process (x throughput)', value: rate(two.phase) / rate(sqlite) },
        { label: '2 worker processes vs 1 (x throughput)', value: rate(two.phase) / rate(one.phase) },
      ],
      counts: { items: n },
      notes: [
        `CPU per item, 1 worker: worker ${ms(one.workerCpuMsPerItem)} ms, Postgres ${ms(one.postgresCpuMsPerItem)} ms; 2 workers: workers ${ms(two.workerCpuMsPerItem)} ms, Postgres ${ms(two.postgresCpuMsPerItem)} ms (cpu s column: the worker processes)`,
        'all processes share this machine\'s cores with Postgres and NATS: on 2 cores a second worker competes with the database for CPU',
        'each run pre-ingests every item, so the rate is processing only (detectors, decisions, actions, events, job leases and acks)',
      ],
    };
  },
};
