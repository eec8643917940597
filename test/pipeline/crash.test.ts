import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven } from '../../src/app.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { demoTextItems } from '../../src/demo/world.js';
import { patternPng } from '../helpers/images.js';
import { startHavenProcess, waitFor } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { makeBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const SECRET = 'crash-test-webhook-secret-0123';
const TEXT_ITEMS = 10_000;
const IMAGE_ITEMS = 500;

test('a worker killed with SIGKILL mid-run loses nothing and processes every item once', { timeout: 300_000 }, async (t) => {
  const backend = await makeBackend('sqlite');
  const receiver = await startReceiver(SECRET);
  t.after(async () => {
    await receiver.close();
    await backend.cleanup();
  });
  const haven = await openHaven(backend.config, { logger: testLogger() });

  // Risky text becomes platform actions (restrict, warn) and a banked image becomes (block, disable), so the
  // kill lands while both processing and deliveries are under way.
  await haven.configs.deploy('policy', {
    ...DEFAULT_POLICY,
    categories: { ...DEFAULT_POLICY.categories, 'CSE-13': { actionThreshold: 0.2, reviewThreshold: 0.1, actions: ['restrict', 'warn'] } },
  }, 'crash test: make early-contact text actionable', 'test');
  const img = await patternPng(77);
  const bank = await haven.banks.create({ name: 'crash', description: '', source: 'test' }, 'test');
  await haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');

  let batch = [];
  for (const input of demoTextItems(TEXT_ITEMS, 7)) {
    batch.push(await haven.ingestor.prepare(input));
    if (batch.length === 1000) {
      await haven.ingestor.ingest(batch, 'test');
      batch = [];
    }
  }
  const imageItem = await haven.ingestor.prepare({ externalId: 'img', surface: 'public_post', media: [{ data: img.toString('base64') }] });
  for (let i = 0; i < IMAGE_ITEMS; i++) batch.push({ ...imageItem, input: { ...imageItem.input, externalId: `img_${i}`, author: { externalId: `poster_${i % 50}` } } });
  await haven.ingestor.ingest(batch, 'test');
  const total = TEXT_ITEMS + IMAGE_ITEMS;

  const db = haven.store.db;
  const doneJobs = async () => Number((await db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'done').executeTakeFirstOrThrow()).n);
  const worker = {
    dataDir: backend.config.dataDir,
    env: {
      HAVEN_MASTER_KEY: backend.config.masterKey, HAVEN_WEBHOOK_URL: receiver.url, HAVEN_WEBHOOK_SECRET: SECRET,
      HAVEN_WORKER_BATCH: '100', HAVEN_LEASE_MS: '2000', HAVEN_LOG_LEVEL: 'info',
    },
  };

  const first = startHavenProcess(t, ['serve', '--role', 'worker'], worker);
  await waitFor('the first worker to process a third of the items', async () => (await doneJobs()) >= total / 3 || first.child.exitCode !== null, { timeoutMs: 120_000 });
  assert.equal(first.child.exitCode, null, `the worker died on its own: ${first.stdout()}${first.stderr()}`);
  await first.stop('SIGKILL');
  const atKill = await doneJobs();
  assert.ok(atKill < total, 'the kill came before the end');

  const second = startHavenProcess(t, ['serve', '--role', 'worker'], worker);
  const pendingDeliveries = async () =>
    Number((await db.selectFrom('actions').select((eb) => eb.fn.countAll().as('n')).where('delivery', '=', 'platform').where('status', '!=', 'delivered').executeTakeFirstOrThrow()).n);
  await waitFor('every item processed and every action delivered', async () => (await doneJobs()) === total && (await pendingDeliveries()) === 0, { timeoutMs: 180_000, intervalMs: 250 });
  assert.equal(second.child.exitCode, null, 'the worker waits for more work');
  assert.deepEqual(await second.stop('SIGTERM'), { code: 0, signal: null }, `${second.stdout()}${second.stderr()}`);

  const perItem = await db.selectFrom('decisions').select(['item_id', (eb) => eb.fn.countAll().as('n')]).groupBy('item_id').execute();
  assert.equal(perItem.length, total, 'every item has a decision');
  assert.deepEqual(perItem.filter((r) => Number(r.n) !== 1), [], 'no item was decided twice');
  const statuses = await db.selectFrom('items').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute();
  assert.deepEqual(statuses.map((s) => [s.status, Number(s.n)]), [['processed', total]]);

  const platform = await db.selectFrom('actions').select(['idempotency_key', 'status']).where('delivery', '=', 'platform').execute();
  assert.ok(platform.length >= IMAGE_ITEMS * 2 + 100, `enough deliveries to make the test meaningful (${platform.length})`);
  const expected = new Set(platform.map((a) => a.idempotency_key));
  assert.deepEqual(new Set(receiver.byKey.keys()), expected, 'the platform received exactly the set of actions Haven requested');
  // HTTP cannot be exactly-once across a crash; the idempotency key makes it so for the platform. Redeliveries
  // are bounded by what was in flight when the process died.
  const redelivered = [...receiver.byKey.values()].filter((n) => n > 1).length;
  assert.ok(redelivered <= 50, `at most one outbox batch redelivered (${redelivered})`);
  const deliveredEvents = await db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('type', '=', 'action_delivered').executeTakeFirstOrThrow();
  assert.equal(Number(deliveredEvents.n), platform.length, 'each action is recorded as delivered once');
  t.diagnostic(`killed at ${atKill}/${total} items; ${platform.length} webhooks, ${redelivered} redelivered after the crash and deduplicated by key`);
  await haven.close();
});
