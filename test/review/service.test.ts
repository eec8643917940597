// The review workbench end to end on a real store: pipeline-made tasks routed to queues, claims routed by clearance
// and exposure, decisions driving actions, second review, blind QA of human and automatic decisions, named
// assignment and bulk decisions over a bank entry.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { type Haven, openHaven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { AppealService } from '../../src/enforcement/appeals/service.js';
import { DEFAULT_REVIEW_CONFIG, type ReviewConfig } from '../../src/review/config.js';
import { type Reviewer, ReviewError, ReviewService } from '../../src/review/service.js';
import { ReviewWork } from '../../src/review/work.js';
import { fromJson } from '../../src/store/db.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const silent = testLogger();
const reviewer: Reviewer = { label: 'user:r1@example.org', userId: null, roles: ['reviewer'] };
const senior: Reviewer = { label: 'user:s1@example.org', userId: null, roles: ['senior_reviewer'] };
const senior2: Reviewer = { label: 'user:s2@example.org', userId: null, roles: ['senior_reviewer'] };

interface Rig {
  h: Haven;
  service: ReviewService;
  work: ReviewWork;
  clock: { now(): number; advance(ms: number): void };
  /** Ingests a generated image whose hash a review-only bank lists under `category`, and processes it. */
  banked(n: number, category: string, opts?: { author?: string }): Promise<string>;
  setConfig(change: Partial<ReviewConfig>): Promise<void>;
}

async function withRig(t: Parameters<typeof forEachBackend>[0], fn: (rig: Rig) => Promise<void>): Promise<void> {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: silent });
    let now = Date.now();
    const clock = { now: () => now, advance: (ms: number) => { now += ms; } };
    const service = new ReviewService(h.store, clock, new AppealService(h.store, clock), h.keys);
    const work = new ReviewWork(h.store, clock, service);
    const bank = await h.banks.create({ name: 'leads', description: 'review-only leads', source: 'test', matchMode: 'review' }, 'user:policy@example.org');
    const rig: Rig = {
      h, service, work, clock,
      async banked(n, category, opts = {}) {
        const img = await patternPng(n);
        const hash = createHash('sha256').update(img).digest('hex');
        await h.banks.addEntries(bank.id, [{ hashType: 'sha256', hash, category }], 'user:policy@example.org').catch(() => {});
        const input = itemInputSchema.parse({
          externalId: `post_${n}_${Math.random()}`, surface: 'public_post', author: { externalId: opts.author ?? `acct_${n}` },
          media: [{ data: img.toString('base64') }],
        });
        const [r] = await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test');
        while ((await h.worker.runOnce()) > 0) {}
        return r!.itemId;
      },
      async setConfig(change) {
        await h.configs.deploy('review', { ...DEFAULT_REVIEW_CONFIG, qa: { humanSampleRate: 0, automatedSampleRate: 0 }, ...change }, 'test', 'user:ops@example.org');
      },
    };
    try {
      await rig.setConfig({});
      await fn(rig);
    } finally {
      await h.close();
    }
  });
}

const tasksOf = (h: Haven, itemId: string) => h.store.db.selectFrom('review_tasks').selectAll().where('item_id', '=', itemId).orderBy('created_at').orderBy('id').execute();
const eventsOf = async (h: Haven, itemId: string, type: string) =>
  (await h.store.db.selectFrom('events').selectAll().where('item_id', '=', itemId).where('type', '=', type).orderBy('at').execute()).map((e) => fromJson<Record<string, unknown>>(e.payload));

