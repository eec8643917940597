import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { WebhookOutbox } from '../../src/enforcement/outbox.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { verifyAudit } from '../../src/store/repos/audit.js';
import { patternPng } from '../helpers/images.js';
import { startReceiver } from '../helpers/receiver.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const SECRET = 'test-webhook-secret-0123456789';

async function drain(h: Haven): Promise<void> {
  while ((await h.worker.runOnce()) > 0) {}
}

async function ingestOne(h: Haven, raw: unknown) {
  const input = itemInputSchema.parse(raw);
  return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!;
}

test('an image matching a bank entry is decided, actioned, delivered and explained', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET);
    const h = await openHaven(backend.config, { logger: testLogger(), webhook: { url: receiver.url, secret: SECRET } });
    try {
      const banked = await patternPng(1);
      const other = await patternPng(2);
      const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'user:policy@test');
      await h.banks.addEntries(bank.id, [{
        hashType: 'sha256', hash: createHash('sha256').update(banked).digest('hex'), category: 'CSE-01', classification: 'A1', label: 'labelled pattern',
      }], 'user:policy@test');

      const author = { externalId: 'acct_1', ageBand: 'adult' as const };
      const hit = await ingestOne(h, { externalId: 'post_1', surface: 'public_post', author, media: [{ data: banked.toString('base64') }] });
      const miss = await ingestOne(h, { externalId: 'post_2', surface: 'public_post', author, media: [{ data: other.toString('base64') }] });
      await drain(h);

      const view = await itemView(h.store, hit.itemId);
      assert.ok(view);
      assert.equal(view.item.kind, 'image');
      assert.equal(view.decision?.verdict, 'violating');
      assert.equal(view.decision?.category, 'CSE-01');
      assert.equal(view.decision?.policyVersion, 1);
      assert.match(view.decision?.reasons[0]?.text ?? '', /hashmatch\.exact score 1\.00 >= action threshold 1 of CSE-01 .* policy v1/);
      const signal = view.signals.find((s) => s.detector === 'hashmatch.exact');
      assert.equal(signal?.evidence.bankId, bank.id);
      assert.deepEqual(new Set(view.decision?.actions), new Set(['block', 'preserve', 'disable', 'report', 'share']));
      assert.equal(view.actions.find((a) => a.type === 'report')?.status, 'awaiting_approval');

      const missView = await itemView(h.store, miss.itemId);
      assert.equal(missView?.decision?.verdict, 'no_violation');
      assert.equal(missView?.actions.length, 0);

      while ((await h.outbox!.runOnce()) > 0) {}
      const delivered = (await itemView(h.store, hit.itemId))!;
      const platform = delivered.actions.filter((a) => a.delivery === 'platform');
      assert.deepEqual(platform.map((a) => a.type).sort(), ['block', 'disable']);
      for (const a of platform) {
        assert.equal(a.status, 'delivered');
        assert.equal(receiver.byKey.get(a.idempotencyKey), 1);
      }
      assert.equal(receiver.rejected(), 0);
      const types = delivered.events.map((e) => e.type);
      for (const want of ['item_ingested', 'detector_ran', 'signal', 'decision', 'action_requested', 'action_delivered']) {
        assert.ok(types.includes(want as never), `trace has ${want}`);
      }
      const ran = delivered.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'hashmatch.exact');
      assert.ok(ran?.versions.banks, 'the bank version a match used is recorded');
      assert.equal((await verifyAudit(h.store.db)).ok, true);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});

test('ingest is idempotent: the same external id and content is one item, processed once', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const raw = { externalId: 'dm_1', surface: 'direct_message', text: 'hello there', author: { externalId: 'a' } };
      const first = await ingestOne(h, raw);
      const again = await ingestOne(h, raw);
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      assert.equal(again.itemId, first.itemId);
      const edited = await ingestOne(h, { ...raw, text: 'hello there, edited' });
      assert.notEqual(edited.itemId, first.itemId, 'changed content under the same id is a new version');
      await drain(h);
      const decisions = await h.store.db.selectFrom('decisions').select('item_id').execute();
      assert.equal(decisions.length, 2);
    } finally {
      await h.close();
    }
  });
});

test('risky text in a conversation with a minor goes to review with its terms as evidence', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const text = "This is OUR little secret, dón't tell your parents";
      const r = await ingestOne(h, {
        externalId: 'dm_9', surface: 'direct_message', text, author: { externalId: 'adult_1', ageBand: 'adult' },
        recipients: [{ externalId: 'teen_1', ageBand: '13_15' }], conversationId: 'c1',
      });
      await drain(h);
      const view = (await itemView(h.store, r.itemId))!;
      // The plain secrecy rule, and its adult-to-minor variant on top: two distinct rules of CSE-13.
      const signal = view.signals.find((s) => s.detector === 'text.rules');
      assert.equal(signal?.category, 'CSE-13');
      assert.equal(signal?.score, 0.725);
      assert.deepEqual((signal!.evidence.rules as { id: string }[]).map((r) => r.id).sort(), ['secrecy-request', 'secrecy-request-adult-to-minor']);
      const spans = (signal!.evidence.terms ?? []).map((s) => text.slice(s.start, s.end));
      assert.deepEqual([...new Set(spans)].sort(), ['OUR little secret', "dón't tell your parents"]);
      assert.equal(view.decision?.verdict, 'needs_review');
      assert.equal(view.reviewTasks.length, 1);
      assert.equal(view.decision?.category, 'CSE-13');
      assert.equal(view.reviewTasks[0]?.severity, 'S2');
      assert.equal(view.recipients[0]?.ageBand, '13_15');
    } finally {
      await h.close();
    }
  });
});

test('a failing webhook is retried with backoff and parked as dead after the last attempt', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET, { failFirst: 1000, toleranceMs: 24 * 3_600_000 }) // the test's clock runs hours ahead;
    const h = await openHaven(backend.config, { logger: testLogger() });
    let now = Date.now();
    const clock = { now: () => now };
    const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret: SECRET, clock, logger: testLogger(), maxAttempts: 3 });
    try {
      const bank = await h.banks.create({ name: 'b', description: '', source: 'test' }, 'test');
      const img = await patternPng(5);
      await h.banks.addEntries(bank.id, [{ hashType: 'md5', hash: createHash('md5').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const r = await ingestOne(h, { externalId: 'p', surface: 'public_post', media: [{ data: img.toString('base64') }], author: { externalId: 'x' } });
      await drain(h);
      now = Date.now();
      assert.equal(await outbox.runOnce(), 2);
      assert.equal(await outbox.runOnce(), 0, 'not due again before its backoff');
      for (let i = 0; i < 2; i++) {
        now += 60 * 60_000;
        assert.equal(await outbox.runOnce(), 2);
      }
      const view = (await itemView(h.store, r.itemId))!;
      const platform = view.actions.filter((a) => a.delivery === 'platform');
      assert.deepEqual(platform.map((a) => [a.status, a.attempts, a.lastError]), [['dead', 3, 'HTTP 503'], ['dead', 3, 'HTTP 503']]);
      assert.equal(view.events.filter((e) => e.type === 'action_dead').length, 2);
      assert.equal(view.events.filter((e) => e.type === 'action_failed').length, 4);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});
