// A worker process for test/store/multi-process.test.ts: opens the Postgres store, claims one kind of work until
// none is left, and writes one JSON line per claim and per completion to stdout for the parent to check.
// Usage: node --import tsx test/helpers/contender.ts '<json options>'
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { openStore, type Store } from '../../src/store/db.js';
import { claimJobs, completeJobs } from '../../src/store/repos/jobs.js';
import { claimDueActions, outboxCounts } from '../../src/store/repos/outbox.js';
import { contenderOptionsSchema, type ParsedContenderOptions } from './contender-protocol.js';
import { testLogger } from './logging.js';

const silent = testLogger();
const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Blocks until killed: the leases stay taken and nothing ever completes them. */
function hangForever(): Promise<never> {
  return new Promise(() => setInterval(() => {}, 60_000));
}

async function runJobs(store: Store, o: Extract<ParsedContenderOptions, { kind: 'jobs' }>): Promise<void> {
  for (;;) {
    const now = Date.now();
    const jobs = await store.db.transaction().execute((trx) => claimJobs(trx, { owner: o.owner, limit: o.batch, leaseMs: o.leaseMs, now }));
    if (jobs.length > 0) {
      // `now` is the claim's clock (the lease runs to now + leaseMs); `at` is after the claim committed.
      emit({ event: 'claimed', owner: o.owner, ids: jobs.map((j) => j.id), now, at: Date.now() });
      if (o.crash) return hangForever();
      const before = Date.now();
      const done = await store.db.transaction().execute((trx) => completeJobs(trx, jobs.map((j) => j.id), o.owner, Date.now()));
      emit({ event: 'completed', owner: o.owner, ids: [...done], before, at: Date.now() });
      continue;
    }
    // Nothing due: done when nothing is left at all, else some lease is still running out.
    const left = await store.db.selectFrom('jobs').select('id').where('status', '!=', 'done').limit(1).execute();
    if (left.length === 0) return;
    await sleep(100);
  }
}

async function runOutbox(store: Store, o: Extract<ParsedContenderOptions, { kind: 'outbox' }>): Promise<void> {
  if (o.crash) {
    // What WebhookOutbox.runOnce does first, then the process stops before any delivery.
    const now = Date.now();
    const ids = await store.db.transaction().execute((trx) => claimDueActions(trx, { owner: o.owner, limit: o.batch, leaseMs: o.leaseMs, now }));
    emit({ event: 'claimed', owner: o.owner, ids, now, at: Date.now() });
    return hangForever();
  }
  // Loaded only by the kind that needs it: each process starts faster on a busy machine.
  const { WebhookOutbox } = await import('../../src/enforcement/outbox.js');
  const outbox = new WebhookOutbox(store, {
    url: o.url, secret: o.secret, clock: { now: () => Date.now() }, logger: silent, owner: o.owner, batchSize: o.batch, leaseMs: o.leaseMs,
  });
  for (;;) {
    const taken = await outbox.runOnce();
    if (taken > 0) {
      emit({ event: 'delivered', owner: o.owner, count: taken, at: Date.now() });
      continue;
    }
    if (((await outboxCounts(store.db)).pending ?? 0) === 0) return;
    await sleep(100);
  }
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

async function runReview(store: Store, o: Extract<ParsedContenderOptions, { kind: 'review' }>): Promise<void> {
  const [{ AppealService }, { releaseClaim }, { ReviewService }] = await Promise.all([
    import('../../src/enforcement/appeals/service.js'), import('../../src/review/claims.js'), import('../../src/review/service.js'),
  ]);
  const clock = { now: () => Date.now() };
  const service = new ReviewService(store, clock, new AppealService(store, clock), null);
  const reviewer = { label: o.owner, userId: o.userId, roles: o.roles };
  const givenBack = new Set<string>();
  for (;;) {
    const { task } = await service.claim(reviewer);
    if (!task) return;
    emit({ event: 'claimed', owner: o.owner, ids: [task.taskId], now: task.claimedAt, at: Date.now() });
    if (!givenBack.has(task.taskId) && hash(task.taskId + o.owner) % o.releaseOneIn === 0) {
      givenBack.add(task.taskId);
      const before = Date.now();
      const released = await releaseClaim(store.db, { taskId: task.taskId, reviewer: o.owner });
      emit({ event: 'released', owner: o.owner, ids: released ? [task.taskId] : [], before, at: Date.now() });
    }
  }
}

async function main(): Promise<void> {
  const options = contenderOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const store = openStore({ databaseUrl: options.databaseUrl, sqlitePath: '' });
  try {
    // Connected and loaded, then wait for the parent's go so all contenders start claiming at the same moment.
    await store.db.selectFrom('jobs').select('id').limit(1).execute();
    emit({ event: 'ready', owner: options.owner, at: Date.now() });
    await once(createInterface({ input: process.stdin }), 'line');
    if (options.kind === 'jobs') await runJobs(store, options);
    else if (options.kind === 'outbox') await runOutbox(store, options);
    else await runReview(store, options);
    emit({ event: 'finished', owner: options.owner, at: Date.now() });
  } finally {
    await store.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
