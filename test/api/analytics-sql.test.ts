import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

test('the SQL console over HTTP: analysts only, read-only, audited, CSV and Parquet', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: { externalId: 'n1', surface: 'public_post', author: { externalId: 'a' }, text: 'see you at practice' } });
      const analyst = await f.login('analyst');
      const reviewer = await f.login('reviewer');
      const as = (who: { cookie: string; csrf: string }) => ({ cookie: who.cookie, 'x-csrf-token': who.csrf });
      const post = (who: { cookie: string; csrf: string }, payload: unknown, format = '') =>
        f.app.inject({ method: 'POST', url: `/v1/analytics/sql${format}`, headers: as(who), payload: payload as Record<string, unknown> });

      const ok = await post(analyst, { sql: 'SELECT external_id, surface FROM analytics_items' });
      assert.equal(ok.statusCode, 200, ok.body);
      const body = ok.json() as { columns: string[]; rows: unknown[][]; truncated: boolean; ms: number };
      assert.deepEqual([body.columns, body.rows, body.truncated], [['external_id', 'surface'], [['n1', 'public_post']], false]);

      assert.equal((await post(reviewer, { sql: 'SELECT 1' })).statusCode, 403);
      const views = await f.app.inject({ method: 'GET', url: '/v1/analytics/views', headers: as(analyst) });
      assert.ok((views.json() as { views: { name: string }[] }).views.some((v) => v.name === 'analytics_escalations'));

      const bad = async (payload: unknown, field: string) => {
        const r = await post(analyst, payload);
        assert.equal(r.statusCode, 400, r.body);
        assert.match((r.json() as { error: { message: string } }).error.message, new RegExp(field));
      };
      await bad({ sql: '' }, 'body.sql');
      await bad({ sql: 'SELECT 1', limit: 100_001 }, 'body.limit');
      await bad({ sql: 'SELECT 1', timeoutMs: 0 }, 'body.timeoutMs');
      await bad({ query: 'SELECT 1' }, 'body');

      const write = await post(analyst, { sql: "DELETE FROM items WHERE external_id = 'n1'" });
      assert.equal(write.statusCode, 400);
      assert.match((write.json() as { error: { message: string } }).error.message, /readonly database|read-only transaction/);

      const csv = await post(analyst, { sql: 'SELECT external_id, surface FROM analytics_items' }, '?format=csv');
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.deepEqual(parse(csv.body), [['external_id', 'surface'], ['n1', 'public_post']]);
      const pq = await post(analyst, { sql: 'SELECT external_id, surface FROM analytics_items' }, '?format=parquet');
      const bytes = pq.rawPayload;
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      assert.deepEqual(rows, [{ external_id: 'n1', surface: 'public_post' }]);

      const audit = await f.haven.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'analytics.sql').orderBy('seq').execute();
      const texts = audit.map((a) => (typeof a.details === 'string' ? JSON.parse(a.details) : a.details) as { sql: string; error?: string });
      assert.equal(texts[0]?.sql, 'SELECT external_id, surface FROM analytics_items');
      assert.ok(texts.some((d) => d.sql.startsWith('DELETE') && d.error), 'the refused write is audited with its error');
      assert.ok(!texts.some((d) => d.sql === 'SELECT 1'), 'a forbidden caller runs nothing');
    } finally {
      await f.close();
    }
  });
});
