/**
 * Claiming review work: `claimNext` over a large open backlog (100k tasks across a few queues) against a floor
 * measured in the same run, a plain SELECT of the same next row through the same index (no transaction, no lease,
 * no event). Reports per-claim latency percentiles; SQLite, as the other scenarios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { claimNext, releaseClaim } from '../../src/review/claims.js';
import { migrate, openSqlite, type Store } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { nextClaimable, refreshReviewPriorities } from '../../src/store/repos/review-claims.js';
import { insertReviewTasks, type NewReviewTask } from '../../src/store/repos/review.js';
import { startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_TASKS = 100_000;
const CLAIMS = 2_000;
const WARMUP = 200;
const QUEUES = ['main', 'grooming', 'media', 'appeals'] as const;
const SEVERITIES = ['S0', 'S1', 'S2', 'S3'] as const;
const HOUR = 60 * 60 * 1000;
const LEASE_MS = 15 * 60 * 1000;

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const fmtMs = (ms: number) => `${ms.toFixed(3)} ms`;

/** A seeded backlog: severities, queues and SLA due times spread so priorities and ties vary. */
function backlog(n: number, now: number): NewReviewTask[] {
  let x = 7;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return Array.from({ length: n }, () => ({
    itemId: newId(), decisionId: newId(), queue: QUEUES[Math.floor(next() * QUEUES.length)] ?? 'main', category: 'BENCH',
    severity: SEVERITIES[Math.floor(next() * SEVERITIES.length)] ?? 'S3', slaDueAt: next() < 0.05 ? null : now + Math.round((next() * 96 - 24) * HOUR),
  }));
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<{ sorted: number[]; seconds: number; cpuSeconds: number }> {
  const each: number[] = [];
  const span = startSpan();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    each.push(performance.now() - t0);
  }
  return { sorted: each.sort((a, b) => a - b), ...span() };
}

async function usesIndexWithoutSort(store: Store): Promise<string> {
  const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT id FROM review_tasks WHERE queue = 'main' AND status = 'open'
    AND claimed_by IS NULL AND priority IS NOT NULL ORDER BY priority DESC, coalesce(sla_due_at, 9007199254740991), id LIMIT 1`.execute(store.db);
  const text = plan.rows.map((r) => r.detail).join('; ');
  if (!text.includes('review_tasks_claimable') || text.includes('TEMP B-TREE')) throw new BenchCheckError(`claim query does not walk the claimable index: ${text}`);
  // The two steps every claim runs before it: neither may touch the backlog.
  for (const [index, query] of [
    ['review_tasks_leases', `SELECT id, queue FROM review_tasks WHERE claimed_by IS NOT NULL AND lease_until < 1`],
    ['review_tasks_unscored', `SELECT id, status FROM review_tasks WHERE priority IS NULL AND queue IN ('main', 'media')`],
  ] as const) {
    const p = (await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`).execute(store.db)).rows.map((r) => r.detail).join('; ');
    if (!p.includes(index)) throw new BenchCheckError(`claim step does not use ${index}: ${p}`);
  }
  return text;
}

