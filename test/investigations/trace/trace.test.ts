// Enforcement traces of items the real pipeline processed: a perturbed re-post that lands near a banked hash, a review
// decided after its SLA, an action whose delivery died; and an account's history.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import sharp from 'sharp';
import { type Haven, openHaven } from '../../../src/app.js';
import { itemInputSchema } from '../../../src/core/item-input.js';
import { AppealService } from '../../../src/enforcement/appeals/service.js';
import { WebhookOutbox } from '../../../src/enforcement/outbox.js';
import {
  buildAccountTrace, buildItemTrace, firstMissedCatch, type ItemTrace, missedCatches, suggestRootCauses,
} from '../../../src/investigations/trace/index.js';
import { duration } from '../../../src/investigations/trace/steps.js';
import { DEFAULT_REVIEW_CONFIG } from '../../../src/review/config.js';
import { type Reviewer, ReviewService } from '../../../src/review/service.js';
import { patternPng, scenePng } from '../../helpers/images.js';
import { startReceiver } from '../../helpers/receiver.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const silent = testLogger();
const reviewer: Reviewer = { label: 'user:r1@example.org', userId: null, roles: ['reviewer'] };

interface Rig {
  h: Haven;
  clock: { now(): number; advance(ms: number): void };
  ingest(media: Buffer, opts?: { externalId?: string; author?: string }): Promise<string>;
  trace(itemId: string): Promise<ItemTrace>;
}