test('pipeline work is routed by the review config and scored at creation; a standard reviewer never gets a senior queue', async (t) => {
  await withRig(t, async ({ h, service, banked }) => {
    const s2 = await banked(1, 'CSE-13');
    const s0 = await banked(2, 'CSE-01');
    const [groomingTask] = await tasksOf(h, s2);
    const [urgentTask] = await tasksOf(h, s0);
    assert.equal(groomingTask?.queue, 'grooming');
    assert.equal(groomingTask?.source, 'hash_match');
    assert.equal(groomingTask?.has_media, 1);
    assert.ok(groomingTask?.cluster_key?.startsWith('bank:'));
    assert.ok((groomingTask?.priority ?? 0) > 0, 'scored when created');
    assert.equal(urgentTask?.queue, 'urgent');
    const window = Number(urgentTask?.sla_due_at) - Number(urgentTask?.created_at);
    assert.ok(window > 59 * 60_000 && window <= 60 * 60_000, `the urgent queue's own SLA (1 h), not the taxonomy's: ${window} ms`);

    const first = await service.claim(reviewer);
    assert.equal(first.task?.itemId, s2, 'the S0 task is in a senior queue');
    assert.equal((await service.claim(reviewer)).task, null);
    await assert.rejects(service.claim(reviewer, { queues: ['urgent'] }), (e: unknown) => e instanceof ReviewError && e.status === 403);
    assert.equal((await service.claim(senior)).task?.itemId, s0);
  });
});

test('a decision drives actions through the policy; S0 waits for a second, different reviewer', async (t) => {
  await withRig(t, async ({ h, service, banked }) => {
    const s2 = await banked(3, 'CSE-13');
    const claimed = await service.claim(reviewer);
    assert.equal(claimed.task?.itemId, s2);
    await assert.rejects(service.decide(claimed.task!.taskId, reviewer, { verdict: 'violating' }), /category/);
    await assert.rejects(service.decide(claimed.task!.taskId, senior, { verdict: 'not_violating' }), (e: unknown) => e instanceof ReviewError && e.status === 409);
    const done = await service.decide(claimed.task!.taskId, reviewer, { verdict: 'violating', category: 'CSE-13', policyClause: 'CSE-13 §1', note: 'asks to move apps' });
    assert.equal(done.reviewDecision.outcome, 'final');
    assert.deepEqual(done.decision?.actions, ['restrict', 'warn'], "the policy's actions for the category, without 'review'");
    const actions = await h.store.db.selectFrom('actions').select(['type', 'status']).where('decision_id', '=', done.decision!.id).orderBy('type').execute();
    assert.deepEqual(actions.map((a) => a.type), ['restrict', 'warn']);
    assert.equal((await tasksOf(h, s2))[0]?.status, 'done');
    const [decided] = await eventsOf(h, s2, 'review_decided');
    assert.equal(decided?.reviewer, reviewer.label);
    assert.equal(decided?.policyClause, 'CSE-13 §1');

    const s0 = await banked(4, 'CSE-01', { author: 'acct_reporter_case' });
    const urgent = await service.claim(senior);
    const pending = await service.decide(urgent.task!.taskId, senior, { verdict: 'violating', category: 'CSE-01', note: 'matches the list' });
    assert.equal(pending.reviewDecision.outcome, 'pending_second');
    assert.equal(pending.decision, null);
    assert.deepEqual(pending.opened.map((o) => o.kind), ['second_review']);
    const before = await h.store.db.selectFrom('decisions').select('id').where('item_id', '=', s0).execute();
    assert.equal(before.length, 1, 'no enforcement decision until the second review');

    assert.equal((await service.claim(senior)).task, null, 'the first reviewer is never offered their own second review');
    const second = await service.claim(senior2);
    assert.equal(second.task?.taskId, pending.opened[0]?.id);
    const confirmed = await service.decide(second.task!.taskId, senior2, { verdict: 'violating', category: 'CSE-01' });
    assert.equal(confirmed.reviewDecision.outcome, 'confirmed');
    assert.ok(confirmed.decision?.actions.includes('report'));
    assert.match(confirmed.decision?.reasons[0]?.text ?? '', /user:s1@example.org and user:s2@example.org/);
    const jobs = await h.store.db.selectFrom('report_job_items').select('item_id').where('item_id', '=', s0).execute();
    assert.equal(jobs.length, 1, 'the confirmed report decision drafts a CyberTipline report');
    assert.deepEqual((await tasksOf(h, s0)).map((x) => x.status), ['done', 'done']);
  });
});

