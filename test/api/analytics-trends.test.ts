import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

test('analytics trends routes: analytics:read only, bad parameters named in a 400', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      const ingest = (payload: Record<string, unknown>) => f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload });
      const now = Date.now();
      for (let k = 0; k < 3; k++) {
        const r = await ingest({ externalId: `c${k}`, surface: 'comment', author: { externalId: 'a' }, text: 'see you at practice', createdAt: now - k * 3_600_000 });
        assert.equal(r.statusCode, 202, r.body);
      }
      await f.drain();
      const analyst = await f.login('analyst');
      const reviewer = await f.login('reviewer');
      const get = (url: string, s = analyst) => f.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      const message = (r: { json(): unknown }) => (r.json() as { error: { message: string } }).error.message;

      for (const url of ['/v1/analytics/volumes?metric=items', '/v1/analytics/prevalence', '/v1/analytics/spikes', '/v1/analytics/volumes/items?metric=items']) {
        assert.equal((await get(url, reviewer)).statusCode, 403, url);
        assert.equal((await f.app.inject({ method: 'GET', url })).statusCode, 401, url);
      }

      const v = await get('/v1/analytics/volumes?metric=items&by=surface&bucket=day&since=2d');
      assert.equal(v.statusCode, 200, v.body);
      const body = v.json() as { points: { key: { surface: string }; count: number; drill: string }[] };
      assert.equal(body.points.reduce((s, p) => s + p.count, 0), 3);
      assert.ok(body.points.every((p) => p.key.surface === 'comment'));
      const drill = await get(body.points[0]!.drill);
      assert.equal(drill.statusCode, 200, drill.body);
      assert.ok((drill.json() as { items: string[] }).items.length >= 1);
      assert.equal((await get('/v1/analytics/prevalence?since=30d')).statusCode, 200);
      const s = await get('/v1/analytics/spikes?bucket=hour&weeks=2');
      assert.equal(s.statusCode, 200, s.body);
      assert.deepEqual((s.json() as { alerts: unknown[] }).alerts, []);

      const bad: [string, RegExp][] = [
        ['/v1/analytics/volumes?metric=tweets', /query\.metric/],
        ['/v1/analytics/volumes', /query\.metric/],
        ['/v1/analytics/volumes?metric=items&by=detector', /by: items has no dimension "detector"/],
        ['/v1/analytics/volumes?metric=items&bucket=week', /query\.bucket/],
        ['/v1/analytics/volumes?metric=items&since=forever', /since must be a number of hours or days/],
        ['/v1/analytics/volumes?metric=items&until=yesterday', /until must be an ISO 8601 time/],
        ['/v1/analytics/volumes?metric=items&verdict=violating', /verdict: items cannot be filtered by verdict/],
        ['/v1/analytics/volumes?metric=items&colour=red', /colour/],
        ['/v1/analytics/spikes?threshold=0', /query\.threshold/],
        ['/v1/analytics/spikes?weeks=52', /query\.weeks/],
        ['/v1/analytics/prevalence?since=9999d', /since may be at most/],
      ];
      for (const [url, pattern] of bad) {
        const r = await get(url);
        assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
        assert.match(message(r), pattern, url);
      }
    } finally {
      await f.close();
    }
  });
});
