import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../../src/app.js';
import { itemInputSchema } from '../../../src/core/item-input.js';
import { AppealError, AppealService } from '../../../src/enforcement/appeals/service.js';
import { WebhookOutbox } from '../../../src/enforcement/outbox.js';
import { itemView } from '../../../src/pipeline/item-view.js';
import { verifyAudit } from '../../../src/store/repos/audit.js';
import { patternPng } from '../../helpers/images.js';
import { startReceiver } from '../../helpers/receiver.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const SECRET = 'appeals-webhook-secret-0123456789';
const silent = testLogger();

async function ingestBanked(h: Haven, bankId: string, n: number): Promise<string> {
  const img = await patternPng(n);
  await h.banks.addEntries(bankId, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'user:policy@test');
  const input = itemInputSchema.parse({ externalId: `post_${n}`, surface: 'public_post', author: { externalId: `acct_${n}` }, media: [{ data: img.toString('base64') }] });
  const [r] = await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test');
  return r!.itemId;
}

test('an overturned appeal reverses delivered actions once, cancels undelivered ones, and lowers precision', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET);
    const h = await openHaven(backend.config, { logger: silent });
    let now = Date.now();
    const clock = { now: () => now };
    const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret: SECRET, clock, logger: silent });
    const appeals = new AppealService(h.store, clock);
    const drainOutbox = async () => {
      while ((await outbox.runOnce()) > 0) {}
    };
    try {
      const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'user:policy@test');
      const overturnedItem = await ingestBanked(h, bank.id, 11);
      const upheldItem = await ingestBanked(h, bank.id, 12);
      while ((await h.worker.runOnce()) > 0) {}
      now = Date.now();
      await drainOutbox();
      assert.equal(receiver.received.length, 4, 'block and disable for each item');

      const before = await appeals.precision();
      assert.deepEqual(before.byPolicyVersion, [{ policyVersion: 1, actioned: 2, appealed: 0, overturned: 0, precision: 1 }]);

      const filed = await appeals.file(overturnedItem, { reason: 'the picture is of a pet', appellant: 'acct_11' }, 'api_key:platform');
      assert.equal(filed.created, true);
      const again = await appeals.file(overturnedItem, { reason: 'again', appellant: null }, 'api_key:platform');
      assert.deepEqual([again.created, again.appeal.id], [false, filed.appeal.id], 'filing twice while open returns the open appeal');
      const queued = (await itemView(h.store, overturnedItem))!.reviewTasks.filter((r) => r.queue === 'appeals');
      assert.deepEqual(queued.map((r) => r.status), ['open']);

      const upheld = await appeals.file(upheldItem, { reason: 'mistake', appellant: null }, 'api_key:platform');
      now += 60_000;
      const upheldResult = await appeals.resolve(upheld.appeal.id, { outcome: 'upheld', reason: 'match confirmed' }, 'user:senior@test');
      assert.deepEqual([upheldResult.cancelled, upheldResult.reversals], [[], []]);

      const resolution = await appeals.resolve(filed.appeal.id, { outcome: 'overturned', reason: 'bank entry was wrong' }, 'user:senior@test');
      assert.deepEqual(resolution.reversals.map((r) => r.type).sort(), ['enable', 'reinstate']);
      assert.deepEqual(resolution.cancelled, []);
      await assert.rejects(appeals.resolve(filed.appeal.id, { outcome: 'upheld', reason: 'changed my mind' }, 'user:senior@test'),
        (e: unknown) => e instanceof AppealError && e.status === 409 && e.code === 'appeal_closed');
      await assert.rejects(appeals.file(overturnedItem, { reason: 'once more', appellant: null }, 'api_key:platform'),
        (e: unknown) => e instanceof AppealError && e.code === 'appeal_closed');

      await drainOutbox();
      await drainOutbox();
      const reinstateKey = `haven:${filed.appeal.id}:reinstate`;
      assert.equal(receiver.byKey.get(reinstateKey), 1, 'the reinstate is delivered exactly once');
      assert.equal(receiver.byKey.get(`haven:${filed.appeal.id}:enable`), 1);
      assert.equal(receiver.rejected(), 0, 'every webhook carried a valid signature');
      const reinstate = receiver.received.find((r) => r.idempotencyKey === reinstateKey)!;
      assert.equal(reinstate.body.type, 'reinstate');
      assert.equal((reinstate.body.item as { id: string }).id, overturnedItem);
      assert.equal(receiver.received.length, 6, 'the upheld appeal sent nothing');

      const view = (await itemView(h.store, overturnedItem))!;
      const resolved = view.events.find((e) => e.type === 'appeal_resolved');
      assert.equal(view.events.filter((e) => e.type === 'appeal_filed').length, 1);
      assert.equal(resolved?.payload.outcome, 'overturned');
      assert.equal(resolved?.payload.appealId, filed.appeal.id);
      assert.deepEqual(view.actions.filter((a) => a.type === 'reinstate').map((a) => a.status), ['delivered']);
      assert.equal(view.decision?.verdict, 'violating', 'the decision record itself is unchanged');
      assert.deepEqual(view.reviewTasks.filter((r) => r.queue === 'appeals').map((r) => r.status), ['done']);
      const upheldView = (await itemView(h.store, upheldItem))!;
      assert.deepEqual(upheldView.actions.filter((a) => a.delivery === 'platform').map((a) => [a.type, a.status]).sort(),
        [['block', 'delivered'], ['disable', 'delivered']]);

      const after = await appeals.precision();
      assert.deepEqual(after.byPolicyVersion, [{ policyVersion: 1, actioned: 2, appealed: 2, overturned: 1, precision: 0.5 }]);
      assert.deepEqual(after.byDetector.find((d) => d.detector === 'hashmatch.exact'),
        { detector: 'hashmatch.exact', actioned: 2, appealed: 2, overturned: 1, precision: 0.5 });

      const audit = await h.store.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'appeal.resolve').execute();
      assert.deepEqual(audit.map((a) => a.target_id).sort(), [filed.appeal.id, upheld.appeal.id].sort());
      assert.equal((await verifyAudit(h.store.db)).ok, true);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});

