/**
 * Haven end to end (ingest -> worker -> detectors, decisions, actions, events) against the cost floor of merely
 * storing the same items: bare batched inserts into `items` on a database with the same schema and pragmas.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Insertable } from 'kysely';
import { openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { toEpochMs } from '../../src/core/item-input.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import { contentDigest } from '../../src/hashing/digests.js';
import type { PreparedItem } from '../../src/pipeline/ingest.js';
import { migrate, openSqlite, toJson } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import type { ItemsTable } from '../../src/store/schema.js';
import { type Span, startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 100_000;
const SEED = 1;
/** What `haven ingest` uses per transaction. */
const INGEST_BATCH = 500;
const WORKER_BATCH = 500;
const WARMUP_ITEMS = 1_000;


/** A throwaway directory, removed however `fn` ends. */
async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Database size including the WAL, which holds most of a fresh write-heavy database until a checkpoint. */
function dbMiB(path: string): number {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return (size(path) + size(`${path}-wal`)) / 2 ** 20;
}

function check(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new BenchCheckError(`${what}: expected ${expected}, got ${actual}; the bench did not measure the full pipeline`);
}

interface HavenRun {
  ingest: Span;
  processing: Span;
  counts: Record<string, number>;
  dbMiB: number;
}

async function runHaven(n: number, dir: string): Promise<HavenRun> {
  const dataDir = join(dir, 'haven');
  const config = loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, { dataDir, sqlitePath: join(dataDir, 'haven.db'), workerBatch: WORKER_BATCH });
  const haven = await openHaven(config);
  try {
    let accepted = 0;
    let duplicates = 0;
    const ingestSpan = startSpan();
    // Streamed: at most one batch of prepared items is alive at a time, so memory does not grow with n.
    let pending: PreparedItem[] = [];
    const flush = async () => {
      for (const r of await haven.ingestor.ingest(pending, 'bench')) (r.duplicate ? duplicates++ : accepted++);
      pending = [];
    };
    for (const input of demoTextItems(n, SEED)) {
      pending.push(await haven.ingestor.prepare(input));
      if (pending.length >= INGEST_BATCH) await flush();
    }
    if (pending.length > 0) await flush();
    const ingest = ingestSpan();

    const processSpan = startSpan();
    while ((await haven.worker.runOnce()) > 0) {}
    const processing = processSpan();

    const { db } = haven.store;
    const count = async (table: 'items' | 'decisions' | 'signals' | 'actions' | 'events' | 'review_tasks') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tally = (rows: { key: string; n: number | string }[]) => new Map(rows.map((r) => [r.key, Number(r.n)]));
    const itemStatus = tally(await db.selectFrom('items').select(['status as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute());
    const jobStatus = tally(await db.selectFrom('jobs').select(['status as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute());
    const eventTypes = tally(await db.selectFrom('events').select(['type as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('type').execute());
    const counts: Record<string, number> = {
      accepted, duplicates,
      items: await count('items'),
      processed: itemStatus.get('processed') ?? 0,
      jobsDone: jobStatus.get('done') ?? 0,
      decisions: await count('decisions'),
      signals: await count('signals'),
      actions: await count('actions'),
      reviewTasks: await count('review_tasks'),
      events: await count('events'),
      ...Object.fromEntries([...eventTypes].sort().map(([t, c]) => [`events.${t}`, c])),
    };
    // Loud failure: a fresh database must end with exactly one processed item, job and decision per input.
    check('new items accepted', accepted, n);
    check('items stored', counts.items ?? 0, n);
    check('items processed', counts.processed ?? 0, n);
    check('jobs done', counts.jobsDone ?? 0, n);
    check('decisions written', counts.decisions ?? 0, n);
    check('item_ingested events', counts['events.item_ingested'] ?? 0, n);
    check('decision events', counts['events.decision'] ?? 0, n);
    return { ingest, processing, counts, dbMiB: dbMiB(config.sqlitePath) };
  } finally {
    await haven.close();
  }
}

/** The same item rows Haven stores, written with nothing else: no accounts, events, jobs or detectors. */
async function runBaseline(n: number, dir: string): Promise<{ span: Span; rows: number; dbMiB: number }> {
  const path = join(dir, 'baseline', 'baseline.db');
  const store = openSqlite(path);
  try {
    await migrate(store);
    // Stand-ins for account ids, so author_id and recipient_ids have the same size as Haven's.
    const accountIds = new Map<string, string>();
    const accountId = (externalId: string) => {
      let id = accountIds.get(externalId);
      if (!id) {
        id = newId();
        accountIds.set(externalId, id);
      }
      return id;
    };
    const span = startSpan();
    let batch: Insertable<ItemsTable>[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      await store.db.transaction().execute((trx) => trx.insertInto('items').values(rows).execute());
    };
    let now = Date.now();
    for (const input of demoTextItems(n, SEED)) {
      batch.push({
        id: newId(), external_id: input.externalId, content_digest: contentDigest(input.text, []), surface: input.surface,
        kind: input.kind ?? 'text', text: input.text ?? null, author_id: input.author ? accountId(input.author.externalId) : null,
        conversation_id: input.conversationId ?? null, recipient_ids: toJson((input.recipients ?? []).map((r) => accountId(r.externalId))),
        created_at: toEpochMs(input.createdAt, now), ingested_at: now, metadata: toJson(input.metadata ?? {}), status: 'pending',
      });
      if (batch.length >= INGEST_BATCH) {
        await flush();
        now = Date.now();
      }
    }
    if (batch.length > 0) await flush();
    const took = span();
    const rows = Number((await store.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    check('baseline rows', rows, n);
    return { span: took, rows, dbMiB: dbMiB(path) };
  } finally {
    await store.close();
  }
}

/** The generator alone: its cost is inside both the Haven and the baseline timings. */
function runGenerator(n: number): Span {
  const span = startSpan();
  let chars = 0;
  for (const input of demoTextItems(n, SEED)) chars += input.text?.length ?? 0;
  if (chars === 0 && n > 0) throw new BenchCheckError('generator produced no text');
  return span();
}

export const ingestScenario: Scenario = {
  name: 'ingest',
  description: 'Haven ingest + processing on SQLite vs bare batched inserts of the same items',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ITEMS;
    const warm = Math.min(WARMUP_ITEMS, n);
    log(`warm-up: ${warm} items through both paths on throwaway databases (not reported)`);
    await inTempDir((dir) => runHaven(warm, dir));
    await inTempDir((dir) => runBaseline(warm, dir));

    log(`generator only: ${n} items`);
    const gen = runGenerator(n);
    log(`baseline: ${n} bare inserts, ${INGEST_BATCH} per transaction`);
    const base = await inTempDir((dir) => runBaseline(n, dir));
    log(`haven: ingest ${n} items (${INGEST_BATCH} per transaction), then process (worker batch ${WORKER_BATCH})`);
    const haven = await inTempDir((dir) => runHaven(n, dir));
    log('done');

    const endToEnd = haven.ingest.seconds + haven.processing.seconds;
    const c = haven.counts;
    return {
      params: { items: n, seed: SEED, ingestBatch: INGEST_BATCH, workerBatch: WORKER_BATCH, warmupItems: warm, database: 'sqlite (WAL, synchronous=NORMAL)' },
      phases: [
        { label: 'generator only (no storage)', items: n, ...gen },
        { label: 'baseline: bare inserts into items', items: n, ...base.span },
        { label: 'haven: ingest (prepare + ingest)', items: n, ...haven.ingest },
        { label: 'haven: processing (worker.runOnce)', items: n, ...haven.processing },
        { label: 'haven: end to end', items: n, seconds: endToEnd, cpuSeconds: haven.ingest.cpuSeconds + haven.processing.cpuSeconds },
      ],
      ratios: [
        { label: 'haven ingest alone vs baseline (times slower)', value: haven.ingest.seconds / base.span.seconds },
        { label: 'haven end to end vs baseline (times slower)', value: endToEnd / base.span.seconds },
        // CPU ratios survive a busy machine better than wall-clock ones.
        { label: 'haven end to end vs baseline, CPU time (times more)', value: (haven.ingest.cpuSeconds + haven.processing.cpuSeconds) / base.span.cpuSeconds },
      ],
      counts: c,
      notes: [
        `per item: ${((c.events ?? 0) / n).toFixed(2)} events, ${((c.signals ?? 0) / n).toFixed(3)} signals, ` +
          `${((c.decisions ?? 0) / n).toFixed(2)} decisions, ${((c.actions ?? 0) / n).toFixed(3)} actions, ${((c.reviewTasks ?? 0) / n).toFixed(3)} review tasks`,
        `database size: haven ${haven.dbMiB.toFixed(1)} MiB, baseline ${base.dbMiB.toFixed(1)} MiB (file + WAL)`,
        'generator time is included in the baseline and haven ingest timings; inputs are not zod-validated (the API/CLI would)',
      ],
    };
  },
};