test('second reviewers who disagree send the item to the escalation target by name', async (t) => {
  await withRig(t, async ({ h, service, banked, setConfig }) => {
    await setConfig({ queues: DEFAULT_REVIEW_CONFIG.queues.map((q) => (q.id === 'urgent' ? { ...q, escalationTarget: 'lead@example.org' } : q)) });
    const s0 = await banked(5, 'CSE-01');
    const first = await service.claim(senior);
    const pending = await service.decide(first.task!.taskId, senior, { verdict: 'violating', category: 'CSE-01' });
    const second = await service.claim(senior2);
    assert.equal(second.task?.taskId, pending.opened[0]?.id);
    const out = await service.decide(second.task!.taskId, senior2, { verdict: 'not_violating', note: 'this is a test pattern' });
    assert.equal(out.reviewDecision.outcome, 'escalated');
    assert.equal(out.reviewDecision.agrees, false);
    const escalation = (await tasksOf(h, s0)).find((x) => x.kind === 'escalation');
    assert.equal(escalation?.assigned_to, 'user:lead@example.org');
    assert.equal(escalation?.queue, 'escalations');
    const lead: Reviewer = { label: 'user:lead@example.org', userId: null, roles: ['senior_reviewer'] };
    assert.equal((await service.claim(senior2)).task, null, 'only the named colleague can claim it');
    const claimed = await service.claim(lead);
    assert.equal(claimed.task?.taskId, escalation?.id);
    const tieBreak = await service.decide(claimed.task!.taskId, lead, { verdict: 'not_violating' });
    assert.equal(tieBreak.reviewDecision.outcome, 'final', 'the tie-break does not go round again');
    assert.equal(tieBreak.decision?.verdict, 'no_violation');
  });
});

