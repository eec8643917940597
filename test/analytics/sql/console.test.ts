import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { ANALYTICS_VIEWS } from '../../../src/analytics/sql/catalog.js';
import { toCsv, toParquet } from '../../../src/analytics/sql/export.js';
import { migrate, openStore, type Store, toJson } from '../../../src/store/db.js';
import { AnalyticsSqlError, runAnalyticsSql, type SqlTarget } from '../../../src/store/repos/analytics-sql.js';
import { forEachBackend } from '../../helpers/stores.js';

async function seed(store: Store, items: number): Promise<void> {
  await store.db.insertInto('accounts').values({ id: 'acc1', external_id: 'a-1', age_band: 'adult', created_at: 1, first_seen_at: 1, flags: toJson({}) }).execute();
  for (let i = 0; i < items; i++) {
    const id = `item${i}`;
    await store.db.insertInto('items').values({
      id, external_id: `ext${i}`, content_digest: `d${i}`, surface: i % 2 ? 'chat' : 'profile', kind: 'text', text: `hello ${i}`,
      author_id: 'acc1', conversation_id: null, recipient_ids: toJson(['r1', 'r2']), created_at: Date.UTC(2026, 0, 2) + i, ingested_at: Date.UTC(2026, 0, 2) + i,
      metadata: toJson({}), status: 'done',
    }).execute();
    await store.db.insertInto('signals').values({ id: `sig${i}`, item_id: id, detector: 'keyword', detector_version: '1', category: 'spam', score: 0.5, evidence: toJson({ term: 'x' }), created_at: 10 }).execute();
  }
  await store.db.insertInto('users').values({ id: 'u1', email: 'a@example.test', name: 'A', password_hash: 'secret-hash', roles: toJson(['admin']), created_at: 1, disabled_at: null }).execute();
}

function target(store: Store, b: { config: { databaseUrl?: string | undefined; sqlitePath: string } }): SqlTarget {
  return store.dialect === 'postgres' ? { dialect: 'postgres', url: b.config.databaseUrl ?? '' } : { dialect: 'sqlite', path: b.config.sqlitePath };
}

async function refusal(p: Promise<unknown>): Promise<AnalyticsSqlError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AnalyticsSqlError, `expected a console error, got ${String(e)}`);
    return e;
  }
  assert.fail('the statement was not refused');
}

