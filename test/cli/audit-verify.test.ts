import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { openHaven } from '../../src/app.js';
import { fromJson, openStore, toJson } from '../../src/store/db.js';
import { appendAudit, auditHash } from '../../src/store/repos/audit.js';
import { runHaven } from '../helpers/cli.js';
import { type Backend, forEachBackend, makeBackend } from '../helpers/stores.js';

// admin.test.ts proves, on SQLite, an intact chain, an edited `details`, one row's hash recomputed, one middle row and
// the last row deleted. This adds: the same CLI on Postgres, edits to the other columns, several problems named at
// once, a rewritten last row, what an attacker who recomputes hashes can hide (and that an anchor kept elsewhere still
// catches it), and that a rolled-back append (a gap in Postgres's sequence) is not mistaken for a deletion.

type Store = ReturnType<typeof openStore>;
interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

const ROWS = 8;

/** A fresh database holding a chain of ROWS audit rows, with an audited append rolled back after the first. */
async function seededChain(kind: Backend['name']) {
  const backend = await makeBackend(kind);
  const haven = await openHaven(backend.config, { logger: pino({ level: 'silent' }) });
  try {
    for (let i = 1; i <= ROWS; i++) {
      await haven.auth.createApiKey({ name: `client-${i}`, scopes: ['items:read'] }, 'user:admin@test.local');
      if (i === 1) {
        // An audited action that fails after its audit row was written: Postgres keeps the sequence number spent.
        await haven.store.db.transaction().execute(async (trx) => {
          await appendAudit(trx, { actor: 'user:admin@test.local', action: 'api_key.create', targetType: 'api_key', targetId: null, details: {} }, haven.clock.now());
          throw new Error('the action failed');
        }).catch(() => undefined);
      }
    }
  } finally {
    await haven.close();
  }
  const env = { HAVEN_MASTER_KEY: backend.config.masterKey, HAVEN_DATABASE_URL: backend.config.databaseUrl };
  const store = openStore(backend.config);
  const rows = async () => (await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map((r) => ({ ...r, seq: Number(r.seq) }) as AuditRow);
  const verify = (...args: string[]) => runHaven(['audit', ...args], { dataDir: backend.config.dataDir, env });
  return {
    store, rows, verify,
    async close() {
      await store.close();
      await backend.cleanup();
    },
  };
}

async function chainFor(t: TestContext, kind: Backend['name']) {
  const chain = await seededChain(kind);
  t.after(() => chain.close());
  return chain;
}

/** Rewrites rows from the given position on with hashes recomputed, and moves the head pointer: a knowing attacker. */
async function recomputeFrom(store: Store, rows: AuditRow[], from: number) {
  let prev = from === 0 ? '0'.repeat(64) : rows[from - 1]!.hash;
  for (const r of rows.slice(from)) {
    const hash = auditHash(prev, Number(r.at), { actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, details: fromJson(r.details) });
    await store.db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
    prev = hash;
  }
  const last = rows.at(-1)!;
  await store.db.updateTable('settings').set({ value: `${last.seq}:${prev}` }).where('key', '=', 'audit_head').execute();
}

const broken = (lines: string[], rows: number) => `${lines.join('\n')}\naudit log BROKEN: ${lines.length} problem(s) in ${rows} rows\n`;

test('haven audit verify and audit head, on SQLite and Postgres', { timeout: 240_000, concurrency: true }, async (t) => {
  // Each case has its own database, so a backend's cases run side by side.
  await forEachBackend(t, async (backend, bt) => {
    await Promise.all([
      bt.test('an intact chain exits 0, a rolled-back append is no deletion, and the head printed is a valid anchor', async (st) => {
        const c = await chainFor(st, backend.name);
        const rows = await c.rows();
        assert.equal(rows.length, ROWS);
        // Postgres spent a sequence number on the rolled-back append; SQLite did not.
        assert.equal(rows.at(-1)!.seq, backend.name === 'postgres' ? ROWS + 1 : ROWS);
        const head = await c.verify('head');
        assert.equal(head.code, 0, head.stderr);
        assert.equal(head.stdout, `${rows.at(-1)!.seq}:${rows.at(-1)!.hash}\n`);
        const r = await c.verify('verify', '--anchor', head.stdout.trim());
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, `audit log intact: ${ROWS} rows\n`, '']);
      }),
      bt.test('edits to actor, at, action, target_type, target_id and a rewritten last row are each named by seq', async (st) => {
        const c = await chainFor(st, backend.name);
        const rows = await c.rows();
        const [a, b, d, e, g] = [rows[1]!, rows[3]!, rows[4]!, rows[5]!, rows[6]!];
        await c.store.db.updateTable('audit_log').set({ actor: 'user:someone-else@test.local' }).where('seq', '=', a.seq).execute();
        await c.store.db.updateTable('audit_log').set({ at: Number(b.at) + 1 }).where('seq', '=', b.seq).execute();
        await c.store.db.updateTable('audit_log').set({ action: 'api_key.revoke' }).where('seq', '=', d.seq).execute();
        await c.store.db.updateTable('audit_log').set({ target_type: 'user' }).where('seq', '=', e.seq).execute();
        await c.store.db.updateTable('audit_log').set({ target_id: 'someone-else', details: toJson({ name: 'renamed' }) }).where('seq', '=', g.seq).execute();
        // The last row edited with its hash recomputed: no next row to break, but the head pointer keeps the old hash.
        const last = rows.at(-1)!;
        await c.store.db.updateTable('audit_log').set({ actor: 'user:someone-else@test.local' }).where('seq', '=', last.seq).execute();
        await recomputeFrom(c.store, await c.rows(), rows.length - 1);
        await c.store.db.updateTable('settings').set({ value: `${last.seq}:${last.hash}` }).where('key', '=', 'audit_head').execute();
        const r = await c.verify('verify');
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, broken([
          ...[a, b, d, e, g].map((x) => `row ${x.seq}: content does not match its hash (edited)`),
          `row ${last.seq}: does not match the head pointer (the last row was rewritten)`,
        ], ROWS));
      }),
      bt.test('a deleted middle row and deleted last rows are both named', async (st) => {
        const c = await chainFor(st, backend.name);
        const rows = await c.rows();
        const middle = rows[3]!;
        await sql`DELETE FROM audit_log WHERE seq = ${middle.seq} OR seq > ${rows[5]!.seq}`.execute(c.store.db);
        const r = await c.verify('verify');
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, broken([
          `row ${rows[4]!.seq}: rows ${rows[2]!.seq + 1}..${middle.seq} are missing`,
          `row ${rows[4]!.seq}: does not link to the previous row`,
          `row ${rows.at(-1)!.seq}: rows after ${rows[5]!.seq} were deleted`,
        ], ROWS - 3));
      }),
      bt.test('the limit: rows rewritten with hashes recomputed and the head pointer moved pass, unless checked against an anchor', async (st) => {
        const c = await chainFor(st, backend.name);
        const rows = await c.rows();
        const anchor = `${rows[5]!.seq}:${rows[5]!.hash}`;
        // Edit row 3, cut the last two rows, recompute every hash from row 3 on and point the head at the new end.
        await c.store.db.updateTable('audit_log').set({ actor: 'user:someone-else@test.local' }).where('seq', '=', rows[2]!.seq).execute();
        await sql`DELETE FROM audit_log WHERE seq > ${rows[5]!.seq}`.execute(c.store.db);
        await recomputeFrom(c.store, await c.rows(), 2);
        const blind = await c.verify('verify');
        assert.deepEqual([blind.code, blind.stdout], [0, `audit log intact: ${ROWS - 2} rows\n`], 'undetectable from inside the database');
        const anchored = await c.verify('verify', '--anchor', anchor);
        assert.equal(anchored.code, 2, anchored.stderr);
        assert.equal(anchored.stdout, broken([`row ${rows[5]!.seq}: does not match the anchor recorded for it (rows up to here were rewritten)`], ROWS - 2));
        const later = await c.verify('verify', '--anchor', `${rows.at(-1)!.seq}:${rows.at(-1)!.hash}`);
        assert.equal(later.code, 2);
        assert.equal(later.stdout, broken([`row ${rows.at(-1)!.seq}: the anchored row is gone (the chain has rows up to ${rows[5]!.seq})`], ROWS - 2));
      }),
    ]);
  });
});

test('haven audit verify refuses a malformed anchor, and notices a head pointer deleted along with the tail', { timeout: 60_000 }, async (t) => {
  const c = await chainFor(t, 'sqlite');
  const bad = await c.verify('verify', '--anchor', '12:not-a-hash');
  assert.deepEqual([bad.code, bad.stdout], [1, '']);
  assert.equal(bad.stderr, 'haven: --anchor looks like 123:<64 hex digits> (as printed by haven audit head), not "12:not-a-hash"\n');
  const rows = await c.rows();
  await sql`DELETE FROM audit_log WHERE seq > ${rows[5]!.seq}`.execute(c.store.db);
  await sql`DELETE FROM settings WHERE key = 'audit_head'`.execute(c.store.db);
  const r = await c.verify('verify');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, broken([`row ${rows[5]!.seq}: the head pointer is missing (rows may have been deleted from the end)`], ROWS - 2));
});
