/**
 * HTTP load on ingest: autocannon against `POST /v1/items` of a Haven child process (SQLite, processing running),
 * against the same run on `GET /healthz` (the HTTP stack's ceiling on this machine). Then backpressure: a Haven with
 * a small HAVEN_MAX_BACKLOG and processing paused answers 429 with Retry-After; processing resumes and ingest
 * reopens; finally sustained overload with processing running.
 *
 * BENCH_LOAD_SECONDS (default 10) sets each load run's length, BENCH_LOAD_CONNECTIONS (default 10) the concurrent
 * connections, BENCH_LOAD_BACKLOG (default 2000) the small backlog limit of the second half.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { ItemInput } from '../../src/core/item-input.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import type { LoadServerCommand, LoadServerMessage } from '../load-server.js';
import { BenchCheckError, type Phase, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const SERVER_SCRIPT = fileURLToPath(new URL('../load-server.ts', import.meta.url));
const POOL = 5_000;
const DRAIN_TIMEOUT_MS = 5 * 60_000;
const OVERLOAD_BATCH = 500;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return n;
}

/** A Haven child process on a loopback port, steered over IPC. */
class HavenChild {
  private nextId = 1;
  private readonly waiting = new Map<number, (v: number) => void>();

  private constructor(private readonly child: ChildProcess, readonly url: string, readonly key: string) {
    child.on('message', (m: LoadServerMessage) => {
      if (m.type === 'reply') {
        this.waiting.get(m.id)?.(m.value);
        this.waiting.delete(m.id);
      }
    });
  }

  static start(env: Record<string, string>): Promise<HavenChild> {
    const child = fork(SERVER_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env, HAVEN_DEMO: 'false', HAVEN_LOG_LEVEL: 'silent',
        // The bench measures ingest, not the per-client rate limits.
        HAVEN_RATE_LIMIT_PER_MINUTE: '1000000000', HAVEN_API_KEY_RATE_LIMIT_PER_MINUTE: '1000000000', ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the Haven child process exited (${code}) before it was ready`)));
      child.once('message', (m: LoadServerMessage) => {
        if (m.type === 'ready') resolve(new HavenChild(child, `http://127.0.0.1:${m.port}`, m.key));
      });
    });
  }

  command(op: LoadServerCommand['op']): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, op } satisfies LoadServerCommand);
    });
  }

  async stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.command('stop').catch(() => undefined);
    await exited;
  }
}

interface LoadRun {
  result: autocannon.Result;
  /** The Haven child's CPU seconds over the run. */
  serverCpu: number;
  retryAfter: number[];
  /** performance.now() of the first 2xx answer, if any. */
  first2xxAt: number | null;
}

const inputs: ItemInput[] = [...demoTextItems(POOL, 7)];
let sequence = 0;

/** A unique small text item per request: the demo generator's lines, each under a fresh external id. */
function nextItemBody(): string {
  const n = sequence++;
  const input = inputs[n % POOL] as ItemInput;
  return JSON.stringify({ ...input, externalId: `load_${process.pid}_${n}` });
}

/** A batch request body of `size` unique items. */
function nextBatchBody(size: number): string {
  return `{"items":[${Array.from({ length: size }, nextItemBody).join(',')}]}`;
}

async function load(haven: HavenChild, opts: { path: string; seconds: number; connections: number; post: boolean; batch?: number }): Promise<LoadRun> {
  const retryAfter: number[] = [];
  let first2xxAt: number | null = null;
  const cpuBefore = await haven.command('cpu');
  const result = await autocannon({
    url: `${haven.url}${opts.path}`,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.post
      ? {
        method: 'POST' as const,
        headers: { authorization: `Bearer ${haven.key}`, 'content-type': 'application/json' },
        requests: [{
          setupRequest: (req: autocannon.Request) => ({ ...req, body: opts.batch ? nextBatchBody(opts.batch) : nextItemBody() }),
          onResponse: (status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
            if (status === 202) first2xxAt ??= performance.now();
            if (status !== 429 || !headers) return;
            const value = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
            retryAfter.push(Number(Array.isArray(value) ? value[0] : value));
          },
        }],
      }
      : {}),
  });
  return { result, serverCpu: (await haven.command('cpu')) - cpuBefore, retryAfter, first2xxAt };
}