test('overturning before delivery cancels the pending actions instead of sending and then reversing them', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET);
    const h = await openHaven(backend.config, { logger: silent });
    const clock = { now: () => Date.now() };
    const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret: SECRET, clock, logger: silent });
    const appeals = new AppealService(h.store, clock);
    try {
      const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'user:policy@test');
      const itemId = await ingestBanked(h, bank.id, 21);
      while ((await h.worker.runOnce()) > 0) {}
      const filed = await appeals.file(itemId, { reason: 'not what it seems', appellant: null }, 'api_key:platform');
      const r = await appeals.resolve(filed.appeal.id, { outcome: 'overturned', reason: 'wrong match' }, 'user:senior@test');
      assert.deepEqual(r.cancelled.map((c) => c.type).sort(), ['block', 'disable']);
      assert.deepEqual(r.reversals, []);
      assert.equal(await outbox.runOnce(), 0, 'nothing left to deliver');
      assert.equal(receiver.received.length, 0);
      const view = (await itemView(h.store, itemId))!;
      assert.equal(view.events.filter((e) => e.type === 'action_cancelled').length, 2);
      assert.deepEqual(view.actions.filter((a) => a.delivery === 'platform').map((a) => a.status), ['cancelled', 'cancelled']);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});

test('an item without a decision, or whose decision took no action, cannot be appealed', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: silent });
    const appeals = new AppealService(h.store, { now: () => Date.now() });
    try {
      const ingest = async (externalId: string) => {
        const input = itemInputSchema.parse({ externalId, surface: 'public_post', text: 'hello there', author: { externalId: 'a' } });
        return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!.itemId;
      };
      const undecided = await ingest('p1');
      const isCode = (code: string) => (e: unknown) => e instanceof AppealError && e.code === code;
      await assert.rejects(appeals.file(undecided, { reason: 'x', appellant: null }, 'test'), isCode('no_decision'));
      while ((await h.worker.runOnce()) > 0) {}
      await assert.rejects(appeals.file(undecided, { reason: 'x', appellant: null }, 'test'), isCode('not_actioned'));
      await assert.rejects(appeals.file('01NOSUCHITEM', { reason: 'x', appellant: null }, 'test'), isCode('not_found'));
      await assert.rejects(appeals.resolve('01NOSUCHAPPEAL', { outcome: 'upheld', reason: 'x' }, 'test'), isCode('not_found'));
    } finally {
      await h.close();
    }
  });
});
