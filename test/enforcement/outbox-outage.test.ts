import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import { buildServer } from '../../src/api/server.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { WebhookOutbox } from '../../src/enforcement/outbox.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { runHaven } from '../helpers/cli.js';
import { patternPng } from '../helpers/images.js';
import { startReceiver } from '../helpers/receiver.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const SECRET = 'outage-webhook-secret-0123456789';
const silent = testLogger();
const HOUR = 60 * 60_000;

async function actionedItem(h: Haven, n: number): Promise<string> {
  const bank = await h.banks.create({ name: `b${n}`, description: '', source: 'test' }, 'test');
  const img = await patternPng(n);
  await h.banks.addEntries(bank.id, [{ hashType: 'md5', hash: createHash('md5').update(img).digest('hex'), category: 'CSE-01' }], 'test');
  const input = itemInputSchema.parse({ externalId: `p${n}`, surface: 'public_post', media: [{ data: img.toString('base64') }], author: { externalId: `x${n}` } });
  const [r] = await h.ingestor.ingest([await h.ingestor.prepare(input)], 'test');
  while ((await h.worker.runOnce()) > 0) {}
  return r!.itemId;
}

test('a webhook outage: deliveries back off and succeed later, each exactly once', async (t) => {
  await forEachBackend(t, async (backend) => {
    // Down for the first four requests: both actions (block, disable) fail twice, then the platform is back.
    const receiver = await startReceiver(SECRET, { failFirst: 4, toleranceMs: 24 * HOUR });
    const h = await openHaven(backend.config, { logger: silent });
    try {
      const itemId = await actionedItem(h, 31);
      let now = Date.now();
      const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret: SECRET, clock: { now: () => now }, logger: silent, maxAttempts: 5 });
      assert.equal(await outbox.runOnce(), 2);
      assert.equal(await outbox.runOnce(), 0, 'not retried before its backoff');
      now += HOUR;
      assert.equal(await outbox.runOnce(), 2);
      now += HOUR;
      assert.equal(await outbox.runOnce(), 2);
      now += HOUR;
      assert.equal(await outbox.runOnce(), 0, 'nothing is sent again once delivered');

      assert.equal(receiver.received.length, 2);
      for (const count of receiver.byKey.values()) assert.equal(count, 1);
      const view = (await itemView(h.store, itemId))!;
      const platform = view.actions.filter((a) => a.delivery === 'platform');
      assert.deepEqual(platform.map((a) => [a.status, a.attempts]), [['delivered', 3], ['delivered', 3]]);
      assert.equal(view.events.filter((e) => e.type === 'action_failed').length, 4);
      assert.equal(view.events.filter((e) => e.type === 'action_delivered').length, 2);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});

test('a platform that stays down parks actions as dead (readyz, trace); `haven outbox replay` sends them', { timeout: 120_000 }, async (t) => {
  await forEachBackend(t, async (backend) => {
    // Down for all three attempts of both actions, up afterwards (the platform fixed its endpoint).
    const receiver = await startReceiver(SECRET, { failFirst: 6, toleranceMs: 24 * HOUR });
    const h = await openHaven(backend.config, { logger: silent });
    const app = await buildServer(h, { webRoot: null });
    try {
      const itemId = await actionedItem(h, 32);
      let now = Date.now();
      const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret: SECRET, clock: { now: () => now }, logger: silent, maxAttempts: 3 });
      for (let i = 0; i < 3; i++) {
        assert.equal(await outbox.runOnce(), 2);
        now += HOUR;
      }
      assert.equal(await outbox.runOnce(), 0, 'dead actions are not retried');
      const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json() as { outbox: Record<string, number> };
      assert.equal(ready.outbox.dead, 2);
      // The alert a pager watches.
      const scraped = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(scraped, /haven_webhook_deliveries_total\{outcome="dead"\} [1-9]/);
      const dead = (await itemView(h.store, itemId))!;
      assert.deepEqual(dead.actions.filter((a) => a.delivery === 'platform').map((a) => [a.status, a.lastError]), [['dead', 'HTTP 503'], ['dead', 'HTTP 503']]);
      assert.equal(dead.events.filter((e) => e.type === 'action_dead').length, 2);
      assert.equal(receiver.received.length, 0);

      const env = backend.name === 'postgres'
        ? { HAVEN_DATABASE_URL: backend.config.databaseUrl, HAVEN_MASTER_KEY: backend.config.masterKey }
        : { HAVEN_MASTER_KEY: backend.config.masterKey };
      const replay = await runHaven(['outbox', 'replay'], { dataDir: backend.config.dataDir, env });
      assert.equal(replay.code, 0, replay.stderr);
      assert.equal(replay.stdout, '2 action(s) queued for delivery again\n');

      now = Date.now() + HOUR;
      assert.equal(await outbox.runOnce(), 2);
      const after = (await itemView(h.store, itemId))!;
      assert.deepEqual(after.actions.filter((a) => a.delivery === 'platform').map((a) => a.status), ['delivered', 'delivered']);
      for (const count of receiver.byKey.values()) assert.equal(count, 1);
      assert.equal(receiver.received.length, 2);
      const readyAfter = (await app.inject({ method: 'GET', url: '/readyz' })).json() as { outbox: Record<string, number> };
      assert.deepEqual(readyAfter.outbox, { delivered: 2 });
    } finally {
      await app.close();
      await h.close();
      await receiver.close();
    }
  });
});
