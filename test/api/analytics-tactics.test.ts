// The tactics analytics over HTTP: who may read them, and bad windows refused with a 400 naming the parameter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiFixture } from './setup.js';
import { forEachBackend } from '../helpers/stores.js';

const URLS = ['/v1/analytics/tactics', '/v1/analytics/emerging-terms', '/v1/analytics/hash-evasion'];

test('tactics analytics: analysts read them, reviewers do not; bad windows are 400s', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: { externalId: 'x1', surface: 'public_post', text: 'h3ll0 fr13nd, see you at the park' } });
      await f.drain();
      const analyst = await f.login('analyst');
      const reviewer = await f.login('reviewer');
      const get = (who: { cookie: string }, url: string) => f.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
      for (const url of URLS) {
        assert.equal((await get(analyst, url)).statusCode, 200, url);
        assert.equal((await get(reviewer, url)).statusCode, 403, `${url}: a reviewer lacks analytics:read`);
        assert.equal((await f.app.inject({ method: 'GET', url })).statusCode, 401, `${url}: signed in only`);
      }
      const tactics = (await get(analyst, '/v1/analytics/tactics?since=7d')).json();
      assert.equal(tactics.texts, 1);
      assert.deepEqual(tactics.points.map((p: { tactic: string }) => p.tactic), ['leet']);
      assert.equal(tactics.points[0].itemIds.length, 1, 'the point names its item');

      const bad = [
        ['/v1/analytics/tactics?since=forever', /query\.since/],
        ['/v1/analytics/tactics?since=365d', /at most 90d/],
        ['/v1/analytics/emerging-terms?baseline=2w', /query\.baseline/],
        ['/v1/analytics/hash-evasion?since=0d', /longer than zero/],
        ['/v1/analytics/hash-evasion?until=now', /until/],
      ] as const;
      for (const [url, message] of bad) {
        const res = await get(analyst, url);
        assert.equal(res.statusCode, 400, url);
        assert.match(res.body, message, url);
      }
    } finally {
      await f.close();
    }
  });
});
