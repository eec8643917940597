import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { test } from 'node:test';
import { claimNext, releaseClaim, renewLease } from '../../src/review/claims.js';
import { type Store, migrate, openStore } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { PRIORITY_REFRESH_LOCK, refreshReviewPriorities, refreshReviewPrioritiesExclusive, setOngoingHarm } from '../../src/store/repos/review-claims.js';
import { insertReviewTasks, type NewReviewTask } from '../../src/store/repos/review.js';
import type { Backend } from '../helpers/stores.js';
import { forEachBackend } from '../helpers/stores.js';

const HOUR = 60 * 60 * 1000;
const NOW = 1_800_000_000_000;
const LEASE = 10 * 60 * 1000;

async function openMigrated(b: Backend): Promise<Store> {
  const store = openStore(b.config);
  await migrate(store);
  return store;
}

function task(over: Partial<NewReviewTask> = {}): NewReviewTask {
  return { itemId: newId(), decisionId: newId(), queue: 'main', category: 'CAT-1', severity: 'S2', slaDueAt: NOW + 24 * HOUR, ...over };
}

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openMigrated(b);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

test('claiming from an empty queue returns null', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    assert.equal(await claimNext(store.db, { reviewer: 'r1', queues: ['main'], leaseMs: LEASE, now: NOW }), null);
    await insertReviewTasks(store.db, [task({ queue: 'other' })], NOW - HOUR);
    assert.equal(await claimNext(store.db, { reviewer: 'r1', queues: ['main'], leaseMs: LEASE, now: NOW }), null);
  }));
});

test('bad claim options are refused with the problem named', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    await assert.rejects(claimNext(store.db, { reviewer: '', queues: ['main'], leaseMs: LEASE, now: NOW }), /reviewer must not be empty/);
    await assert.rejects(claimNext(store.db, { reviewer: 'r1', queues: [], leaseMs: LEASE, now: NOW }), /queues must name at least one queue/);
    await assert.rejects(claimNext(store.db, { reviewer: 'r1', queues: ['main'], leaseMs: 0, now: NOW }), /leaseMs/);
  }));
});

test('claims follow priority: ongoing harm, then severity and overdue, then SLA due, tasks without SLA last', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const created = NOW - 2 * HOUR;
    const s2Fresh = task({ severity: 'S2', slaDueAt: NOW + 20 * HOUR });
    const s0Overdue = task({ severity: 'S0', slaDueAt: NOW - HOUR });
    const s1Fresh = task({ severity: 'S1', slaDueAt: NOW + 2 * HOUR });
    const s3Harm = task({ severity: 'S3', slaDueAt: NOW + 70 * HOUR });
    const s2NoSla = task({ severity: 'S2', slaDueAt: null });
    const s2Sooner = task({ severity: 'S2', slaDueAt: NOW + 10 * HOUR });
    await insertReviewTasks(store.db, [s2Fresh, s0Overdue, s1Fresh, s3Harm, s2NoSla, s2Sooner], created);
    const harmTask = await store.db.selectFrom('review_tasks').select('id').where('decision_id', '=', s3Harm.decisionId).executeTakeFirstOrThrow();
    assert.equal(await setOngoingHarm(store.db, harmTask.id, true, NOW), true);

    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await claimNext(store.db, { reviewer: `r${i}`, queues: ['main'], leaseMs: LEASE, now: NOW });
      if (c) order.push(c.decisionId);
    }
    assert.deepEqual(order, [s3Harm, s0Overdue, s1Fresh, s2Sooner, s2Fresh, s2NoSla].map((x) => x.decisionId));
  }));
});

test('claims across several queues take the best task of any of them and record review_claimed', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const low = task({ queue: 'a', severity: 'S3' });
    const high = task({ queue: 'b', severity: 'S1' });
    await insertReviewTasks(store.db, [low, high], NOW - HOUR);
    const first = await claimNext(store.db, { reviewer: 'alice', queues: ['a', 'b'], leaseMs: LEASE, now: NOW });
    assert.equal(first?.decisionId, high.decisionId);
    assert.equal(first?.leaseUntil, NOW + LEASE);
    const events = await store.db.selectFrom('events').selectAll().where('type', '=', 'review_claimed').execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actor, 'alice');
    assert.equal(events[0]?.item_id, high.itemId);
    assert.equal(events[0]?.at, NOW);
  }));
});

test('an expired lease makes the task claimable again; renew and release only work for the holder', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    await insertReviewTasks(store.db, [task({ severity: 'S0' })], NOW - HOUR);
    const mine = await claimNext(store.db, { reviewer: 'r1', queues: ['main'], leaseMs: LEASE, now: NOW });
    assert.ok(mine);
    assert.equal(await claimNext(store.db, { reviewer: 'r2', queues: ['main'], leaseMs: LEASE, now: NOW + LEASE - 1 }), null);

    assert.equal(await renewLease(store.db, { taskId: mine.taskId, reviewer: 'r2', leaseMs: LEASE, now: NOW + 1 }), null);
    assert.equal(await renewLease(store.db, { taskId: mine.taskId, reviewer: 'r1', leaseMs: LEASE, now: NOW + 1000 }), NOW + 1000 + LEASE);
    assert.equal(await claimNext(store.db, { reviewer: 'r2', queues: ['main'], leaseMs: LEASE, now: NOW + LEASE + 1 }), null);

    const later = NOW + 1000 + LEASE + 1;
    const taken = await claimNext(store.db, { reviewer: 'r2', queues: ['main'], leaseMs: LEASE, now: later });
    assert.equal(taken?.taskId, mine.taskId);
    assert.equal(taken?.claimedBy, 'r2');
    assert.equal(await renewLease(store.db, { taskId: mine.taskId, reviewer: 'r1', leaseMs: LEASE, now: later + 1 }), null);
    assert.equal(await releaseClaim(store.db, { taskId: mine.taskId, reviewer: 'r1' }), false);
    assert.equal(await releaseClaim(store.db, { taskId: mine.taskId, reviewer: 'r2' }), true);
    const again = await claimNext(store.db, { reviewer: 'r3', queues: ['main'], leaseMs: LEASE, now: later + 2 });
    assert.equal(again?.taskId, mine.taskId);
  }));
});

