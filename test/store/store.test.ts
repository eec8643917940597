import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrate, openStore } from '../../src/store/db.js';
import { appendAudit, auditHash, verifyAudit } from '../../src/store/repos/audit.js';
import { latestConfig, saveConfigVersion } from '../../src/store/repos/config.js';
import { appendEvents } from '../../src/store/repos/events.js';
import { claimJobs, completeJobs, enqueueJobs } from '../../src/store/repos/jobs.js';
import { forEachBackend } from '../helpers/stores.js';

async function openMigrated(config: { databaseUrl?: string | undefined; sqlitePath: string }) {
  const store = openStore(config);
  await migrate(store);
  return store;
}

test('migrations are idempotent and the event log refuses edits', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      await migrate(store);
      await appendEvents(store.db, [{ type: 'item_ingested', itemId: 'i1', accountId: null, actor: 't', versions: { haven: '1' }, payload: { a: 1 } }], 1);
      await assert.rejects(sql`UPDATE events SET actor = 'x'`.execute(store.db), /append-only/);
      await assert.rejects(sql`DELETE FROM events`.execute(store.db), /append-only/);
      const rows = await store.db.selectFrom('events').selectAll().execute();
      assert.equal(rows.length, 1);
    } finally {
      await store.close();
    }
  });
});

test('configuration versions count up per kind', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      for (const n of [1, 2, 3]) await saveConfigVersion(store.db, 'policy', { n }, 'alice', `change ${n}`, n);
      await saveConfigVersion(store.db, 'behaviour', [], 'bob', 'first', 9);
      const latest = await latestConfig<{ n: number }>(store.db, 'policy');
      assert.deepEqual([latest?.version, latest?.document.n, latest?.author], [3, 3, 'alice']);
      assert.equal((await latestConfig(store.db, 'behaviour'))?.version, 1);
    } finally {
      await store.close();
    }
  });
});

test('concurrent claimers never take the same job, and an expired lease is taken over', async (t) => {
  await forEachBackend(t, async (b) => {
    // Postgres: three connection pools racing. SQLite: one connection per process (a second one in the same
    // process would block the event loop on the file lock), so the claimers share it; processes race in crash.test.
    const first = await openMigrated(b.config);
    const stores = b.name === 'postgres' ? [first, await openMigrated(b.config), await openMigrated(b.config)] : [first, first, first];
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `item_${i}`);
      await enqueueJobs(stores[0]!.db, 'process_item', ids, 0);
      await enqueueJobs(stores[0]!.db, 'process_item', ids, 0); // enqueueing twice is harmless
      const taken: string[][] = [[], [], []];
      await Promise.all(stores.map(async (s, w) => {
        for (;;) {
          const jobs = await s.db.transaction().execute((trx) => claimJobs(trx, { owner: `w${w}`, limit: 7, leaseMs: 60_000, now: 10 }));
          if (jobs.length === 0) break;
          taken[w]!.push(...jobs.map((j) => j.itemId));
          await s.db.transaction().execute((trx) => completeJobs(trx, jobs.map((j) => j.id), `w${w}`, 11));
        }
      }));
      const all = taken.flat();
      assert.equal(all.length, 300);
      assert.equal(new Set(all).size, 300, 'no job was taken twice');

      await enqueueJobs(stores[0]!.db, 'process_item', ['late'], 100);
      const [held] = await stores[0]!.db.transaction().execute((trx) => claimJobs(trx, { owner: 'dead', limit: 5, leaseMs: 1000, now: 100 }));
      assert.equal(held?.itemId, 'late');
      const none = await stores[1]!.db.transaction().execute((trx) => claimJobs(trx, { owner: 'alive', limit: 5, leaseMs: 1000, now: 500 }));
      assert.equal(none.length, 0, 'a live lease is respected');
      const [over] = await stores[1]!.db.transaction().execute((trx) => claimJobs(trx, { owner: 'alive', limit: 5, leaseMs: 1000, now: 2000 }));
      assert.deepEqual([over?.itemId, over?.attempts], ['late', 2]);
      const stale = await stores[0]!.db.transaction().execute((trx) => completeJobs(trx, [held!.id], 'dead', 2100));
      assert.equal(stale.size, 0, 'the dead owner can no longer complete it');
    } finally {
      for (const s of new Set(stores)) await s.close();
    }
  });
});

test('the audit chain detects an edited row, a deleted row and a deleted tail', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      for (let i = 1; i <= 5; i++) {
        await store.db.transaction().execute((trx) =>
          appendAudit(trx, { actor: 'user:a', action: 'x', targetType: 't', targetId: String(i), details: { n: i, nested: { b: 1, a: 2 } } }, i),
        );
      }
      assert.deepEqual(await verifyAudit(store.db), { ok: true, rows: 5, problems: [] });
      await sql`UPDATE audit_log SET details = ${JSON.stringify({ n: 99, nested: { b: 1, a: 2 } })} WHERE seq = 2`.execute(store.db);
      const edited = await verifyAudit(store.db);
      assert.deepEqual(edited.problems, [{ seq: 2, problem: 'content does not match its hash (edited)' }]);
      await sql`DELETE FROM audit_log WHERE seq = 2`.execute(store.db);
      const deleted = await verifyAudit(store.db);
      assert.equal(deleted.ok, false);
      assert.ok(deleted.problems.some((p) => p.seq === 3 && /missing/.test(p.problem)));
      await sql`DELETE FROM audit_log WHERE seq >= 4`.execute(store.db);
      const tail = await verifyAudit(store.db);
      assert.ok(tail.problems.some((p) => /rows after 3 were deleted/.test(p.problem)));
    } finally {
      await store.close();
    }
  });
});

test('the audit chain detects a row appended outside Haven, even with a correctly computed hash', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      for (let i = 1; i <= 3; i++) {
        await store.db.transaction().execute((trx) => appendAudit(trx, { actor: 'user:a', action: 'x', targetType: 't', targetId: String(i), details: {} }, i));
      }
      // Someone who knows the scheme adds a row that links and hashes correctly, but writes straight to the table.
      const last = await store.db.selectFrom('audit_log').select(['hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      const forged = { actor: 'user:a', action: 'media.view', targetType: 'media', targetId: 'm1', details: {} };
      await store.db.insertInto('audit_log').values({
        at: 4, actor: forged.actor, action: forged.action, target_type: forged.targetType, target_id: forged.targetId,
        details: JSON.stringify(forged.details), prev_hash: last.hash, hash: auditHash(last.hash, 4, forged),
      }).execute();
      const r = await verifyAudit(store.db);
      assert.deepEqual(r.problems, [{ seq: 4, problem: 'rows after 3 were added without moving the head pointer' }]);
    } finally {
      await store.close();
    }
  });
});
