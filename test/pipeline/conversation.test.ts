import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../src/app.js';
import { type ItemInput, itemInputSchema } from '../../src/core/item-input.js';
import { generateWorld } from '../../src/demo/world.js';
import { itemView } from '../../src/pipeline/item-view.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

async function drain(h: Haven): Promise<void> {
  while ((await h.worker.runOnce()) > 0) {}
}

async function ingestAll(h: Haven, items: readonly ItemInput[]): Promise<Map<string, string>> {
  const prepared = await Promise.all(items.map((i) => h.ingestor.prepare(itemInputSchema.parse(i))));
  const results = await h.ingestor.ingest(prepared, 'api_key:test');
  return new Map(items.map((i, k) => [i.externalId, results[k]!.itemId]));
}

interface RanDetails {
  conversationId: string;
  score: number;
  threshold: number;
  indicators: { indicator: string; contribution: number; count: number }[];
}

test('the demo showcase conversation crosses its risk threshold on the message carrying the last indicator', async (t) => {
  const world = await generateWorld({ accounts: 60, seed: 3 });
  const convo = world.items.filter((i) => i.conversationId === world.summary.showcaseConversation);
  const withIndicators = convo.filter((i) => ((i.metadata?.indicators as string[] | undefined) ?? []).length > 0);
  assert.ok(withIndicators.length >= 4, 'the showcase carries several indicators');
  const last = withIndicators.at(-1)!;
  const days = (Number(last.createdAt) - Number(withIndicators[0]!.createdAt)) / 86_400_000;
  assert.ok(days >= 3, `indicators spread over ${days} days`);

  await forEachBackend(t, async (backend) => {
    // Small batches, so the conversation's state is carried across batches as well as within one.
    const h = await openHaven({ ...backend.config, workerBatch: 3 }, { logger: testLogger() });
    try {
      const ids = await ingestAll(h, convo);
      await drain(h);
      const crossings: string[] = [];
      const scores: number[] = [];
      for (const item of convo) {
        const view = (await itemView(h.store, ids.get(item.externalId)! as never))!;
        if (view.signals.some((s) => s.detector === 'conversation.risk' && s.category === 'CSE-05')) crossings.push(item.externalId);
        const ran = view.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'conversation.risk');
        assert.ok(ran, `conversation risk ran on ${item.externalId}`);
        assert.equal(ran.versions.conversation_risk, 1);
        scores.push((ran.payload.details as RanDetails).score);
      }
      assert.deepEqual(crossings, [last.externalId], `scores along the conversation: ${scores.join(', ')}`);

      const view = (await itemView(h.store, ids.get(last.externalId)! as never))!;
      const signal = view.signals.find((s) => s.detector === 'conversation.risk')!;
      assert.ok(signal.score >= 0.7);
      const breakdown = signal.evidence.indicators as { indicator: string; contribution: number }[];
      const expected = new Set(withIndicators.flatMap((i) => i.metadata?.indicators as string[]));
      assert.deepEqual(new Set(breakdown.map((b) => b.indicator)), expected);
      const sum = breakdown.reduce((a, b) => a + b.contribution, 0);
      assert.ok(Math.abs(sum - signal.score) < 0.01, `contributions ${sum} add up to the score ${signal.score}`);
      assert.match(signal.evidence.summary, /secrecy/);
      assert.equal(view.decision?.category, 'CSE-05');
      assert.equal(view.decision?.verdict, 'needs_review');
    } finally {
      await h.close();
    }
  });
});

test('a new account reaching out to many minors raises behaviour signals at each threshold, once', async (t) => {
  const world = await generateWorld({ accounts: 60, seed: 3 });
  const outreach = world.items.filter((i) => i.author?.externalId === world.summary.outreachAccount);
  assert.ok(outreach.length >= 12);
  await forEachBackend(t, async (backend) => {
    const h = await openHaven({ ...backend.config, workerBatch: 5 }, { logger: testLogger() });
    try {
      const ids = await ingestAll(h, outreach);
      await drain(h);
      const fired = new Map<string, string[]>();
      for (const item of outreach) {
        const view = (await itemView(h.store, ids.get(item.externalId)! as never))!;
        for (const s of view.signals.filter((x) => x.detector === 'behaviour.contacts')) {
          const kind = String(s.evidence.kind);
          fired.set(kind, [...(fired.get(kind) ?? []), item.externalId]);
        }
      }
      const requests = outreach.filter((i) => i.surface === 'friend_request');
      // Defaults: 8 friend requests to minors in an hour; a week-old account writing to 4 minors in a day; 10 minors.
      assert.deepEqual(fired.get('friend_request_burst'), [requests[7]!.externalId]);
      assert.deepEqual(fired.get('new_account_outreach'), [requests[3]!.externalId]);
      assert.equal(fired.get('minor_outreach')?.length, 1);
      const tenth = outreach.filter((i) => i.surface === 'direct_message')[9]!;
      assert.deepEqual(fired.get('minor_outreach'), [tenth.externalId]);
    } finally {
      await h.close();
    }
  });
});

test('rules see how many messages a conversation has had, across batches', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven({ ...backend.config, workerBatch: 2 }, { logger: testLogger() });
    try {
      const source = JSON.stringify({
        formatVersion: 1,
        rules: [{
          id: 'late-hello', description: 'hello after three messages', category: 'CSE-13', weight: 0.5,
          match: { terms: ['hello'] }, when: { conversationMessageCount: { min: 4 } },
        }],
      });
      const { deployRules } = await import('../../src/detectors/text/rules/deploy.js');
      await deployRules(h.configs, { source, format: 'json', reason: 'test', actor: 'test' });
      const start = Date.UTC(2026, 0, 1);
      const items = Array.from({ length: 6 }, (_, k) => ({
        externalId: `m${k}`, surface: 'direct_message', text: `hello ${k}`, conversationId: 'conv_count', createdAt: start + k * 60_000,
        author: { externalId: k % 2 ? 'b' : 'a', ageBand: 'adult' as const }, recipients: [{ externalId: k % 2 ? 'a' : 'b', ageBand: 'adult' as const }],
      }));
      // Ingested in two goes, newest half first, so counting must rely on stored messages as well as the batch.
      const ids = new Map([...(await ingestAll(h, items.slice(3))), ...(await ingestAll(h, items.slice(0, 3)))]);
      await drain(h);
      const fired: string[] = [];
      for (const i of items) {
        const view = (await itemView(h.store, ids.get(i.externalId)! as never))!;
        if (view.signals.some((s) => s.detector === 'text.rules')) fired.push(i.externalId);
      }
      assert.deepEqual(fired, ['m3', 'm4', 'm5']);
    } finally {
      await h.close();
    }
  });
});
