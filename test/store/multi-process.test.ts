// Job leases, the webhook outbox and review claims with several OS processes on one Postgres database: each case
// runs three copies of test/helpers/contender.ts at once and checks, from their logs and the database, that every
// piece of work was done exactly once and never held by two processes at the same time, including when one of
// them is SIGKILLed while holding leases. Postgres only: SQLite serialises writers and has no row locks to test.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Haven, openHaven } from '../../src/app.js';
import type { ActionId, DecisionId, ItemId, SignalId } from '../../src/core/ids.js';
import type { Decision, Item } from '../../src/core/types.js';
import { fromJson } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { insertItems } from '../../src/store/repos/items.js';
import { enqueueJobs, jobCounts } from '../../src/store/repos/jobs.js';
import { outboxCounts } from '../../src/store/repos/outbox.js';
import { insertActions, insertDecisions } from '../../src/store/repos/results.js';
import { insertReviewTasks } from '../../src/store/repos/review.js';
import { type ContenderLine, type ContenderOptions, contenderLineSchema } from '../helpers/contender-protocol.js';
import { startReceiver } from '../helpers/receiver.js';
import { ADMIN_PG_URL, type Backend, makeBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CI = process.env.CI === 'true';
const silent = testLogger();
const LONG_LEASE = 60_000;
// Short enough that the survivors take a dead worker's batch over within the test.
const CRASH_LEASE = 1500;
const SECRET = 'multi-process-webhook-secret-0123';

interface Contender {
  lines: ContenderLine[];
  /** Resolves when the child exits; rejects with its stderr when it exits with an error. */
  exited: Promise<void>;
  child: ChildProcess;
  /** The first line with this event, once it arrives. */
  first(event: ContenderLine['event']): Promise<ContenderLine>;
}

/** `signal`: the test's, so a test that times out or is cancelled kills its children instead of waiting on them. */
function spawnContender(options: ContenderOptions, signal: AbortSignal): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/contender.ts', JSON.stringify(options)], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL',
  });
  child.on('error', () => {}); // the abort; 'exit' reports it
  child.stdin!.on('error', () => {}); // a child that already died cannot take its go
  const lines: ContenderLine[] = [];
  const waiters: { event: string; resolve(l: ContenderLine): void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (raw) => {
    const line = contenderLineSchema.parse(JSON.parse(raw));
    lines.push(line);
    for (const w of waiters.filter((x) => x.event === line.event)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGKILL') resolve();
      else reject(new Error(`contender ${options.owner} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  return {
    lines, exited, child,
    first: (event) => {
      const seen = lines.find((l) => l.event === event);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ event, resolve }));
    },
  };
}

/** Runs `fn` against a fresh Postgres database with the schema and default configuration in place. */
async function withPostgres(t: TestContext, fn: (h: Haven, backend: Backend) => Promise<void>): Promise<void> {
  let backend: Backend;
  try {
    backend = await makeBackend('postgres');
  } catch (e) {
    if (CI) throw new Error(`Postgres is required under CI=true but ${ADMIN_PG_URL} is not usable: ${String(e)}`);
    t.skip(`Postgres not reachable at ${ADMIN_PG_URL}`);
    return;
  }
  const h = await openHaven(backend.config, { logger: silent });
  try {
    await fn(h, backend);
  } finally {
    await h.close();
    await backend.cleanup();
  }
}

const go = (c: Contender) => c.child.stdin!.end('go\n');

/**
 * Runs the contenders to the end, all connected before any claims so they contend from the first batch on. A
 * crashing one claims first (from a full queue), and is SIGKILLed once another has claimed too, so it dies holding
 * its leases while the others are at work. Returns the kill time.
 */
async function runAll(contenders: Contender[], crasher?: Contender): Promise<number | null> {
  let killedAt: number | null = null;
  try {
    await Promise.race([Promise.all(contenders.map((c) => c.first('ready'))), Promise.all(contenders.map((c) => c.exited))]);
    const others = contenders.filter((c) => c !== crasher);
    if (crasher) {
      go(crasher);
      await Promise.race([crasher.first('claimed'), crasher.exited]);
      others.forEach(go);
      // Outbox senders report each batch once it is delivered; job workers on claiming.
      await Promise.race([...others.map((c) => c.first('claimed')), ...others.map((c) => c.first('delivered')), Promise.all(others.map((c) => c.exited))]);
      crasher.child.kill('SIGKILL');
      killedAt = Date.now();
    } else {
      others.forEach(go);
    }
    await Promise.all(contenders.map((c) => c.exited));
    return killedAt;
  } finally {
    for (const c of contenders) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  }
}

type Claimed = Extract<ContenderLine, { event: 'claimed' }>;
const claimsOf = (c: Contender) => c.lines.filter((l): l is Claimed => l.event === 'claimed');
const finishedIds = (c: Contender, event: 'completed' | 'released') =>
  c.lines.flatMap((l) => (l.event === event ? l.ids : []));

interface Holding { owner: string; from: number; to: number }

/**
 * What each process provably held, per id: from after its claim committed to just before it finished (completed or
 * released) the work, or to when it was killed, or for ever. These sit inside the real holding periods, so two that
 * overlap mean two processes really held the same work at once.
 */
function holdings(contenders: Contender[], finish: 'completed' | 'released', killed: { c: Contender; at: number } | null) {
  const byId = new Map<string, Holding[]>();
  for (const c of contenders) {
    const open = new Map<string, Holding>();
    for (const line of c.lines) {
      if (line.event === 'claimed') {
        for (const id of line.ids) open.set(id, { owner: line.owner, from: line.at, to: Number.POSITIVE_INFINITY });
      } else if (line.event === finish) {
        for (const id of line.ids) {
          const h = open.get(id);
          assert.ok(h, `${line.owner} finished ${id} without holding it`);
          h.to = line.before;
          open.delete(id);
          byId.set(id, [...(byId.get(id) ?? []), h]);
        }
      }
    }
    for (const [id, h] of open) {
      if (killed?.c === c) h.to = killed.at;
      byId.set(id, [...(byId.get(id) ?? []), h]);
    }
  }
  return byId;
}

function assertNeverHeldTwice(byId: Map<string, Holding[]>): void {
  for (const [id, list] of byId) {
    const sorted = [...list].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const [prev, cur] = [sorted[i - 1]!, sorted[i]!];
      assert.ok(cur.from >= prev.to, `${id} held by ${prev.owner} and ${cur.owner} at the same time`);
    }
  }
}

function assertEachOnce(ids: readonly string[], expected: readonly string[], what: string): void {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  assert.equal(seen.size, expected.length, `every ${what} once`);
  for (const id of expected) assert.equal(seen.get(id), 1, `${what} ${id} exactly once`);
}

async function seedJobs(h: Haven, count: number): Promise<string[]> {
  await enqueueJobs(h.store.db, 'process_item', Array.from({ length: count }, () => newId()), Date.now() - 1000);
  return (await h.store.db.selectFrom('jobs').select('id').execute()).map((r) => r.id);
}

/** Platform actions waiting for delivery, each on its own item and decision, as the pipeline leaves them. */
async function seedPlatformActions(h: Haven, count: number): Promise<string[]> {
  const at = Date.now() - 1000;
  const items: Item[] = Array.from({ length: count }, (_, n) => ({
    id: newId<ItemId>(), externalId: `post_${n}`, contentDigest: `digest_${n}`, surface: 'public_post', kind: 'text',
    text: `neutral sample text ${n}`, media: [], authorId: null, conversationId: null, recipientIds: [], createdAt: at, ingestedAt: at,
    metadata: {}, status: 'processed',
  }));
  await insertItems(h.store.db, items);
  const decisions: Decision[] = items.map((i) => ({
    id: newId<DecisionId>(), itemId: i.id, policyVersion: 1, taxonomyVersion: 1, verdict: 'violating', category: 'CSE-13', severity: 'S3',
    actions: ['remove'], createdAt: at,
    reasons: [{ category: 'CSE-13', signalId: newId<SignalId>(), detector: 'test', score: 1, threshold: 0.5, thresholdKind: 'action', text: 'synthetic test decision' }],
  }));
  await insertDecisions(h.store.db, decisions);
  await insertActions(h.store.db, decisions.map((d) => ({
    id: newId<ActionId>(), decisionId: d.id, itemId: d.itemId, accountId: null, type: 'remove', status: 'pending',
    idempotencyKey: `key_${d.id}`, createdAt: at, deliveredAt: null, delivery: 'platform',
  })));
  return (await h.store.db.selectFrom('actions').select('id').where('delivery', '=', 'platform').execute()).map((r) => r.id);
}

test('job leases: three processes complete 2,000 jobs, each exactly once, never held by two at once', { timeout: 90_000 }, async (t) => {
  await withPostgres(t, async (h, b) => {
    const jobs = await seedJobs(h, 2000);
    const contenders = ['w1', 'w2', 'w3'].map((owner) =>
      spawnContender({ kind: 'jobs', databaseUrl: b.config.databaseUrl!, owner, batch: 25, leaseMs: LONG_LEASE }, t.signal));
    await runAll(contenders);

    assertEachOnce(contenders.flatMap((c) => finishedIds(c, 'completed')), jobs, 'job completed');
    assertEachOnce(contenders.flatMap((c) => claimsOf(c).flatMap((l) => l.ids)), jobs, 'job claimed');
    assertNeverHeldTwice(holdings(contenders, 'completed', null));
    assert.deepEqual(await jobCounts(h.store.db), { done: 2000 });
  });
});

test('job leases: a worker SIGKILLed holding a batch loses it when the lease runs out; the others finish it', { timeout: 90_000 }, async (t) => {
  await withPostgres(t, async (h, b) => {
    const jobs = await seedJobs(h, 600);
    const url = b.config.databaseUrl!;
    const crasher = spawnContender({ kind: 'jobs', databaseUrl: url, owner: 'doomed', batch: 40, leaseMs: CRASH_LEASE, crash: true }, t.signal);
    const survivors = ['w1', 'w2'].map((owner) => spawnContender({ kind: 'jobs', databaseUrl: url, owner, batch: 25, leaseMs: LONG_LEASE }, t.signal));
    const killedAt = await runAll([crasher, ...survivors], crasher);

    const [lost] = claimsOf(crasher);
    assert.ok(lost && lost.ids.length === 40 && killedAt !== null);
    assertEachOnce(survivors.flatMap((c) => finishedIds(c, 'completed')), jobs, 'job completed');
    assertNeverHeldTwice(holdings([crasher, ...survivors], 'completed', { c: crasher, at: killedAt }));
    const retaken = survivors.flatMap(claimsOf).filter((l) => l.ids.some((id) => lost.ids.includes(id)));
    assert.ok(retaken.length > 0);
    for (const claim of retaken) assert.ok(claim.now > lost.now + CRASH_LEASE, `${claim.owner} took over a lease before it ran out`);
    assert.deepEqual(await jobCounts(h.store.db), { done: 600 });
    const attempts = await h.store.db.selectFrom('jobs').select(['id', 'attempts']).execute();
    for (const j of attempts) assert.equal(j.attempts, lost.ids.includes(j.id) ? 2 : 1, `attempts of ${j.id}`);
  });
});

/** Per action: how many action_delivered events record it, and when the last was written. */
async function deliveredEvents(h: Haven): Promise<Map<string, { n: number; at: number }>> {
  const rows = await h.store.db.selectFrom('events').select(['payload', 'at']).where('type', '=', 'action_delivered').execute();
  const byAction = new Map<string, { n: number; at: number }>();
  for (const r of rows) {
    const { actionId } = fromJson<{ actionId: string }>(r.payload);
    byAction.set(actionId, { n: (byAction.get(actionId)?.n ?? 0) + 1, at: Number(r.at) });
  }
  return byAction;
}

test('outbox: three processes deliver 1,000 platform actions, each sent and marked delivered exactly once', { timeout: 90_000 }, async (t) => {
  await withPostgres(t, async (h, b) => {
    const actions = await seedPlatformActions(h, 1000);
    const receiver = await startReceiver(SECRET);
    try {
      const contenders = ['o1', 'o2', 'o3'].map((owner) => spawnContender({
        kind: 'outbox', databaseUrl: b.config.databaseUrl!, owner, batch: 20, leaseMs: LONG_LEASE, url: receiver.url, secret: SECRET,
      }, t.signal));
      await runAll(contenders);

      const claimed = contenders.flatMap((c) => c.lines).reduce((n, l) => n + (l.event === 'delivered' ? l.count : 0), 0);
      assert.equal(claimed, 1000, 'each action claimed once');
      assert.equal(receiver.rejected(), 0);
      assert.equal(receiver.byKey.size, 1000);
      for (const [key, n] of receiver.byKey) assert.equal(n, 1, `webhook ${key} received once`);
      assert.deepEqual(await outboxCounts(h.store.db), { delivered: 1000 });
      const events = await deliveredEvents(h);
      assertEachOnce([...events].flatMap(([id, e]) => Array<string>(e.n).fill(id)), actions, 'action marked delivered');
      const rows = await h.store.db.selectFrom('actions').select(['attempts', 'lease_owner']).execute();
      assert.ok(rows.every((r) => r.attempts === 1 && r.lease_owner === null));
    } finally {
      await receiver.close();
    }
  });
});

test('outbox: a sender SIGKILLed holding leases; its actions go out once, after the lease runs out', { timeout: 90_000 }, async (t) => {
  await withPostgres(t, async (h, b) => {
    const actions = await seedPlatformActions(h, 300);
    const receiver = await startReceiver(SECRET);
    try {
      const url = b.config.databaseUrl!;
      const common = { kind: 'outbox', databaseUrl: url, url: receiver.url, secret: SECRET } as const;
      const crasher = spawnContender({ ...common, owner: 'doomed', batch: 30, leaseMs: CRASH_LEASE, crash: true }, t.signal);
      const survivors = ['o1', 'o2'].map((owner) => spawnContender({ ...common, owner, batch: 20, leaseMs: LONG_LEASE }, t.signal));
      await runAll([crasher, ...survivors], crasher);

      const [lost] = claimsOf(crasher);
      assert.ok(lost && lost.ids.length === 30);
      assert.equal(receiver.byKey.size, 300);
      for (const [key, n] of receiver.byKey) assert.equal(n, 1, `webhook ${key} received once`);
      assert.deepEqual(await outboxCounts(h.store.db), { delivered: 300 });
      const events = await deliveredEvents(h);
      assertEachOnce([...events].flatMap(([id, e]) => Array<string>(e.n).fill(id)), actions, 'action marked delivered');
      for (const id of lost.ids) assert.ok(events.get(id)!.at > lost.now + CRASH_LEASE, `${id} was sent again before its lease ran out`);
      const rows = await h.store.db.selectFrom('actions').select(['id', 'attempts']).execute();
      for (const r of rows) assert.equal(r.attempts, lost.ids.includes(r.id) ? 2 : 1, `attempts of ${r.id}`);
    } finally {
      await receiver.close();
    }
  });
});

test('review claims: three reviewer processes claim 300 tasks; no task is held by two reviewers at once', { timeout: 90_000 }, async (t) => {
  await withPostgres(t, async (h, b) => {
    const now = Date.now();
    const tasks = Array.from({ length: 300 }, (_, n) => ({
      itemId: newId(), decisionId: newId(), queue: n % 2 ? 'general' : 'grooming', category: n % 2 ? null : 'CSE-13',
      severity: n % 3 ? 'S2' : 'S3', slaDueAt: now + (n % 7) * 3_600_000,
    }));
    const taskIds = await insertReviewTasks(h.store.db, tasks, now - 60_000);
    const reviewers = await Promise.all(['ana', 'ben', 'cai'].map((name) =>
      h.auth.createUser({ email: `${name}@example.org`, name, password: 'correct horse battery', roles: ['reviewer'] }, 'test')));
    const contenders = reviewers.map((u) => spawnContender({
      kind: 'review', databaseUrl: b.config.databaseUrl!, owner: `user:${u.email}`, userId: u.id, roles: ['reviewer'], releaseOneIn: 4,
    }, t.signal));
    await runAll(contenders);

    const byTask = holdings(contenders, 'released', null);
    assertNeverHeldTwice(byTask);
    assert.deepEqual([...byTask.keys()].sort(), [...taskIds].sort(), 'every task claimed');
    const released = contenders.flatMap((c) => c.lines.filter((l) => l.event === 'released'));
    assert.ok(released.length > 0 && released.every((l) => l.event === 'released' && l.ids.length === 1), 'tasks changed hands');
    // The reviewer left holding each task (its last holding, never released) is the one the database names.
    const rows = await h.store.db.selectFrom('review_tasks').select(['id', 'claimed_by']).execute();
    for (const r of rows) {
      const last = byTask.get(r.id)!.filter((x) => x.to === Number.POSITIVE_INFINITY);
      assert.equal(last.length, 1, `${r.id} ends with one holder`);
      assert.equal(r.claimed_by, last[0]!.owner);
    }
    const claimEvents = await h.store.db.selectFrom('events').select('id').where('type', '=', 'review_claimed').execute();
    assert.equal(claimEvents.length, contenders.reduce((n, c) => n + claimsOf(c).length, 0));
  });
});