export const reviewScenario: Scenario = {
  name: 'review',
  description: 'claimNext over a 100k open review backlog vs a plain SELECT of the same next row',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_TASKS;
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-review-'));
    const store = openSqlite(join(dir, 'haven.db'));
    try {
      await migrate(store);
      const now = Date.now();
      log(`seeding ${n} open review tasks across ${QUEUES.length} queues`);
      const tasks = backlog(n, now);
      const seedSpan = startSpan();
      await store.db.transaction().execute((trx) => insertReviewTasks(trx, tasks, now - 48 * HOUR));
      const seeded = seedSpan();
      // Tasks are scored when created; the periodic refresh moves the overdue ones up.
      const unscored = Number((await store.db.selectFrom('review_tasks').select((eb) => eb.fn.countAll<number>().as('n')).where('priority', 'is', null)
        .executeTakeFirstOrThrow()).n);
      if (unscored !== 0) throw new BenchCheckError(`${unscored} of ${n} tasks were not scored when created`);
      log('refreshing priorities (overdue tasks move up)');
      const scoreSpan = startSpan();
      const scored = await store.db.transaction().execute((trx) => refreshReviewPriorities(trx, now));
      const scoring = scoreSpan();
      const plan = await usesIndexWithoutSort(store);

      const queuesFor = (i: number) => [QUEUES[i % QUEUES.length] ?? 'main'];
      log(`warm-up: ${WARMUP} of each (not reported)`);
      for (let i = 0; i < WARMUP; i++) {
        await nextClaimable(store.db, queuesFor(i)[0] ?? 'main', { lock: false });
        const c = await claimNext(store.db, { reviewer: 'warm', queues: queuesFor(i), leaseMs: LEASE_MS, now });
        if (c) await releaseClaim(store.db, { taskId: c.taskId, reviewer: 'warm' });
      }

      log(`baseline: ${CLAIMS} plain SELECTs of the next claimable row`);
      const select = await timeEach(CLAIMS, (i) => nextClaimable(store.db, queuesFor(i)[0] ?? 'main', { lock: false }));
      log(`claimNext of ${CLAIMS} distinct tasks (each stays leased)`);
      const taken = new Set<string>();
      const claim = await timeEach(CLAIMS, async (i) => {
        const c = await claimNext(store.db, { reviewer: `r${i % 50}`, queues: queuesFor(i), leaseMs: LEASE_MS, now });
        if (!c) throw new BenchCheckError(`claim ${i} found nothing`);
        taken.add(c.taskId);
      });
      if (taken.size !== CLAIMS) throw new BenchCheckError(`claimed ${taken.size} distinct tasks of ${CLAIMS}`);
      log(`claimNext across all ${QUEUES.length} queues, then release, ${CLAIMS} times`);
      const cycle = await timeEach(CLAIMS, async (i) => {
        const c = await claimNext(store.db, { reviewer: 'cycler', queues: [...QUEUES], leaseMs: LEASE_MS, now: now + i });
        if (!c) throw new BenchCheckError(`cycle claim ${i} found nothing`);
        if (!(await releaseClaim(store.db, { taskId: c.taskId, reviewer: 'cycler' }))) throw new BenchCheckError('release failed');
      });
      const events = Number((await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'review_claimed')
        .executeTakeFirstOrThrow()).n);
      if (events !== 2 * CLAIMS + WARMUP) throw new BenchCheckError(`expected ${2 * CLAIMS + WARMUP} review_claimed events, got ${events}`);
      log('done');

      const line = (name: string, s: number[]) => `${name}: p50 ${fmtMs(quantile(s, 0.5))}, p99 ${fmtMs(quantile(s, 0.99))}, max ${fmtMs(s.at(-1) ?? 0)}`;
      return {
        params: { tasks: n, queues: QUEUES.length, claims: CLAIMS, leaseMs: LEASE_MS, database: 'sqlite (WAL, synchronous=NORMAL)' },
        phases: [
          { label: 'seed: insert open tasks (one transaction)', items: n, ...seeded },
          { label: 'refresh priorities (the periodic step)', items: n, ...scoring },
          { label: 'baseline: plain SELECT of the next row', items: CLAIMS, seconds: select.seconds, cpuSeconds: select.cpuSeconds },
          { label: 'claimNext, one queue, distinct tasks', items: CLAIMS, seconds: claim.seconds, cpuSeconds: claim.cpuSeconds },
          { label: `claimNext over ${QUEUES.length} queues + release`, items: CLAIMS, seconds: cycle.seconds, cpuSeconds: cycle.cpuSeconds },
        ],
        ratios: [
          { label: 'claimNext vs plain SELECT, p50 (times slower)', value: quantile(claim.sorted, 0.5) / quantile(select.sorted, 0.5) },
          { label: 'claimNext vs plain SELECT, p99 (times slower)', value: quantile(claim.sorted, 0.99) / quantile(select.sorted, 0.99) },
        ],
        counts: { tasks: n, refreshedOverdue: scored, claimedDistinct: taken.size, reviewClaimedEvents: events },
        notes: [
          line('plain SELECT', select.sorted),
          line('claimNext (one queue)', claim.sorted),
          line(`claimNext (${QUEUES.length} queues) + release`, cycle.sorted),
          'a claim is two write transactions (score leftovers, then expire/select/lease/event); the baseline is one read',
          `query plan: ${plan}`,
        ],
      };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