const status = (r: autocannon.Result, code: number) => r.statusCodeStats?.[`${code}`]?.count ?? 0;
const ms = (v: number) => `${v.toFixed(1)} ms`;

function summary(values: number[]): string {
  if (values.length === 0) return 'none';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const distinct = new Map<number, number>();
  for (const v of sorted) distinct.set(v, (distinct.get(v) ?? 0) + 1);
  const spread = distinct.size <= 6 ? ` (${[...distinct].map(([v, n]) => `${v} s x${n}`).join(', ')})` : '';
  return `min ${sorted[0]} s, median ${at(0.5)} s, max ${sorted.at(-1)} s${spread}`;
}

async function waitFor(what: string, probe: () => Promise<boolean>, intervalMs: number): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new BenchCheckError(`${what} did not happen within ${DRAIN_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return (performance.now() - started) / 1000;
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-load-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const loadScenario: Scenario = {
  name: 'load',
  description: 'HTTP ingest under autocannon (SQLite child process) vs GET /healthz; then backpressure: 429 + Retry-After and recovery',
  async run({ log }: ScenarioOptions): Promise<ScenarioResult> {
    const seconds = envInt('BENCH_LOAD_SECONDS', 10);
    const connections = envInt('BENCH_LOAD_CONNECTIONS', 10);
    const smallBacklog = envInt('BENCH_LOAD_BACKLOG', 2000);
    const overloadSeconds = Math.max(2, Math.round(seconds / 2));
    const phases: Phase[] = [];
    const counts: Record<string, number> = {};
    const notes: string[] = [];

    // Part 1: throughput, processing running, the default backlog limit.
    const part1 = await inTempDir(async (dir) => {
      const haven = await HavenChild.start({ HAVEN_DATA_DIR: dir });
      try {
        log('warm-up: 2 s of each route (not reported)');
        await load(haven, { path: '/healthz', seconds: 2, connections, post: false });
        await load(haven, { path: '/v1/items', seconds: 2, connections, post: true });
        await waitFor('warm-up drain', async () => (await haven.command('backlog')) === 0, 100);
        const processedBefore = await haven.command('processed');
        const storedBefore = await haven.command('items');

        log(`baseline: GET /healthz, ${connections} connections, ${seconds} s`);
        const health = await load(haven, { path: '/healthz', seconds, connections, post: false });
        log(`ingest: POST /v1/items, ${connections} connections, ${seconds} s, processing running`);
        const started = performance.now();
        const ingest = await load(haven, { path: '/v1/items', seconds, connections, post: true });
        const backlogAtEnd = await haven.command('backlog');
        const processedDuringLoad = (await haven.command('processed')) - processedBefore;
        log(`draining the backlog of ${backlogAtEnd} items`);
        const cpuBeforeDrain = await haven.command('cpu');
        await waitFor('backlog drain', async () => (await haven.command('backlog')) === 0, 100);
        const drainCpu = (await haven.command('cpu')) - cpuBeforeDrain;
        const pipelineSeconds = (performance.now() - started) / 1000;
        const processed = (await haven.command('processed')) - processedBefore;
        // Autocannon stops counting at the deadline; the requests still in flight then were stored all the same.
        const stored = (await haven.command('items')) - storedBefore;
        return { health, ingest, backlogAtEnd, processedDuringLoad, processed, stored, pipelineSeconds, drainCpu };
      } finally {
        await haven.stop();
      }
    });
    const { health, ingest } = part1;
    const accepted = ingest.result['2xx'];
    if (ingest.result.non2xx > 0 || ingest.result.errors > 0) {
      throw new BenchCheckError(`ingest under the default backlog limit answered ${ingest.result.non2xx} non-2xx and ${ingest.result.errors} errors`);
    }
    if (part1.processed !== part1.stored || accepted > part1.stored) {
      throw new BenchCheckError(`${accepted} items answered 202, ${part1.stored} stored, ${part1.processed} processed`);
    }
    phases.push(
      { label: 'GET /healthz (HTTP ceiling), requests', items: health.result['2xx'], seconds: health.result.duration, cpuSeconds: health.serverCpu },
      { label: 'POST /v1/items, items accepted', items: accepted, seconds: ingest.result.duration, cpuSeconds: ingest.serverCpu },
      { label: 'pipeline: processed, during load', items: part1.processedDuringLoad, seconds: ingest.result.duration },
      { label: 'pipeline: ingest start to drained', items: part1.processed, seconds: part1.pipelineSeconds, cpuSeconds: ingest.serverCpu + part1.drainCpu },
    );
    notes.push(
      `GET /healthz: p50 ${ms(health.result.latency.p50)}, p99 ${ms(health.result.latency.p99)}, ${Math.round(health.result.requests.average)} req/s`,
      `POST /v1/items: p50 ${ms(ingest.result.latency.p50)}, p99 ${ms(ingest.result.latency.p99)}, ${Math.round(ingest.result.requests.average)} req/s ` +
        `(= items/s), non-2xx ${ingest.result.non2xx}, backlog at the end of the run ${part1.backlogAtEnd}`,
    );

    // Part 2: backpressure. A small limit, processing paused, then resumed.
    const part2 = await inTempDir(async (dir) => {
      const haven = await HavenChild.start({ HAVEN_DATA_DIR: dir, HAVEN_MAX_BACKLOG: String(smallBacklog), BENCH_PROCESSING: 'paused' });
      try {
        log(`filling the backlog to its limit of ${smallBacklog} with batches, processing paused`);
        let fillStatus = 202;
        while (fillStatus === 202) {
          const res = await fetch(`${haven.url}/v1/items/batch`, { method: 'POST', headers: { authorization: `Bearer ${haven.key}`, 'content-type': 'application/json' }, body: nextBatchBody(100) });
          await res.arrayBuffer();
          fillStatus = res.status;
        }
        if (fillStatus !== 429) throw new BenchCheckError(`filling the backlog ended with ${fillStatus}, not 429`);
        const backlogFilled = await haven.command('backlog');
        // Paused, every stored item waits: a batch refused half-way would show up as stored items over the backlog.
        const storedFilled = await haven.command('items');
        if (storedFilled !== backlogFilled || backlogFilled > smallBacklog) {
          throw new BenchCheckError(`after filling: ${storedFilled} items stored, ${backlogFilled} waiting, limit ${smallBacklog}`);
        }
        log(`overload: ${backlogFilled} waiting, processing paused, ${overloadSeconds} s of single-item POSTs`);
        const paused = await load(haven, { path: '/v1/items', seconds: overloadSeconds, connections, post: true });
        const backlogPaused = await haven.command('backlog');
        log(`resume processing under the same load for ${seconds} s: until ingest reopens, and the backlog drains`);
        await haven.command('resume');
        const resumed = performance.now();
        const recovering = await load(haven, { path: '/v1/items', seconds, connections, post: true });
        if (recovering.first2xxAt === null) throw new BenchCheckError(`ingest did not reopen within ${seconds} s of resuming processing`);
        const reopenSeconds = (recovering.first2xxAt - resumed) / 1000;
        await waitFor('backlog drain', async () => (await haven.command('backlog')) === 0, 20);
        const drainedSeconds = (performance.now() - resumed) / 1000;
        // Single items do not outpace the worker on this path; batches do, so the limit is reached with the worker
        // draining, and Retry-After follows the measured drain rate instead of the cap.
        log(`sustained overload: batches of ${OVERLOAD_BATCH}, processing running, ${seconds} s`);
        const processedBefore = await haven.command('processed');
        const sustained = await load(haven, { path: '/v1/items/batch', seconds, connections, post: true, batch: OVERLOAD_BATCH });
        const processedSustained = (await haven.command('processed')) - processedBefore;
        const maxBacklogAfter = await haven.command('backlog');
        return { backlogFilled, paused, backlogPaused, recovering, reopenSeconds, drainedSeconds, sustained, processedSustained, maxBacklogAfter };
      } finally {
        await haven.stop();
      }
    });
    const { paused, sustained } = part2;
    if (paused.result['2xx'] > smallBacklog) throw new BenchCheckError(`${paused.result['2xx']} items admitted over a backlog limit of ${smallBacklog}`);
    if (status(paused.result, 429) === 0) throw new BenchCheckError('no 429 while the backlog was full');
    if (part2.backlogPaused > smallBacklog) throw new BenchCheckError(`backlog ${part2.backlogPaused} over the limit ${smallBacklog}`);
    phases.push(
      { label: `paused, limit ${smallBacklog}: items accepted`, items: paused.result['2xx'], seconds: paused.result.duration, cpuSeconds: paused.serverCpu },
      { label: `paused, limit ${smallBacklog}: 429 answers`, items: status(paused.result, 429), seconds: paused.result.duration },
      { label: 'resumed under load: items accepted', items: part2.recovering.result['2xx'], seconds: part2.recovering.result.duration, cpuSeconds: part2.recovering.serverCpu },
      { label: 'resumed under load: 429 answers', items: status(part2.recovering.result, 429), seconds: part2.recovering.result.duration },
      { label: `batches of ${OVERLOAD_BATCH}, processing on: items accepted`, items: sustained.result['2xx'] * OVERLOAD_BATCH, seconds: sustained.result.duration, cpuSeconds: sustained.serverCpu },
      { label: `batches of ${OVERLOAD_BATCH}, processing on: items processed`, items: part2.processedSustained, seconds: sustained.result.duration },
    );
    notes.push(
      `filled with batches of 100 to ${part2.backlogFilled} waiting (a batch that would overfill is refused whole), then single items, paused: ${paused.result['2xx']} accepted then ${status(paused.result, 429)} x 429, p50 ${ms(paused.result.latency.p50)}, p99 ${ms(paused.result.latency.p99)}; ` +
        `Retry-After ${summary(paused.retryAfter)} (nothing drains, so the cap)`,
      `resumed with clients still sending: first 202 after ${part2.reopenSeconds.toFixed(2)} s (the backlog had to fall below 90% of ${smallBacklog}); ` +
        `${status(part2.recovering.result, 429)} x 429 before and between, Retry-After ${summary(part2.recovering.retryAfter)} (from the measured drain rate); ` +
        `backlog empty ${part2.drainedSeconds.toFixed(2)} s after resuming (the clients stopped at ${seconds} s)`,
      `sustained overload, batches of ${OVERLOAD_BATCH} with processing running: ${sustained.result['2xx']} batches accepted, ${status(sustained.result, 429)} x 429, ` +
        `p50 ${ms(sustained.result.latency.p50)}, p99 ${ms(sustained.result.latency.p99)}; ` +
        `Retry-After ${summary(sustained.retryAfter)}; backlog at the end ${part2.maxBacklogAfter}`,
      'server CPU is the Haven child process\'s; autocannon runs in the bench process on the same machine',
    );
    Object.assign(counts, {
      healthzRequests: health.result['2xx'], ingestAccepted: accepted, ingestNon2xx: ingest.result.non2xx, stored: part1.stored, processed: part1.processed,
      pausedAccepted: paused.result['2xx'], paused429: status(paused.result, 429), pausedOther: paused.result.non2xx - status(paused.result, 429),
      recoveringAccepted: part2.recovering.result['2xx'], recovering429: status(part2.recovering.result, 429),
      sustainedBatchesAccepted: sustained.result['2xx'], sustained429: status(sustained.result, 429),
    });
    const ingestRps = ingest.result.requests.average;
    return {
      params: { seconds, connections, smallBacklog, overloadSeconds, overloadBatch: OVERLOAD_BATCH, database: 'sqlite', processing: 'in the server process', item: 'demo text item, unique externalId' },
      phases,
      ratios: [
        { label: 'POST /v1/items req/s vs GET /healthz req/s (share of the HTTP ceiling)', value: ingestRps / health.result.requests.average },
        { label: 'POST /v1/items p99 vs GET /healthz p99 (times slower)', value: ingest.result.latency.p99 / Math.max(0.001, health.result.latency.p99) },
        { label: 'ingest items/s vs pipeline items/s ingest start to drained (times faster)', value: (accepted / ingest.result.duration) / (part1.processed / part1.pipelineSeconds) },
      ],
      counts,
      notes,
    };
  },
};