async function withRig(t: Parameters<typeof forEachBackend>[0], fn: (rig: Rig) => Promise<void>): Promise<void> {
  await forEachBackend(t, async (backend) => {
    let now = Date.UTC(2025, 2, 3, 9, 0, 0);
    const clock = { now: () => now, advance: (ms: number) => { now += ms; } };
    const h = await openHaven(backend.config, { logger: silent, clock });
    // No QA sampling: the traces below hold exactly the work the tests make.
    await h.configs.deploy('review', { ...DEFAULT_REVIEW_CONFIG, qa: { humanSampleRate: 0, automatedSampleRate: 0 } }, 'test', 'user:ops@example.org');
    let n = 0;
    const rig: Rig = {
      h, clock,
      async ingest(media, opts = {}) {
        const input = itemInputSchema.parse({
          externalId: opts.externalId ?? `post_${++n}`, surface: 'public_post', author: { externalId: opts.author ?? 'acct_trace' },
          media: [{ data: media.toString('base64') }],
        });
        const [r] = await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test');
        while ((await h.worker.runOnce()) > 0) {}
        return r!.itemId;
      },
      async trace(itemId) {
        const trace = await buildItemTrace(h.store.db, itemId, { now: clock.now() });
        assert.ok(trace, `trace of ${itemId}`);
        return trace;
      },
    };
    try {
      await fn(rig);
    } finally {
      await h.close();
    }
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a perturbed re-post of a banked image: the trace names the near miss as the first missed catch and suggests evasion by perturbation', async (t) => {
  await withRig(t, async ({ h, ingest, trace }) => {
    const original = await scenePng(1);
    const [prepared] = (await h.ingestor.prepare(itemInputSchema.parse({ externalId: 'x', surface: 'public_post', media: [{ data: original.toString('base64') }] }))).media;
    assert.ok(prepared?.pdq, 'the original has a PDQ');
    const bank = await h.banks.create({ name: 'known-images', description: 'test bank', source: 'test' }, 'user:policy@example.org');
    const [entry] = await h.banks.addEntries(bank.id, [{ hashType: 'pdq', hash: prepared.pdq, category: 'CSE-01' }], 'user:policy@example.org');
    // A 3% crop from the left moves the PDQ past the match radius but keeps it near.
    const cropped = await sharp(original).extract({ left: 19, top: 0, width: 621, height: 480 }).png().toBuffer();
    const itemId = await ingest(cropped);

    const tr = await trace(itemId);
    assert.equal(tr.decisions[0]?.verdict, 'no_violation', 'a near miss never decides');
    const near = tr.signals.find((s) => s.hash?.nearMiss);
    assert.ok(near?.hash, 'the near miss is in the trace');
    const { distance, matchRadius, bankEntryId } = near.hash;
    assert.ok(distance !== null && distance > 31 && distance <= 48, `distance ${distance} lands between the match radius and the near-miss radius`);
    assert.equal(matchRadius, 31);
    assert.equal(bankEntryId, entry!.id);
    const ran = tr.steps.find((s) => s.kind === 'detector_ran' && s.title === 'detector hashmatch.pdq ran');
    assert.equal((ran?.data.versions as Record<string, unknown> | undefined)?.pdq_radius, 31, 'the detector run names its versions');

    assert.equal(firstMissedCatch(tr), null, 'nothing says the item should have been caught');
    const miss = firstMissedCatch(tr, { category: 'CSE-01' });
    assert.deepEqual(miss, {
      step: tr.steps.findIndex((s) => s.eventId === near.eventId), eventId: near.eventId, cause: 'evasion_perturbation',
      text: `PDQ distance ${distance} to bank entry ${entry!.id} (bank "known-images"), match radius 31`,
    });
    assert.equal(tr.steps[miss!.step!]?.kind, 'signal');
    const [first, ...rest] = suggestRootCauses([tr], { category: 'CSE-01' });
    assert.equal(first?.cause, 'evasion_perturbation');
    assert.deepEqual(first?.evidence.map((e) => [e.itemId, e.eventId]), [[itemId, near.eventId]]);
    assert.ok(!rest.some((c) => c.cause === 'hash_not_banked'), 'a near miss is not "not banked"');

    // The same image unrelated to any bank entry: nothing near, so the hash was never banked.
    const other = await trace(await ingest(await patternPng(7)));
    assert.equal(firstMissedCatch(other, { category: 'CSE-01' })?.cause, 'hash_not_banked');
  });
});

test('a review decided after its SLA is a queue delay; one decided in time is a prompt catch', async (t) => {
  await withRig(t, async ({ h, clock, ingest, trace }) => {
    const service = new ReviewService(h.store, clock, new AppealService(h.store, clock), h.keys);
    const leads = await h.banks.create({ name: 'leads', description: 'review-only', source: 'test', matchMode: 'review' }, 'user:policy@example.org');
    const late = await patternPng(21);
    const prompt = await patternPng(22);
    await h.banks.addEntries(leads.id, [late, prompt].map((b) => ({ hashType: 'sha256' as const, hash: sha256(b), category: 'CSE-13' })), 'user:policy@example.org');

    const lateId = await ingest(late, { externalId: 'late' });
    const [task] = (await trace(lateId)).reviews;
    assert.ok(task?.slaMs, 'the task has an SLA');
    clock.advance(task.slaMs + 3 * 3_600_000);
    const claimed = await service.claim(reviewer);
    assert.equal(claimed.task?.itemId, lateId);
    await service.decide(claimed.task!.taskId, reviewer, { verdict: 'violating', category: 'CSE-13' });

    const tr = await trace(lateId);
    assert.equal(tr.truth?.verdict, 'violating');
    assert.equal(tr.truth?.by, reviewer.label);
    const review = tr.reviews[0]!;
    assert.equal(review.overdueMs, 3 * 3_600_000);
    assert.equal(review.reviewer, reviewer.label);
    const miss = firstMissedCatch(tr);
    assert.equal(miss?.cause, 'queue_delay');
    assert.equal(miss?.text, `waited ${duration(review.waitedMs)} in queue ${review.queue} against an SLA of ${duration(task.slaMs)}`);
    assert.equal(tr.steps[miss!.step!]?.kind, 'review_decided');
    assert.match(tr.steps.find((s) => s.kind === 'review_enqueued')?.title ?? '', new RegExp(`queue ${review.queue}`));

    const promptId = await ingest(prompt, { externalId: 'prompt' });
    clock.advance(60_000);
    const next = await service.claim(reviewer);
    assert.equal(next.task?.itemId, promptId);
    await service.decide(next.task!.taskId, reviewer, { verdict: 'violating', category: 'CSE-13' });
    assert.deepEqual(missedCatches(await trace(promptId)), [], 'confirmed within the SLA: caught promptly');
  });
});

test('an action whose delivery died is the missed catch of an automatically actioned item; the account trace shows it', async (t) => {
  const secret = 'trace-webhook-secret-0123456789';
  const receiver = await startReceiver(secret, { failFirst: 1000 });
  try {
    await withRig(t, async ({ h, clock, ingest, trace }) => {
      // Signed with the real time, as the receiver checks; the platform answers 503 every time.
      const outbox = new WebhookOutbox(h.store, { url: receiver.url, secret, clock: { now: () => Date.now() }, logger: silent, maxAttempts: 1 });
      const bank = await h.banks.create({ name: 'verified', description: 'test', source: 'test' }, 'user:policy@example.org');
      const older = await patternPng(31);
      const img = await patternPng(32);
      await h.banks.addEntries(bank.id, [older, img].map((b) => ({ hashType: 'sha256' as const, hash: sha256(b), category: 'CSE-01' })), 'user:policy@example.org');
      const olderId = await ingest(older, { author: 'acct_dead' });
      clock.advance(1000);
      const itemId = await ingest(img, { author: 'acct_dead' });
      while ((await outbox.runOnce()) > 0) {}

      const tr = await trace(itemId);
      assert.equal(tr.decisions[0]?.verdict, 'violating');
      const dead = tr.actions.filter((a) => a.status === 'dead');
      assert.ok(dead.length > 0, 'platform actions died');
      const firstDead = tr.actions.find((a) => a.id === tr.steps.find((s) => s.kind === 'action_dead')?.data.actionId);
      const miss = firstMissedCatch(tr);
      assert.equal(miss?.cause, 'delivery_failure');
      assert.equal(miss?.text, `action ${firstDead?.type} was dead after 1 attempt (last error: HTTP 503)`);
      assert.equal(tr.steps[miss!.step!]?.kind, 'action_dead');
      assert.equal(tr.steps[miss!.step!]?.data.actionId, firstDead?.id);
      assert.equal(missedCatches(tr).length, dead.length, 'one missed catch per dead action');
      assert.ok(!JSON.stringify(tr).includes(receiver.url), 'the webhook address stays out of the trace');

      const account = await buildAccountTrace(h.store.db, tr.authorId!, { limit: 1 });
      assert.ok(account);
      assert.equal(account.externalId, 'acct_dead');
      assert.deepEqual(account.items.map((i) => i.itemId), [itemId], 'newest first, bounded by the limit');
      assert.equal(account.truncated, true);
      assert.equal(account.items[0]?.verdict, 'violating');
      assert.equal(account.items[0]?.decidedBy, 'pipeline');
      assert.ok(account.items[0]?.actions.some((a) => a.status === 'dead'));
      assert.ok(account.events.some((e) => e.kind === 'action_dead' && e.title.startsWith('action disable')), 'the dead account action is an account event');
      const all = await buildAccountTrace(h.store.db, tr.authorId!, { limit: 10 });
      assert.deepEqual(all?.items.map((i) => i.itemId), [itemId, olderId]);
      assert.equal(all?.truncated, false);
      assert.equal(await buildAccountTrace(h.store.db, 'no-such-account', { limit: 5 }), null);
      assert.equal(await buildItemTrace(h.store.db, 'no-such-item'), null);
    });
  } finally {
    await receiver.close();
  }
});
