import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobCounts } from '../../src/store/repos/jobs.js';
import { MAX_BATCH_ITEMS } from '../../src/api/routes/items.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const item = (n: number, extra: Record<string, unknown> = {}) => ({
  externalId: `batch_${n}`, surface: 'comment', text: `a plain comment number ${n}`, author: { externalId: `ba_${n % 7}`, ageBand: 'adult' }, ...extra,
});

test('batch ingest: many items in one request, bad media rejected on its own, bad input a 400 naming the item', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    t.after(() => f.close());

    const items = Array.from({ length: 40 }, (_, i) => item(i));
    items[7] = item(7, { media: [{ data: Buffer.from('this is not an image').toString('base64') }] });
    const res = await f.app.inject({ method: 'POST', url: '/v1/items/batch', headers: f.auth(), payload: { items } });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json();
    assert.deepEqual([body.accepted, body.duplicates, body.rejected], [39, 0, 1]);
    assert.equal(body.results[7].status, 'rejected');
    assert.equal(body.results[7].index, 7);
    assert.match(body.results[7].error, /media\[0\]/);
    assert.equal(body.results[8].externalId, 'batch_8', 'results are in request order');
    assert.equal((await jobCounts(f.haven.store.db)).pending, 39, 'each accepted item has its processing job');

    const again = await f.app.inject({ method: 'POST', url: '/v1/items/batch', headers: f.auth(), payload: { items: items.slice(0, 3) } });
    assert.deepEqual([again.json().accepted, again.json().duplicates], [0, 3], 'resubmitting is idempotent');

    const bad = await f.app.inject({ method: 'POST', url: '/v1/items/batch', headers: f.auth(), payload: { items: [item(1), { externalId: 'x' }] } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /items\.1\.surface/);

    const tooMany = await f.app.inject({
      method: 'POST', url: '/v1/items/batch', headers: f.auth(),
      payload: { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => item(i)) },
    });
    assert.equal(tooMany.statusCode, 400);
    assert.match(tooMany.body, /items/);

    const anonymous = await f.app.inject({ method: 'POST', url: '/v1/items/batch', payload: { items: [item(1)] } });
    assert.equal(anonymous.statusCode, 401);
  });
});
