// Acceptance: 1,000 items through detection and review with scripted decisions. The dashboard's SLA compliance,
// reviewer accuracy from QA, automation rate and precision of automation must equal what this test computes on its
// own from the event log.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { AppealService } from '../../src/enforcement/appeals/service.js';
import { DEFAULT_REVIEW_CONFIG } from '../../src/review/config.js';
import { type Reviewer, ReviewService } from '../../src/review/service.js';
import { fromJson } from '../../src/store/db.js';
import { loadOpsMetrics } from '../../src/store/repos/ops-metrics.js';
import { DEFAULT_OPS_TARGETS } from '../../src/review/ops/targets.js';
import { patternPng } from '../helpers/images.js';
import { makeBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const HOUR = 60 * 60_000;
const ITEMS = 1000;
const AUTO_ITEMS = 300; // match an enforce-mode bank entry: actioned by the pipeline
const REVIEW_ITEMS = 500; // match a review-only bank entry: a person decides
const reviewers: Reviewer[] = [1, 2, 3, 4, 5].map((n) => ({ label: `user:reviewer${n}@example.org`, userId: null, roles: ['reviewer'] }));
const qa: Reviewer = { label: 'user:qa@example.org', userId: null, roles: ['senior_reviewer'] };
const lead: Reviewer = { label: 'user:lead@example.org', userId: null, roles: ['senior_reviewer'] };

test('a 1,000-item review run: the dashboard figures equal those computed independently from the events', { timeout: 600_000 }, async (t) => {
  const backend = await makeBackend('sqlite');
  t.after(() => backend.cleanup());
  const h = await openHaven(backend.config, { logger: testLogger() });
  t.after(() => h.close());
  const start = Date.now();
  let now = start;
  const clock = { now: () => now };
  const service = new ReviewService(h.store, clock, new AppealService(h.store, clock), h.keys);
  await h.configs.deploy('review', { ...DEFAULT_REVIEW_CONFIG, qa: { humanSampleRate: 0.2, automatedSampleRate: 0.2 } }, 'demo run', 'user:ops@example.org');

  // Ten images per kind of bank, shared by many posts (re-shares), so items cluster on bank entries.
  const enforce = await h.banks.create({ name: 'known', description: 'enforce', source: 'test' }, 'user:policy@example.org');
  const leads = await h.banks.create({ name: 'leads', description: 'review only', source: 'test', matchMode: 'review' }, 'user:policy@example.org');
  const images = await Promise.all(Array.from({ length: 20 }, (_, i) => patternPng(100 + i)));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  await h.banks.addEntries(enforce.id, images.slice(0, 10).map((b) => ({ hashType: 'sha256', hash: sha(b), category: 'CSE-14' })), 'user:policy@example.org');
  await h.banks.addEntries(leads.id, images.slice(10).map((b) => ({ hashType: 'sha256', hash: sha(b), category: 'CSE-13' })), 'user:policy@example.org');

  const prepared = [];
  for (let i = 0; i < ITEMS; i++) {
    const media = i < AUTO_ITEMS ? images[i % 10] : i < AUTO_ITEMS + REVIEW_ITEMS ? images[10 + (i % 10)] : undefined;
    prepared.push(await h.ingestor.prepare(itemInputSchema.parse({
      externalId: `run_${i}`, surface: 'public_post', author: { externalId: `acct_${i % 97}` },
      ...(media ? { media: [{ data: media.toString('base64') }] } : { text: `an ordinary post about the weekend, number ${i}` }),
    })));
  }
  for (let i = 0; i < prepared.length; i += 200) await h.ingestor.ingest(prepared.slice(i, i + 200), 'api_key:platform');
  while ((await h.worker.runOnce()) > 0) {}
  const opened = await h.store.db.selectFrom('review_tasks').select(['kind']).execute();
  assert.equal(opened.filter((x) => x.kind === 'review').length, REVIEW_ITEMS);
  assert.ok(opened.some((x) => x.kind === 'qa'), 'some automatic actions were sampled for QA');

  // Scripted review: five reviewers; every tenth decision is made after its SLA ran out; every fifth item found
  // not violating. Claims and decisions happen at the scripted clock.
  let n = 0;
  for (;;) {
    const r = reviewers[n % reviewers.length]!;
    now = start + HOUR + n * 30_000;
    const claim = await service.claim(r, { queues: ['grooming'] });
    if (!claim.task) break;
    if (n % 10 === 9) now = (claim.task.slaDueAt ?? now) + HOUR;
    const violating = n % 5 !== 4;
    await service.decide(claim.task.taskId, r, violating ? { verdict: 'violating', category: 'CSE-13', policyClause: 'CSE-13 §1' } : { verdict: 'not_violating' });
    n++;
  }
  assert.equal(n, REVIEW_ITEMS);

  // Blind QA of everything sampled: agrees with humans except on every fourth check; on automatic actions it
  // disagrees on every third check.
  let k = 0;
  for (;;) {
    now = start + 30 * HOUR + k * 20_000;
    const claim = await service.claim(qa, { queues: ['qa'] });
    if (!claim.task) break;
    const view = await h.store.db.selectFrom('decisions').select(['verdict', 'category', 'id']).where('id', '=', claim.task.decisionId).executeTakeFirstOrThrow();
    const human = await h.store.db.selectFrom('review_decisions').select('id').where('decision_id', '=', view.id).executeTakeFirst();
    const disagree = human ? k % 4 === 3 : k % 3 === 2;
    const same = view.verdict === 'violating' ? { verdict: 'violating', category: view.category } : { verdict: 'not_violating' };
    const other = view.verdict === 'violating' ? { verdict: 'not_violating' } : { verdict: 'violating', category: 'CSE-13' };
    await service.decide(claim.task.taskId, qa, disagree ? other : same);
    k++;
  }
  assert.ok(k > 50, `QA checked ${k} decisions`);
  // The lead settles every escalation QA raised.
  for (;;) {
    now += 60_000;
    const claim = await service.claim(lead, { queues: ['escalations'] });
    if (!claim.task) break;
    await service.decide(claim.task.taskId, lead, { verdict: 'not_violating', note: 'corrected after QA' });
  }

  now = start + 60 * HOUR;
  const window = { from: start - HOUR, to: now };
  const metrics = await loadOpsMetrics(h.store.db, window, DEFAULT_OPS_TARGETS);

  // Independently, from the append-only event log.
  const events = (await h.store.db.selectFrom('events').select(['type', 'item_id', 'actor', 'at', 'payload']).orderBy('at').orderBy('id').execute())
    .map((e) => ({ ...e, at: Number(e.at), payload: fromJson<Record<string, unknown>>(e.payload) }));
  const decided = events.filter((e) => e.type === 'review_decided' && e.payload.slaDueAt !== null && e.payload.slaDueAt !== undefined);
  const onTime = decided.filter((e) => e.at <= Number(e.payload.slaDueAt)).length;
  const expectedSla = onTime / decided.length;

  const qaEvents = events.filter((e) => e.type === 'qa_completed');
  const humanQa = qaEvents.filter((e) => e.payload.subject === 'human');
  const autoQa = qaEvents.filter((e) => e.payload.subject === 'automated');
  const expectedAccuracy = humanQa.filter((e) => e.payload.agrees === true).length / humanQa.length;
  const expectedPrecision = autoQa.filter((e) => e.payload.agrees === true).length / autoQa.length;

  const firstActor = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'action_requested' || !e.item_id) continue;
    if (['review', 'urgent', 'reinstate', 'lift_restriction', 'enable'].includes(String(e.payload.type))) continue;
    if (!firstActor.has(e.item_id)) firstActor.set(e.item_id, e.actor);
  }
  const expectedAutomation = [...firstActor.values()].filter((a) => a === 'pipeline').length / firstActor.size;

  // The script made these figures non-trivial: neither all nor nothing.
  assert.ok(expectedSla > 0.8 && expectedSla < 0.95, `SLA compliance ${expectedSla}`);
  assert.ok(expectedAccuracy > 0.6 && expectedAccuracy < 0.9, `accuracy ${expectedAccuracy}`);
  assert.ok(expectedPrecision > 0.5 && expectedPrecision < 0.8, `precision ${expectedPrecision}`);
  assert.ok(expectedAutomation > 0.3 && expectedAutomation < 0.6, `automation ${expectedAutomation}`);

  const figure = (key: string) => metrics.figures.find((f) => f.key === key)?.value;
  const close = (actual: number | null | undefined, expected: number, what: string) =>
    assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: dashboard ${actual}, events ${expected}`);
  close(figure('sla_compliance'), expectedSla, 'SLA compliance');
  close(figure('reviewer_accuracy'), expectedAccuracy, 'reviewer accuracy from QA');
  close(figure('automation_rate'), expectedAutomation, 'automation rate');
  close(figure('automation_precision'), expectedPrecision, 'precision of automatic actions');
  assert.equal(metrics.throughput.byReviewer.find((r) => r.reviewer === reviewers[0]!.label)?.decisions, REVIEW_ITEMS / reviewers.length);
  const breached = metrics.figures.find((f) => f.key === 'sla_compliance');
  assert.equal(breached?.breached, true, 'below the 95% target: highlighted');
});
