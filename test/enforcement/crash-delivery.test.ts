/**
 * Issue 11: platform actions survive a crashing outbox. Items matching a hash bank each lead to two platform actions
 * (block, disable); `haven serve` is SIGKILLed three times while it delivers them to a slow platform webhook, and
 * restarted on the same data. Delivery is at-least-once: a request in flight when the process died is sent again,
 * with the same Idempotency-Key, and the platform applies it once. Haven records each action delivered once.
 * CRASH_SEED=<n> replays the kill points (see test/helpers/crash.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { pino } from 'pino';
import { openHaven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { CrashServer, reportingSeed } from '../helpers/crash.js';
import { startReceiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/cli.js';
import { patternPng } from '../helpers/images.js';
import { type Backend, makeBackend, postgresBackendOrSkip } from '../helpers/stores.js';

const SECRET = 'crash-delivery-webhook-secret-0123456789';
const IMAGES = 12;
const ITEMS = 120;
const KILLS = 3;
const silent = pino({ level: 'silent' });

/** Banks the pattern images, then ingests items carrying them (in this process, before any server starts). */
async function seedActionableItems(backend: Backend): Promise<void> {
  const h = await openHaven(backend.config, { logger: silent });
  try {
    const images = await Promise.all(Array.from({ length: IMAGES }, (_, i) => patternPng(500 + i)));
    const bank = await h.banks.create({ name: 'crash-delivery', description: 'generated patterns', source: 'test' }, 'test');
    await h.banks.addEntries(bank.id, images.map((img) => ({ hashType: 'sha256' as const, hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' })), 'test');
    const prepared = [];
    for (let i = 0; i < ITEMS; i++) {
      const img = images[i % IMAGES] as Buffer;
      const input = itemInputSchema.parse({
        externalId: `crash_post_${i}`, surface: 'public_post', media: [{ data: img.toString('base64') }], author: { externalId: `crash_author_${i}` },
      });
      prepared.push(await h.ingestor.prepare(input));
    }
    await h.ingestor.ingest(prepared, 'test');
  } finally {
    await h.close();
  }
}

/** The delivered body, minus the attempt counter (which a retry advances). */
function payloadOf(body: Record<string, unknown>): string {
  const { attempt: _attempt, ...rest } = body;
  return JSON.stringify(rest);
}

async function crashDelivery(t: TestContext, backend: Backend): Promise<void> {
  await seedActionableItems(backend);
  // 120 ms per answer with 8 deliveries in flight: most kills find requests the platform applied but Haven never
  // heard back about.
  const platform = await startReceiver(SECRET, { delayMs: 120 });
  t.after(() => platform.close());
  const server = new CrashServer(t, {
    dataDir: backend.config.dataDir,
    env: {
      HAVEN_MASTER_KEY: backend.config.masterKey, HAVEN_DATABASE_URL: backend.config.databaseUrl,
      HAVEN_WEBHOOK_URL: platform.url, HAVEN_WEBHOOK_SECRET: SECRET, HAVEN_LEASE_MS: '1500',
    },
  });
  await reportingSeed(server, async () => {
    const expected = ITEMS * 2;
    await server.start();
    const inFlightAtKill: number[] = [];
    for (let round = 0; round < KILLS; round++) {
      const target = Math.floor(expected * ((round + 0.1 + server.rng.next() * 0.7) / KILLS));
      await waitFor(`the platform to apply ${target} actions`, () => platform.applied.size >= target, { timeoutMs: 60_000, intervalMs: 2 });
      assert.ok(platform.applied.size < expected, 'the kill comes before the last delivery');
      await server.killAfterRandomDelay(100);
      inFlightAtKill.push(platform.received.length);
      await server.start();
    }
    await server.waitDrained({ outbox: true });
    await server.stop();

    const h = await openHaven(backend.config, { logger: silent });
    try {
      const db = h.store.db;
      const actions = await db.selectFrom('actions').select(['id', 'type', 'status', 'idempotency_key', 'lease_owner'])
        .where('delivery', '=', 'platform').execute();
      assert.equal(actions.length, expected, 'each banked item led to block + disable');
      assert.deepEqual(actions.filter((a) => a.status !== 'delivered' || a.lease_owner !== null), [], 'nothing is left in the outbox');

      // The platform: every action applied, exactly once, and nothing it was not asked for.
      const keys = new Set(actions.map((a) => a.idempotency_key));
      assert.equal(platform.rejected(), 0, 'every request carried a valid signature and an Idempotency-Key');
      assert.deepEqual(actions.filter((a) => !platform.applied.has(a.idempotency_key)).map((a) => a.id), [], 'every action reached the platform');
      assert.deepEqual([...platform.applied.keys()].filter((k) => !keys.has(k)), [], 'nothing else reached it');
      const byId = new Map(actions.map((a) => [a.id, a]));
      for (const [key, body] of platform.applied) {
        const action = byId.get(String(body.id));
        assert.equal(action?.idempotency_key, key, 'the key names the action in the body');
        assert.equal(body.type, action?.type);
      }
      // A repeat is the same request again: same key, same signed payload; only the attempt counter moves on.
      const repeats = new Map<string, Record<string, unknown>[]>();
      for (const r of platform.received) repeats.set(r.idempotencyKey, [...(repeats.get(r.idempotencyKey) ?? []), r.body]);
      const repeated = [...repeats].filter(([, bodies]) => bodies.length > 1);
      for (const [key, bodies] of repeated) {
        assert.ok(bodies.every((b) => payloadOf(b) === payloadOf(bodies[0] as Record<string, unknown>)), `repeats of ${key} carry the same payload`);
        const attempts = bodies.map((b) => Number(b.attempt));
        assert.ok(attempts.every((a, i) => i === 0 || a > (attempts[i - 1] as number)), `attempts of ${key} go up: ${attempts}`);
      }
      assert.ok(repeated.length > 0, 'a kill caught deliveries in flight (otherwise the test proved nothing)');

      // Haven: one delivered record per action, no dead or failed attempt (the platform never refused).
      const events = await db.selectFrom('events').select(['type', 'payload']).where('type', 'in', ['action_delivered', 'action_failed', 'action_dead']).execute();
      const delivered = new Map<string, number>();
      for (const e of events) {
        assert.equal(e.type, 'action_delivered', `unexpected ${e.type}`);
        const payload = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as { actionId: string };
        delivered.set(payload.actionId, (delivered.get(payload.actionId) ?? 0) + 1);
      }
      assert.deepEqual(actions.filter((a) => delivered.get(a.id) !== 1).map((a) => [a.id, delivered.get(a.id) ?? 0]), [], 'each action recorded delivered exactly once');
      const decisions = await db.selectFrom('decisions').select('item_id').execute();
      assert.equal(new Set(decisions.map((d) => d.item_id)).size, ITEMS);
      assert.equal(decisions.length, ITEMS, 'one decision per item');
      t.diagnostic(`kills ${JSON.stringify(server.kills)}; platform requests ${platform.received.length} for ${expected} actions (${repeated.length} repeated, each applied once); requests seen at each kill ${inFlightAtKill}`);
    } finally {
      await h.close();
    }
  });
}

test('SQLite: haven serve SIGKILLed while delivering actions: each reaches the platform, applied and recorded once', { timeout: 150_000 }, async (t) => {
  const backend = await makeBackend('sqlite');
  t.after(() => backend.cleanup());
  await crashDelivery(t, backend);
});

test('Postgres: haven serve SIGKILLed while delivering actions: each reaches the platform, applied and recorded once', { timeout: 150_000 }, async (t) => {
  const backend = await postgresBackendOrSkip(t);
  if (!backend) return;
  await crashDelivery(t, backend);
});