test('blind QA samples human and automatic decisions; agreement and disagreement are recorded', async (t) => {
  await withRig(t, async ({ h, service, banked, setConfig }) => {
    await setConfig({ qa: { humanSampleRate: 1, automatedSampleRate: 1 } });
    const s2 = await banked(6, 'CSE-13');
    const claim = await service.claim(reviewer);
    const done = await service.decide(claim.task!.taskId, reviewer, { verdict: 'violating', category: 'CSE-13' });
    assert.deepEqual(done.opened.map((o) => o.kind), ['qa']);

    // An automatic action: an enforce-mode bank acts alone, and the pipeline samples it for QA.
    const enforce = await h.banks.create({ name: 'known', description: 'enforce', source: 'test' }, 'user:policy@example.org');
    const img = await patternPng(7);
    await h.banks.addEntries(enforce.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-14' }], 'user:policy@example.org');
    const [auto] = await h.ingestor.ingest([await h.ingestor.prepare(itemInputSchema.parse({
      externalId: 'auto_7', surface: 'public_post', author: { externalId: 'acct_7' }, media: [{ data: img.toString('base64') }],
    }))], 'api_key:test');
    while ((await h.worker.runOnce()) > 0) {}
    const autoQa = (await tasksOf(h, auto!.itemId)).find((x) => x.kind === 'qa');
    assert.ok(autoQa, 'an automatically actioned item is sampled for QA');
    assert.equal(autoQa.blind, 1);

    // The reviewer who decided never QAs their own decision; the QA view is blind.
    const qaByOwner = await service.claim(senior, { queues: ['qa'] });
    const views = [qaByOwner.task!.itemId];
    const agreeHuman = qaByOwner.task!.itemId === s2
      ? await service.decide(qaByOwner.task!.taskId, senior, { verdict: 'violating', category: 'CSE-13' })
      : await service.decide(qaByOwner.task!.taskId, senior, { verdict: 'not_violating' });
    const next = await service.claim(senior, { queues: ['qa'] });
    views.push(next.task!.itemId);
    assert.deepEqual(new Set(views), new Set([s2, auto!.itemId]));
    const second = next.task!.itemId === s2
      ? await service.decide(next.task!.taskId, senior, { verdict: 'violating', category: 'CSE-13' })
      : await service.decide(next.task!.taskId, senior, { verdict: 'not_violating' });
    const outcomes = [agreeHuman, second].map((r) => ({ item: r.reviewDecision.itemId, agrees: r.reviewDecision.agrees }));
    assert.deepEqual(outcomes.find((o) => o.item === s2)?.agrees, true);
    assert.deepEqual(outcomes.find((o) => o.item === auto!.itemId)?.agrees, false);
    const [qaAuto] = await eventsOf(h, auto!.itemId, 'qa_completed');
    assert.equal(qaAuto?.subject, 'automated');
    const [qaHuman] = await eventsOf(h, s2, 'qa_completed');
    assert.equal(qaHuman?.subject, 'human');
    assert.equal(qaHuman?.subjectReviewer, reviewer.label);
    assert.ok((await tasksOf(h, auto!.itemId)).some((x) => x.kind === 'escalation'), 'a QA disagreement goes to a senior to correct');
  });
});

test('past the exposure limit a reviewer gets no high-severity media until the next UTC day', async (t) => {
  await withRig(t, async ({ service, banked, setConfig, clock }) => {
    await setConfig({ wellness: { ...DEFAULT_REVIEW_CONFIG.wellness, limits: { highSeverityItemsPerDay: 1, highSeverityMinutesPerDay: 60 } } });
    const a = await banked(8, 'CSE-01');
    const b = await banked(9, 'CSE-01');
    const low = await banked(10, 'CSE-13');
    const first = await service.claim(senior, { queues: ['urgent', 'grooming'] });
    assert.ok([a, b].includes(first.task!.itemId));
    assert.equal(first.exposure.items, 1);
    assert.equal(first.exposure.limitReached, true);
    const second = await service.claim(senior, { queues: ['urgent', 'grooming'] });
    assert.equal(second.task?.itemId, low, 'routed past the remaining S0 media task');
    assert.equal((await service.claim(senior, { queues: ['urgent'] })).task, null);
    assert.ok((await service.claim(senior2, { queues: ['urgent'] })).task, 'another reviewer still gets it');
    clock.advance(24 * 60 * 60_000);
    const tomorrow = await service.exposure(senior);
    assert.equal(tomorrow.items, 0);
    assert.equal(tomorrow.limitReached, false);
  });
});

test('assign to a named colleague, hold, release; a lead decides a whole bank-entry cluster item by item', async (t) => {
  await withRig(t, async ({ h, service, work, banked }) => {
    await h.auth.createUser({ email: 'expert@example.org', name: 'Expert', password: 'correct horse battery', roles: ['reviewer'] }, 'test');
    const items = [await banked(11, 'CSE-13', { author: 'a1' }), await banked(11, 'CSE-13', { author: 'a2' }), await banked(11, 'CSE-13', { author: 'a3' })];
    const tasks = (await Promise.all(items.map((i) => tasksOf(h, i)))).map((x) => x[0]!);
    assert.equal(new Set(tasks.map((x) => x.cluster_key)).size, 1, 'one bank entry, one cluster');

    const mine = await service.claim(reviewer);
    await work.hold(mine.task!.taskId, reviewer, 'asking the policy team');
    await assert.rejects(work.assign(mine.task!.taskId, reviewer, { to: 'nobody@example.org', reason: 'x', escalate: false }), /no active user/);
    await work.assign(mine.task!.taskId, reviewer, { to: 'expert@example.org', reason: 'needs the expert', escalate: false });
    const expert: Reviewer = { label: 'user:expert@example.org', userId: null, roles: ['reviewer'] };
    const byName = await service.claim(expert, { queues: ['general'] });
    assert.equal(byName.task?.taskId, mine.task!.taskId, 'assigned work comes first, from any queue');
    await work.release(byName.task!.taskId, expert);

    const bulk = await work.bulkDecide({ clusterKey: tasks[0]!.cluster_key! }, senior, { verdict: 'violating', category: 'CSE-13', note: 'same entry' });
    assert.equal(bulk.matched, 3);
    assert.equal(bulk.decided.length, 2, 'the task still assigned to the expert is not the lead\'s to take');
    assert.equal(bulk.skipped.length, 1);
    const recorded = await h.store.db.selectFrom('review_decisions').select(['item_id', 'bulk_id']).where('bulk_id', '=', bulk.bulkId).execute();
    assert.equal(recorded.length, 2, 'recorded item by item');
  });
});