test('the SQL console over the analytics views', async (t) => {
  await forEachBackend(t, async (b, t) => {
    const store = openStore(b.config);
    t.after(() => store.close());
    await migrate(store);
    await seed(store, 5);
    const to = target(store, b);
    const writeRefused = store.dialect === 'sqlite' ? /attempt to write a readonly database/ : /cannot execute \w+( \w+)* in a read-only transaction/;

    await t.test('a SELECT over a view returns rows with the documented columns', async () => {
      const r = await runAnalyticsSql(to, 'SELECT item_id, surface, author_age_band, recipient_count, created_day FROM analytics_items ORDER BY item_id');
      assert.deepEqual(r.columns, ['item_id', 'surface', 'author_age_band', 'recipient_count', 'created_day']);
      assert.equal(r.rows.length, 5);
      assert.deepEqual(r.rows[0], ['item0', 'profile', 'adult', 2, '2026-01-02']);
      assert.equal(r.truncated, false);
    });

    await t.test('every documented view has exactly its documented columns', async () => {
      for (const v of ANALYTICS_VIEWS) {
        const r = await runAnalyticsSql(to, `SELECT * FROM ${v.name} LIMIT 1`);
        assert.deepEqual([...r.columns].sort(), Object.keys(v.columns).sort(), v.name);
      }
    });

    for (const [what, statement] of [
      ['INSERT', "INSERT INTO items (id) VALUES ('x')"],
      ['UPDATE', "UPDATE items SET status = 'x'"],
      ['DELETE', 'DELETE FROM signals'],
      ['DROP', 'DROP TABLE items'],
      ['CREATE', 'CREATE TABLE scratch (x integer)'],
      ['a write behind a CTE', store.dialect === 'sqlite'
        ? "WITH x AS (SELECT 1) UPDATE items SET status = 'x'"
        : "WITH gone AS (DELETE FROM signals RETURNING id) SELECT count(*) FROM gone"],
    ] as const) {
      await t.test(`${what} is refused by the database`, async () => {
        const e = await refusal(runAnalyticsSql(to, statement));
        assert.equal(e.kind, 'database');
        assert.match(e.message, writeRefused);
      });
    }
    await t.test('nothing was written', async () => {
      assert.equal((await store.db.selectFrom('signals').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n.toString(), '5');
    });

    if (store.dialect === 'postgres') {
      await t.test('a write inside a function call is refused by the database', async () => {
        await sql.raw(`CREATE FUNCTION sneaky_write() RETURNS integer LANGUAGE sql AS $$ INSERT INTO settings (key, value) VALUES ('k', 'v') RETURNING 1 $$;
          GRANT EXECUTE ON FUNCTION sneaky_write() TO PUBLIC`).execute(store.db);
        const e = await refusal(runAnalyticsSql(to, 'SELECT sneaky_write()'));
        assert.match(e.message, /read-only transaction|permission denied/);
        assert.equal(e.kind, 'database');
      });
    }

    if (store.dialect === 'postgres') {
      await t.test('a statement cannot switch back to the connecting role', async () => {
        for (const setting of ['role', 'session_authorization']) {
          const e = await refusal(runAnalyticsSql(to, `SELECT set_config('${setting}', current_user, true), (SELECT count(*) FROM users)`));
          assert.match(e.message, /permission denied|within security-definer function/);
          const dynamic = await refusal(runAnalyticsSql(to, `SELECT set_config('${setting}', 'postgres', true), query_to_xml('SELECT password_hash FROM users', true, true, '')`));
          assert.match(dynamic.message, /within security-definer function|permission denied/);
        }
      });
    }

    await t.test('a runaway query is stopped by the time limit', async () => {
      const runaway = 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n';
      const e = await refusal(runAnalyticsSql(to, runaway, { timeoutMs: 300 }));
      assert.equal(e.kind, 'timeout');
      // The console still answers afterwards.
      assert.equal((await runAnalyticsSql(to, 'SELECT count(*) AS n FROM analytics_signals')).rows[0]?.[0]?.toString(), '5');
    });

    await t.test('the row limit truncates and says so', async () => {
      const r = await runAnalyticsSql(to, 'SELECT signal_id FROM analytics_signals ORDER BY signal_id', { limit: 3 });
      assert.equal(r.rows.length, 3);
      assert.equal(r.truncated, true);
      const all = await runAnalyticsSql(to, 'SELECT signal_id FROM analytics_signals', { limit: 5 });
      assert.equal(all.truncated, false);
    });

    for (const secret of ['users', 'sessions', 'api_keys', 'media_blobs', 'audit_log']) {
      await t.test(`the ${secret} table is not readable`, async () => {
        const e = await refusal(runAnalyticsSql(to, `SELECT * FROM ${secret}`));
        if (store.dialect === 'postgres') assert.match(e.message, /permission denied/);
        else assert.equal(e.kind, 'refused');
      });
    }
    await t.test('secrets hidden in a subquery or join are not readable either', async () => {
      const e = await refusal(runAnalyticsSql(to, "SELECT item_id, (SELECT password_hash FROM users WHERE email = 'a@example.test') FROM analytics_items"));
      assert.ok(store.dialect === 'postgres' ? /permission denied/.test(e.message) : e.kind === 'refused', e.message);
    });

    await t.test('Parquet and CSV exports read back to the same rows', async () => {
      const r = await runAnalyticsSql(to, 'SELECT item_id, recipient_count, text, conversation_id FROM analytics_items ORDER BY item_id');
      const objects = await parquetReadObjects({ file: toParquet(r).buffer as ArrayBuffer });
      assert.deepEqual(objects, r.rows.map(([item_id, recipient_count, text, conversation_id]) => ({ item_id, recipient_count, text, conversation_id })));
      const csv = parse(toCsv(r)) as string[][];
      assert.deepEqual(csv[0], r.columns);
      assert.deepEqual(csv.slice(1), r.rows.map((row) => row.map((v) => (v === null ? '' : String(v)))));
    });
  });
});