test('concurrent reviewers never get the same task', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const tasks = 40;
    const severities = ['S0', 'S1', 'S2', 'S3'];
    await insertReviewTasks(store.db, Array.from({ length: tasks }, (_, i) => task({ severity: severities[i % 4] ?? 'S3' })), NOW - HOUR);
    // Scored up front, as tasks are when created; claims only score leftovers.
    await refreshReviewPriorities(store.db, NOW);
    const attempts = 60;
    let claims: (Awaited<ReturnType<typeof claimNext>>)[];
    if (b.name === 'postgres') {
      // Two stores (two pools) on the same database: claims race over many real connections.
      const other = openStore(b.config);
      try {
        claims = await Promise.all(Array.from({ length: attempts }, (_, i) =>
          claimNext((i % 2 ? other : store).db, { reviewer: `r${i}`, queues: ['main'], leaseMs: LEASE, now: NOW })));
      } finally {
        await other.close();
      }
    } else {
      // SQLite: one connection per process; claims run one after another.
      claims = [];
      for (let i = 0; i < attempts; i++) claims.push(await claimNext(store.db, { reviewer: `r${i}`, queues: ['main'], leaseMs: LEASE, now: NOW }));
    }
    const got = claims.filter((c) => c !== null);
    assert.equal(got.length, tasks);
    assert.equal(new Set(got.map((c) => c.taskId)).size, tasks);
    const leased = await store.db.selectFrom('review_tasks').select(['id', 'claimed_by']).where('claimed_by', 'is not', null).execute();
    assert.equal(leased.length, tasks);
    const owner = new Map(got.map((c) => [c.taskId, c.claimedBy]));
    for (const r of leased) assert.equal(r.claimed_by, owner.get(r.id));
    const events = await store.db.selectFrom('events').select('id').where('type', '=', 'review_claimed').execute();
    assert.equal(events.length, tasks);
  }));
});

test('tasks are scored when created, refresh moves overdue tasks up, and unscored tasks are scored when claimed', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const s2 = task({ severity: 'S2', slaDueAt: NOW + HOUR });
    const s1 = task({ severity: 'S1', slaDueAt: NOW + 3 * HOUR });
    await insertReviewTasks(store.db, [s2, s1], NOW);
    const created = await store.db.selectFrom('review_tasks').select(['decision_id', 'priority']).execute();
    assert.deepEqual(new Map(created.map((r) => [r.decision_id, r.priority])), new Map([[s2.decisionId, 200], [s1.decisionId, 300]]));
    assert.equal(await refreshReviewPriorities(store.db, NOW), 0);
    // Five hours on the S2 is four one-hour windows overdue (200 + capped 150); the S1 two thirds of its three-hour
    // window (300 + 50 + 33).
    const later = NOW + 5 * HOUR;
    assert.equal(await refreshReviewPriorities(store.db, later), 2);
    const rows = await store.db.selectFrom('review_tasks').select(['decision_id', 'priority']).execute();
    const p = new Map(rows.map((r) => [r.decision_id, r.priority]));
    assert.equal(p.get(s2.decisionId), 350);
    assert.equal(p.get(s1.decisionId), 383);

    // A task written by a path that does not score (e.g. a bulk load straight into the table).
    const fresh = task({ severity: 'S0', queue: 'late' });
    await insertReviewTasks(store.db, [fresh], NOW);
    await store.db.updateTable('review_tasks').set({ priority: null }).where('decision_id', '=', fresh.decisionId).execute();
    const c = await claimNext(store.db, { reviewer: 'r1', queues: ['late'], leaseMs: LEASE, now: NOW });
    assert.equal(c?.decisionId, fresh.decisionId);
    assert.equal(c?.priority, 600);
  }));
});

test('the periodic priority refresh runs in one process at a time; the others skip the round', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    await insertReviewTasks(store.db, [task({ severity: 'S2', slaDueAt: NOW + HOUR })], NOW);
    const later = NOW + 5 * HOUR;
    if (b.name === 'postgres') {
      // Another worker (its own pool) is in the middle of a refresh: it holds the advisory lock until it commits.
      const other = openStore(b.config);
      try {
        let release: () => void = () => {};
        const holding = new Promise<void>((r) => { release = r; });
        let locked: () => void = () => {};
        const hasLock = new Promise<void>((r) => { locked = r; });
        const busy = other.db.transaction().execute(async (trx) => {
          await refreshReviewPrioritiesExclusiveProbe(trx);
          locked();
          await holding;
        });
        await hasLock;
        assert.equal(await refreshReviewPrioritiesExclusive(store.db, later), null, 'skips while another process refreshes');
        release();
        await busy;
      } finally {
        await other.close();
      }
    }
    assert.equal(await refreshReviewPrioritiesExclusive(store.db, later), 1);
  }));
});

/** Takes the refresh's advisory lock in `trx`, as a refreshing process holds it. */
async function refreshReviewPrioritiesExclusiveProbe(trx: Parameters<typeof refreshReviewPriorities>[0]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${PRIORITY_REFRESH_LOCK})`.execute(trx);
}
