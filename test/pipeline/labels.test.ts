import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import { type ItemInput, itemInputSchema } from '../../src/core/item-input.js';
import { deployRules } from '../../src/detectors/text/rules/deploy.js';
import { LabelService } from '../../src/investigations/label-service.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const HOUR = 3_600_000;

async function drain(h: Haven): Promise<void> {
  while ((await h.worker.runOnce()) > 0) {}
}

let seq = 0;
async function ingestAndProcess(h: Haven, items: readonly Omit<ItemInput, 'externalId' | 'surface'>[]): Promise<string[]> {
  const inputs = items.map((i) => itemInputSchema.parse({ externalId: `x${++seq}`, surface: 'comment', ...i }));
  const results = await h.ingestor.ingest(await Promise.all(inputs.map((i) => h.ingestor.prepare(i))), 'api_key:test');
  await drain(h);
  return results.map((r) => r.itemId);
}

const by = (externalId: string, text: string, metadata: Record<string, unknown> = {}) =>
  ({ author: { externalId, ageBand: 'adult' as const }, text, metadata, createdAt: undefined });

test('a known evader label raises a review on the next benign item, explained by its reason, until it expires', async (t) => {
  await forEachBackend(t, async (backend) => {
    let now = Date.UTC(2026, 2, 1);
    const clock = { now: () => now };
    const h = await openHaven({ ...backend.config, workerBatch: 4 }, { logger: testLogger(), clock });
    try {
      const labels = new LabelService(h.store, clock);
      await ingestAndProcess(h, [by('evader', 'first post'), by('bystander', 'first post')]);
      await labels.addLabel({
        entityType: 'account', entityId: 'evader', label: 'known_evader', reason: 'same device as the account banned in esc 12',
        expiresAt: new Date(now + HOUR).toISOString(),
      }, 'user:ines@test');
      await labels.addLabel({ entityType: 'device', entityId: 'dev-9', label: 'watchlist', reason: 'shared by three banned accounts' }, 'user:ines@test');

      now += 60_000;
      const [evaderItem, bystanderItem, deviceItem] = await ingestAndProcess(h, [
        by('evader', 'see you at practice'), by('bystander', 'see you at practice'), by('bystander', 'nice photo', { deviceId: 'dev-9' }),
      ]);
      const view = (await itemView(h.store, evaderItem!, now))!;
      const signal = view.signals.find((s) => s.detector === 'entity.labels');
      assert.ok(signal, 'the label raised a signal');
      assert.deepEqual([signal.category, signal.score], ['CSE-90', 0.7]);
      assert.match(signal.evidence.summary, /carries label known_evader \(same device as the account banned in esc 12; by user:ines@test; expires /);
      assert.equal(view.decision?.verdict, 'needs_review', 'a person looks at it');
      assert.match(view.decision?.reasons[0]?.text ?? '', /entity\.labels score 0\.70 >= review threshold .*known_evader/);
      const ran = view.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'entity.labels');
      assert.deepEqual(ran?.versions, { 'entity.labels': '1', label_effects: 1 });

      const bystander = (await itemView(h.store, bystanderItem!, now))!;
      assert.deepEqual(bystander.signals, [], 'nobody else is touched');
      assert.equal(bystander.decision?.verdict, 'no_violation');
      const device = (await itemView(h.store, deviceItem!, now))!;
      assert.match(device.signals.find((s) => s.detector === 'entity.labels')?.evidence.summary ?? '', /^device dev-9 carries label watchlist \(shared by three banned accounts/);

      now += 2 * HOUR;
      const [later] = await ingestAndProcess(h, [by('evader', 'see you at practice again')]);
      const expired = (await itemView(h.store, later!, now))!;
      assert.deepEqual(expired.signals, [], 'the label expired');
      assert.equal(expired.decision?.verdict, 'no_violation');
    } finally {
      await h.close();
    }
  });
});

test('a rule snoozed for one author does not fire for that author, still fires for others, and the trace says why', async (t) => {
  await forEachBackend(t, async (backend) => {
    let now = Date.UTC(2026, 2, 1);
    const clock = { now: () => now };
    const h = await openHaven({ ...backend.config, workerBatch: 4 }, { logger: testLogger(), clock });
    try {
      const source = JSON.stringify({
        formatVersion: 1,
        rules: [{ id: 'greeting-test', description: 'a neutral test phrase', category: 'CSE-13', weight: 0.5, match: { terms: ['hello there'] } }],
      });
      await deployRules(h.configs, { source, format: 'json', reason: 'test', actor: 'test' });
      await ingestAndProcess(h, [by('coach', 'first post'), { ...by('parent', 'first post'), conversationId: 'conv-1' }]);
      const labels = new LabelService(h.store, clock);
      const snooze = await labels.addSnooze({ ruleId: 'greeting-test', entityType: 'account', entityId: 'coach', reason: 'coach greets the team; checked' }, 'user:ines@test');
      await labels.addSnooze({ ruleId: 'greeting-test', entityType: 'conversation', entityId: 'conv-1', reason: 'family chat' }, 'user:ines@test');

      now += 60_000;
      const [coachItem, otherItem, convItem] = await ingestAndProcess(h, [
        by('coach', 'hello there team'), by('stranger', 'hello there team'), { ...by('stranger', 'hello there'), conversationId: 'conv-1' },
      ]);
      const coach = (await itemView(h.store, coachItem!, now))!;
      assert.deepEqual(coach.signals, [], 'the snoozed rule did not fire for the coach');
      const ran = coach.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'text.rules');
      assert.ok(ran, 'the rules ran');
      const skipped = (ran.payload.details as { snoozed: { ruleId: string; snoozeId: string; reason: string; entityType: string }[] }).snoozed;
      assert.deepEqual(skipped.map((s) => [s.ruleId, s.snoozeId, s.reason, s.entityType]), [['greeting-test', snooze.id, 'coach greets the team; checked', 'account']]);

      const other = (await itemView(h.store, otherItem!, now))!;
      assert.deepEqual(other.signals.map((s) => [s.detector, s.category]), [['text.rules', 'CSE-13']], 'still fires for another author');
      assert.equal(other.decision?.verdict, 'needs_review');
      const conv = (await itemView(h.store, convItem!, now))!;
      assert.deepEqual(conv.signals, [], 'snoozed for the conversation, whoever writes in it');

      await labels.removeSnooze(snooze.id, 'season over', 'user:ines@test');
      now += 60_000;
      const [again] = await ingestAndProcess(h, [by('coach', 'hello there team')]);
      assert.deepEqual((await itemView(h.store, again!, now))!.signals.map((s) => s.detector), ['text.rules'], 'fires again once the snooze is removed');
    } finally {
      await h.close();
    }
  });
});
