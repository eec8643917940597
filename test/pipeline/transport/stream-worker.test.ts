import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { openHaven } from '../../../src/app.js';
import { demoTextItems } from '../../../src/demo/bench-items.js';
import { startBackgroundWork } from '../../../src/pipeline/loops.js';
import { dispose } from '../../../src/pipeline/transport/stream-worker.js';
import { jobCounts } from '../../../src/store/repos/jobs.js';
import { waitFor } from '../../helpers/cli.js';
import { NATS_URL, natsPrefix, requireNats } from '../../helpers/nats.js';
import { makeBackend } from '../../helpers/stores.js';

const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });

test('a message whose job cannot be claimed is acknowledged when finished and handed back otherwise', () => {
  const now = 1_000_000;
  assert.deepEqual(dispose({ status: 'done', runAfter: 0, leaseExpiresAt: null }, now), { ack: true });
  assert.deepEqual(dispose({ status: 'failed', runAfter: 0, leaseExpiresAt: null }, now), { ack: true });
  assert.deepEqual(dispose(undefined, now), { ack: true });
  assert.deepEqual(dispose({ status: 'leased', runAfter: 0, leaseExpiresAt: now + 4000 }, now), { ack: false, retryInMs: 4500 });
  assert.deepEqual(dispose({ status: 'pending', runAfter: now + 8000, leaseExpiresAt: null }, now), { ack: false, retryInMs: 8000 });
});

test('distributed mode refuses to start on SQLite', async () => {
  const backend = await makeBackend('sqlite', { natsUrl: NATS_URL, natsPrefix: natsPrefix() });
  try {
    await assert.rejects(openHaven(backend.config, { logger: silent }), /HAVEN_NATS_URL needs HAVEN_DATABASE_URL/);
  } finally {
    await backend.cleanup();
  }
});

test('items flow through the JetStream work queue; redeliveries and unpublished jobs are processed exactly once', async (t) => {
  if (!(await requireNats(t))) return;
  const backend = await makeBackend('postgres', { natsUrl: NATS_URL, natsPrefix: natsPrefix(), leaseMs: 2000 });
  const api = await openHaven(backend.config, { logger: silent });
  const worker = await openHaven(backend.config, { logger: silent });
  // The same database without NATS: its ingest commits jobs that nobody publishes (a process that died between the
  // commit and the publish).
  const detached = await openHaven({ ...backend.config, natsUrl: undefined }, { logger: silent });
  let work: ReturnType<typeof startBackgroundWork> | null = null;
  t.after(async () => {
    await work?.stop();
    await api.nats?.deleteStream();
    await api.close();
    await worker.close();
    await detached.close();
    await backend.cleanup();
  });

  const inputs = [...demoTextItems(300, 7, Date.now(), 0.2)];
  const published = await api.ingestor.ingest(await Promise.all(inputs.slice(0, 250).map((i) => api.ingestor.prepare(i))), 'test');
  const stranded = await detached.ingestor.ingest(await Promise.all(inputs.slice(250).map((i) => detached.ingestor.prepare(i))), 'test');
  assert.equal(published.filter((r) => !r.duplicate).length, 250);

  const dispatched = await api.store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('dispatched_at', 'is not', null).executeTakeFirstOrThrow();
  assert.equal(Number(dispatched.n), 250, 'ingest records that it handed each item to the stream');

  work = startBackgroundWork(worker, { pipeline: true, outbox: false });
  await waitFor('the published items to be processed', async () => (await jobCounts(api.store.db)).done === 250 || undefined, { timeoutMs: 60_000 });

  // The same items again on the stream (a publish retried after a lost ack, past the duplicate window): acknowledged,
  // not processed again.
  for (const r of published.slice(0, 20)) await api.nats?.republishItem(r.itemId, 99);

  // The unpublished ones are found in the table by the stranded-job sweep (every 30 s by default).
  await waitFor('the unpublished items to be processed', async () => (await jobCounts(api.store.db)).done === 300 || undefined, { timeoutMs: 90_000 });
  await waitFor('the stream to drain', async () => {
    const b = await api.nats?.backlog();
    return b && b.waiting + b.inFlight === 0;
  }, { timeoutMs: 30_000 });

  const perItem = await api.store.db
    .selectFrom('decisions')
    .select(['item_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('item_id')
    .execute();
  assert.equal(perItem.length, 300, 'every item has a decision');
  assert.deepEqual(perItem.filter((r) => Number(r.n) !== 1), [], 'no item was decided twice');
  assert.equal(stranded.length, 50);

  // A process started with another lease moves the consumer's ack wait to it.
  const relaunched = await openHaven({ ...backend.config, leaseMs: 3000 }, { logger: silent });
  try {
    const info = await jetstreamManager(relaunched.nats!.connection).then((m) => m.consumers.info(relaunched.nats!.stream, relaunched.nats!.consumerName));
    assert.equal(info.config.ack_wait, 3000 * 1_000_000);
  } finally {
    await relaunched.close();
  }
});
