import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { OPS_METRIC_KEYS } from '../../src/review/ops/targets.js';
import type { OpsMetrics } from '../../src/review/ops/metrics.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

test('GET /v1/ops/metrics: ops managers only, a clear 400 for a bad window, and the pipeline\'s automatic action counted', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'ops_manager@test.local', name: 'ops', password: PASSWORD, roles: ['ops_manager'] }, 'test');
      const get = async (role: string | null, query = '') => {
        const headers = role ? { cookie: (await f.login(role)).cookie } : {};
        return f.app.inject({ method: 'GET', url: `/v1/ops/metrics${query}`, headers });
      };
      assert.equal((await get(null)).statusCode, 401);
      const reviewer = await get('reviewer');
      assert.equal(reviewer.statusCode, 403);
      assert.match(reviewer.body, /ops:read/);

      const banana = await get('ops_manager', '?since=banana');
      assert.equal(banana.statusCode, 400);
      assert.equal((banana.json() as { error: { code: string; message: string } }).error.message,
        'query.since must be a number of hours or days such as 24h, 7d or 30d, not "banana"');
      const badUntil = await get('ops_manager', '?since=7d&until=tuesday');
      assert.equal(badUntil.statusCode, 400);
      assert.match(badUntil.body, /query\.until must be an ISO 8601 time/);
      assert.equal((await get('ops_manager', '?since=7d&extra=1')).statusCode, 400, 'unknown query parameters are refused');

      // One banked image: the pipeline blocks it without a person, so it is an automatic action.
      const img = await patternPng(52);
      const bank = await f.haven.banks.create({ name: 'k', description: '', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const ingest = await f.app.inject({
        method: 'POST', url: '/v1/items', headers: f.auth(),
        payload: { externalId: 'img', surface: 'public_post', author: { externalId: 'a' }, media: [{ data: img.toString('base64') }] },
      });
      assert.equal(ingest.statusCode, 202, ingest.body);
      await f.drain();

      const ok = await get('ops_manager', '?since=24h');
      assert.equal(ok.statusCode, 200, ok.body);
      const m = ok.json() as OpsMetrics;
      assert.deepEqual(m.figures.map((x) => x.key), OPS_METRIC_KEYS);
      assert.equal(Date.parse(m.window.to) - Date.parse(m.window.from), 24 * 60 * 60 * 1000);
      assert.deepEqual(m.automation, { actionedItems: 1, automated: 1, rate: 1 });
      assert.equal(m.timeToAction.items, 1);
      const rate = m.figures.find((x) => x.key === 'automation_rate');
      assert.deepEqual([rate?.value, rate?.target, rate?.breached], [1, 0.5, false]);
      assert.equal(m.figures.find((x) => x.key === 'automation_precision')?.value, null, 'no QA or appeal yet: precision unknown');
      assert.equal(m.trend.weekly, null);
      assert.ok(m.trend.daily.length >= 1 && m.trend.daily.length <= 2);

      const past = (await get('ops_manager', '?since=1h&until=2020-01-01T00:00:00Z')).json() as OpsMetrics;
      assert.deepEqual([past.window.from, past.window.to], ['2019-12-31T23:00:00.000Z', '2020-01-01T00:00:00.000Z']);
      assert.equal(past.automation.actionedItems, 0);
    } finally {
      await f.close();
    }
  });
});
