import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { pino } from 'pino';
import { type Haven, openHaven } from '../../src/app.js';
import { registry } from '../../src/metrics.js';
import { startBackgroundWork } from '../../src/pipeline/loops.js';
import { jobCounts } from '../../src/store/repos/jobs.js';
import { NATS_URL, natsPrefix, requireNats } from '../helpers/nats.js';
import { forEachBackend, makeBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const LIMIT = 12;
const item = (n: number) => ({ externalId: `bp_${n}`, surface: 'comment', text: `an ordinary comment about the weekend, number ${n}`, author: { externalId: `bpa_${n % 3}`, ageBand: 'adult' } });

async function refusedCount(): Promise<number> {
  const metric = await registry.getSingleMetric('haven_ingest_refused_total')?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

test('backpressure: ingest answers 429 with Retry-After once the backlog is full, refuses a batch whole, and reopens after the worker drains', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    t.after(() => f.close());
    const post = (n: number) => f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: item(n) });
    const postBatch = (from: number, count: number) => f.app.inject({
      method: 'POST', url: '/v1/items/batch', headers: f.auth(), payload: { items: Array.from({ length: count }, (_, i) => item(from + i)) },
    });
    const itemCount = async () => Number((await f.haven.store.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const refusedBefore = await refusedCount();

    // The worker is not running: every accepted item stays in the backlog.
    let accepted = 0;
    let refused: Awaited<ReturnType<typeof post>> | null = null;
    for (let n = 0; n < LIMIT * 3 && !refused; n++) {
      const res = await post(n);
      if (res.statusCode === 202) accepted++;
      else refused = res;
    }
    assert.ok(refused, 'ingest was never refused');
    assert.equal(accepted, LIMIT, 'exactly the limit is admitted, in one process without a worker');
    assert.equal(refused.statusCode, 429, refused.body);
    const retryAfter = String(refused.headers['retry-after']);
    assert.match(retryAfter, /^[1-9]\d*$/, 'Retry-After is a positive whole number of seconds');
    assert.ok(Number(retryAfter) <= 60);
    const error = refused.json().error;
    assert.equal(error.code, 'backlog_full');
    assert.match(error.message, new RegExp(`${LIMIT} items wait for processing \\(limit ${LIMIT}\\)`));

    // Full: a batch is refused whole; nothing of it is stored.
    const storedBefore = await itemCount();
    const batch = await postBatch(100, 3);
    assert.equal(batch.statusCode, 429, batch.body);
    assert.match(String(batch.headers['retry-after']), /^[1-9]\d*$/);
    assert.equal(batch.json().error.code, 'backlog_full');
    assert.equal(await itemCount(), storedBefore, 'a refused batch stores nothing');
    assert.equal((await jobCounts(f.haven.store.db)).pending, LIMIT);
    assert.ok(await refusedCount() >= refusedBefore + 2, 'refusals are counted in haven_ingest_refused_total');

    const ready = (await f.app.inject({ method: 'GET', url: '/readyz' })).json();
    assert.equal(ready.backlog.limit, LIMIT);
    assert.equal(ready.backlog.refusing, true);
    assert.ok(ready.backlog.waiting >= LIMIT);

    // The worker drains the backlog; ingest reopens once the cached reading is refreshed.
    await f.drain();
    assert.equal((await jobCounts(f.haven.store.db)).pending ?? 0, 0);
    let reopened = await post(200);
    for (let tries = 0; reopened.statusCode === 429 && tries < 50; tries++) {
      await sleep(100);
      reopened = await post(200);
    }
    assert.equal(reopened.statusCode, 202, reopened.body);

    // Room for LIMIT - 1 more: a batch that would overfill it is refused whole, one that fits is accepted.
    const tooBig = await postBatch(300, LIMIT);
    assert.equal(tooBig.statusCode, 429, tooBig.body);
    assert.match(tooBig.json().error.message, new RegExp(`${LIMIT} items would take the processing backlog`));
    assert.equal(await itemCount(), storedBefore + 1, 'nothing of the overfilling batch was stored');
    const fits = await postBatch(300, LIMIT - 1);
    assert.equal(fits.statusCode, 202, fits.body);
    assert.equal(fits.json().accepted, LIMIT - 1);
    assert.equal((await post(400)).statusCode, 429, 'full again');
  }, { maxBacklog: LIMIT, rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9 });
});

test('backpressure under concurrency: parallel requests never take the backlog over the limit', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    t.after(() => f.close());
    const results = await Promise.all(Array.from({ length: 40 }, (_, n) =>
      f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: item(1000 + n) })));
    const statuses = results.map((r) => r.statusCode);
    assert.deepEqual([...new Set(statuses)].sort(), [202, 429]);
    const accepted = statuses.filter((s) => s === 202).length;
    // A reading taken while others commit may count those twice (it errs toward refusing), so at most the limit.
    assert.ok(accepted >= 1 && accepted <= LIMIT, `${accepted} accepted`);
    assert.equal((await jobCounts(f.haven.store.db)).pending, accepted, 'every accepted item, and only those, waits');
  }, { maxBacklog: LIMIT, rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9 });
});

test('backpressure in distributed mode reads the work stream\'s backlog, and reopens when a worker process drains it', async (t) => {
  if (!(await requireNats(t))) return;
  const backend = await makeBackend('postgres', { natsUrl: NATS_URL, natsPrefix: natsPrefix(), maxBacklog: LIMIT, rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9 });
  const f = await apiFixture(backend);
  let worker: Haven | null = null;
  let work: ReturnType<typeof startBackgroundWork> | null = null;
  t.after(async () => {
    await work?.stop();
    await worker?.close();
    await f.haven.nats?.deleteStream();
    await f.close();
    await backend.cleanup();
  });
  const post = (n: number) => f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: item(2000 + n) });

  let accepted = 0;
  let last = await post(0);
  for (let n = 1; last.statusCode === 202 && n < LIMIT * 3; n++) {
    accepted++;
    last = await post(n);
  }
  assert.equal(last.statusCode, 429, last.body);
  assert.equal(accepted, LIMIT);
  assert.match(String(last.headers['retry-after']), /^[1-9]\d*$/);
  const ready = (await f.app.inject({ method: 'GET', url: '/readyz' })).json();
  assert.equal(ready.backlog.source, 'stream');
  assert.equal(ready.stream.waiting + ready.stream.inFlight, LIMIT, 'the stream holds what was admitted');

  // A separate worker process (here: another Haven on the same database and stream) drains the stream.
  worker = await openHaven(backend.config, { logger: pino({ level: 'silent' }) });
  work = startBackgroundWork(worker, { pipeline: true, outbox: false });
  let reopened = last;
  for (let tries = 0; reopened.statusCode === 429 && tries < 100; tries++) {
    await sleep(100);
    reopened = await post(500);
  }
  assert.equal(reopened.statusCode, 202, reopened.body);
});
