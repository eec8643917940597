import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { type Haven, openHaven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { CaseWork } from '../../src/investigations/case-work.js';
import { escalationIntakeSchema, escalationListSchema, statusChangeSchema } from '../../src/investigations/escalations.js';
import { escalationOutcomeLabels } from '../../src/investigations/outcomes.js';
import { EscalationError, EscalationService } from '../../src/investigations/service.js';
import { loadEvalSet } from '../../src/learning/eval/sets.js';
import { verifyAudit } from '../../src/store/repos/audit.js';
import { scenePng } from '../helpers/images.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const HOUR = 3_600_000;
const ACTOR = 'user:investigator@test.local';

async function withHaven(backend: Backend, fn: (h: Haven, clock: { now: number }) => Promise<void>): Promise<void> {
  const clock = { now: Date.now() };
  const h = await openHaven(backend.config, { logger: testLogger(), clock: { now: () => clock.now } });
  try {
    await fn(h, clock);
  } finally {
    await h.close();
  }
}

async function ingest(h: Haven, input: Record<string, unknown>): Promise<string> {
  const [r] = await h.ingestor.ingest([await h.ingestor.prepare(itemInputSchema.parse({ surface: 'public_post', ...input }))], 'api_key:test');
  while ((await h.worker.runOnce()) > 0) {}
  return r!.itemId;
}

const intake = (raw: Record<string, unknown>) => escalationIntakeSchema.parse({ title: 'Reported item', source: 'user_reports', priority: 'P1', ...raw });
const status = (raw: Record<string, unknown>) => statusChangeSchema.parse(raw);

async function refusal(p: Promise<unknown>): Promise<EscalationError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EscalationError) return e;
    throw e;
  }
  assert.fail('expected an EscalationError');
}

test('intake names every unknown entity and stores nothing; known ones are resolved by id or external id', async (t) => {
  await forEachBackend(t, (b) => withHaven(b, async (h) => {
    const svc = new EscalationService(h.store, h.clock);
    const item = await ingest(h, { externalId: 'post-1', text: 'see you at practice', author: { externalId: 'alice' }, conversationId: 'conv-1' });
    const e = await refusal(svc.open(intake({
      entities: { items: [{ id: item }, { externalId: 'no-such-post' }], accounts: [{ externalId: 'ghost' }], conversations: ['conv-9'], bankEntries: ['01NOPE'] },
    }), ACTOR));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'unknown_entities');
    assert.deepEqual(e.issues?.map((i) => i.path), [
      'body.entities.items.1.externalId', 'body.entities.accounts.0.externalId', 'body.entities.conversations.0', 'body.entities.bankEntries.0',
    ]);
    assert.match(e.message, /unknown item external id no-such-post.*unknown account external id ghost.*unknown conversation conv-9.*unknown bank entry 01NOPE/);
    assert.equal((await h.store.db.selectFrom('escalations').select('id').execute()).length, 0);

    const d = await svc.open(intake({ entities: { items: [{ externalId: 'post-1' }], accounts: [{ externalId: 'alice' }], conversations: ['conv-1'] } }), ACTOR);
    assert.deepEqual(d.entities.map((x) => [x.entityType, x.relation]).sort(), [['account', 'intake'], ['conversation', 'intake'], ['item', 'intake']]);
    assert.equal(d.entities.find((x) => x.entityType === 'item')?.entityId, item);
    assert.equal(d.escalation.status, 'new');
    assert.equal(d.escalation.slaDueAt, d.escalation.createdAt + 24 * HOUR);
  }));
});

test('status workflow: transitions checked, resolving needs an outcome, outcomes become evaluation examples', async (t) => {
  await forEachBackend(t, (b) => withHaven(b, async (h, clock) => {
    const svc = new EscalationService(h.store, h.clock);
    const text = await ingest(h, { externalId: 'msg-1', text: 'a neutral test message', author: { externalId: 'alice' } });
    const image = await ingest(h, { externalId: 'img-1', media: [{ data: (await scenePng(1)).toString('base64') }], author: { externalId: 'alice' } });
    const { escalation: { id } } = await svc.open(intake({ priority: 'P0', entities: { items: [{ id: text }, { id: image }] } }), ACTOR);

    clock.now += 5 * HOUR;
    assert.deepEqual((await svc.list(escalationListSchema.parse({ overdue: 'true' }))).map((e) => e.id), [id], 'P0 is overdue after 4 hours');
    assert.deepEqual(await svc.list(escalationListSchema.parse({ status: 'resolved' })), []);

    const bad = await refusal(svc.changeStatus(id, status({ status: 'mitigated' }), ACTOR));
    assert.deepEqual([bad.status, bad.code], [409, 'invalid_transition']);
    assert.match(bad.message, /a new escalation can move to investigating or resolved, not mitigated/);
    await svc.changeStatus(id, status({ status: 'investigating', note: 'looking at the traces' }), ACTOR);
    const noOutcome = await refusal(svc.changeStatus(id, status({ status: 'resolved' }), ACTOR));
    assert.deepEqual([noOutcome.status, noOutcome.code, noOutcome.issues?.[0]?.path], [400, 'outcome_required', 'body.outcome']);
    const unknownCategory = await refusal(svc.changeStatus(id, status({ status: 'resolved', outcome: 'confirmed', category: 'CSE-99' }), ACTOR));
    assert.deepEqual([unknownCategory.status, unknownCategory.issues?.[0]?.path], [400, 'body.category']);
    await svc.changeStatus(id, status({ status: 'mitigated' }), ACTOR);
    const r = await svc.changeStatus(id, status({ status: 'resolved', outcome: 'confirmed', category: 'CSE-02', note: 'confirmed by the team' }), ACTOR);
    assert.equal(r.detail.escalation.status, 'resolved');
    assert.equal(r.detail.escalation.outcome, 'confirmed');
    assert.equal(r.detail.category, 'CSE-02');
    assert.equal(r.detail.escalation.sla.met, false, 'mitigated after the 4 hour SLA');
    assert.deepEqual(r.examples?.skipped, [{ itemId: image, reason: 'no text (evaluation sets hold text examples)' }]);
    assert.equal(r.examples?.added, 1);
    const final = await refusal(svc.changeStatus(id, status({ status: 'investigating' }), ACTOR));
    assert.match(final.message, /final/);

    assert.deepEqual(r.detail.notes.filter((n) => n.kind === 'status').map((n) => n.text), [
      'new -> investigating: looking at the traces', 'investigating -> mitigated', 'mitigated -> resolved (outcome: confirmed): confirmed by the team',
    ]);
    const labels = await escalationOutcomeLabels(h.store.db, id);
    assert.deepEqual(labels?.labels.map((l) => [l.itemId, l.violating, l.category]).sort(), [[image, true, 'CSE-02'], [text, true, 'CSE-02']].sort());
    const set = await loadEvalSet(h.store.db, 'escalations');
    assert.deepEqual(set.examples.map((e) => [e.itemId, e.labels, e.source]), [[text, ['CSE-02'], 'escalation']]);

    // A false positive relabels the same item as benign.
    const fp = await svc.open(intake({ entities: { items: [{ id: text }] } }), ACTOR);
    await svc.changeStatus(fp.escalation.id, status({ status: 'resolved', outcome: 'false_positive' }), ACTOR);
    assert.deepEqual((await loadEvalSet(h.store.db, 'escalations')).examples.map((e) => [e.itemId, e.labels]), [[text, []]]);

    const events = await h.store.db.selectFrom('events').select('type').where('type', '=', 'escalation_status_changed').execute();
    assert.equal(events.length, 4);
    const audit = await h.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'escalation.%').execute();
    assert.deepEqual(audit.map((a) => a.action).filter((a) => a === 'escalation.status').length, 4);
    assert.equal((await verifyAudit(h.store.db)).ok, true);
  }));
});

test('related entities: same bank entry, near-duplicate image, same author, same conversation; added with their relation', async (t) => {
  await forEachBackend(t, (b) => withHaven(b, async (h) => {
    const svc = new EscalationService(h.store, h.clock);
    const img = await scenePng(3);
    const data = img.toString('base64');
    // Ingested before the image is banked: no bank signal, found only as a near duplicate.
    const earlyCopy = await ingest(h, { externalId: 'early', media: [{ data }], author: { externalId: 'carol' } });
    const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'test');
    const [entry] = await h.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
    const reported = await ingest(h, { externalId: 'reported', media: [{ data }], author: { externalId: 'alice' }, conversationId: 'conv-1' });
    const banked = await ingest(h, { externalId: 'banked', media: [{ data }], author: { externalId: 'bob' } });
    const byAuthor = await ingest(h, { externalId: 'alice-2', text: 'hello there', author: { externalId: 'alice' } });
    const inConversation = await ingest(h, { externalId: 'dave-1', text: 'hi', author: { externalId: 'dave' }, conversationId: 'conv-1' });
    const unrelated = await ingest(h, { externalId: 'erin-1', text: 'unrelated', author: { externalId: 'erin' }, media: [{ data: (await scenePng(9)).toString('base64') }] });

    const { escalation: { id } } = await svc.open(intake({ entities: { items: [{ id: reported }] } }), ACTOR);
    const candidates = await svc.related(id);
    const byItem = new Map(candidates.map((c) => [c.entityId, c.relations.map((r) => r.relation)]));
    assert.deepEqual(byItem.get(banked), ['same_bank_entry', 'near_duplicate']);
    assert.deepEqual(byItem.get(earlyCopy), ['near_duplicate']);
    assert.deepEqual(byItem.get(byAuthor), ['same_author']);
    assert.deepEqual(byItem.get(inConversation), ['same_conversation']);
    assert.equal(byItem.has(unrelated), false);
    assert.equal(byItem.has(reported), false, 'items already in the escalation are not candidates');
    assert.match(candidates.find((c) => c.entityId === banked)?.relations[0]?.detail ?? '', new RegExp(`matched bank entry ${entry!.id}`));
    assert.match(candidates.find((c) => c.entityId === earlyCopy)?.relations[0]?.detail ?? '', /PDQ distance 0 to media of item/);

    const notCandidate = await refusal(svc.addRelated(id, [byAuthor, unrelated], ACTOR));
    assert.deepEqual([notCandidate.status, notCandidate.issues?.map((i) => i.path)], [400, ['body.add.1']]);
    const added = await svc.addRelated(id, [banked, byAuthor], ACTOR);
    assert.deepEqual(added.map((a) => [a.entityId, a.relation]), [[banked, 'same_bank_entry'], [byAuthor, 'same_author']]);
    const rest = await svc.addRelated(id, true, ACTOR);
    assert.deepEqual(rest.map((a) => a.entityId).sort(), [earlyCopy, inConversation].sort());
    assert.deepEqual(await svc.related(id), [], 'every related item is in the case now, and the pulled-in items bring no new ones');
  }));
});

test('root causes: suggested from traces, confirmed or rejected, added by hand; remediation board across escalations', async (t) => {
  await forEachBackend(t, (b) => withHaven(b, async (h, clock) => {
    const svc = new EscalationService(h.store, h.clock);
    const work = new CaseWork(svc);
    const missed = await ingest(h, { externalId: 'unbanked', media: [{ data: (await scenePng(4)).toString('base64') }], author: { externalId: 'alice' } });
    const { escalation: { id } } = await svc.open(intake({ priority: 'P2', entities: { items: [{ id: missed }] } }), ACTOR);

    const s = await work.suggest(id, ACTOR, { expectedCategory: 'CSE-01' });
    assert.equal(s.tracedItems, 1);
    const unbanked = s.added.find((c) => c.cause === 'hash_not_banked');
    assert.ok(unbanked, `hash_not_banked suggested; got ${s.added.map((c) => c.cause).join(', ')}`);
    assert.equal(unbanked.status, 'suggested');
    assert.equal(unbanked.suggestedBy, 'haven');
    assert.equal(unbanked.evidence[0]?.itemId, missed);
    assert.ok(unbanked.evidence[0]?.eventId, 'evidence links to the trace step');
    const again = await work.suggest(id, ACTOR, { expectedCategory: 'CSE-01' });
    assert.deepEqual(again.added, [], 'causes already recorded are not suggested twice');
    assert.equal((await refusal(work.suggest(id, ACTOR, { expectedCategory: 'CSE-77' }))).issues?.[0]?.path, 'body.expectedCategory');

    const confirmed = await work.decideCause(id, unbanked.id, { status: 'confirmed', note: 'the image was never reported to us' }, ACTOR);
    assert.deepEqual([confirmed.status, confirmed.decidedBy], ['confirmed', ACTOR]);
    assert.equal((await refusal(work.decideCause(id, 'NOPE', { status: 'rejected' }, ACTOR))).status, 404);
    const manual = await work.addCause(id, { cause: 'policy_gap', evidence: [{ itemId: null, eventId: null, step: 'policy', text: 'no guidance for edited images' }] }, ACTOR);
    assert.deepEqual([manual.status, manual.suggestedBy], ['confirmed', ACTOR]);
    const badEvidence = await refusal(work.addCause(id, { cause: 'tooling_bug', evidence: [{ itemId: 'NOPE', eventId: null, step: 's', text: 't' }] }, ACTOR));
    assert.deepEqual(badEvidence.issues?.map((i) => i.path), ['body.evidence.0.itemId']);

    const other = await svc.open(intake({ title: 'Second', priority: 'P0' }), ACTOR);
    const late = await work.addRemediation(id, { team: 'data_engineering', title: 'Import the partner hash list', owner: 'dana', dueAt: clock.now + HOUR, rootCauseId: unbanked.id }, ACTOR);
    const legal = await work.addRemediation(other.escalation.id, { team: 'legal', title: 'Check retention', dueAt: new Date(clock.now + 48 * HOUR).toISOString() }, ACTOR);
    const finished = await work.addRemediation(id, { team: 'policy', title: 'Write the guidance' }, ACTOR);
    assert.deepEqual((await refusal(work.addRemediation(id, { team: 'policy', title: 'x', rootCauseId: 'NOPE' }, ACTOR))).issues?.map((i) => i.path), ['body.rootCauseId']);
    assert.deepEqual((await refusal(work.addRemediation(id, { team: 'policy', title: 'x', proposalId: 'NOPE' }, ACTOR))).issues?.map((i) => i.path), ['body.proposalId']);
    const done = await work.updateRemediation(finished.id, { status: 'done' }, ACTOR);
    assert.equal(done.doneAt, clock.now);

    clock.now += 2 * HOUR;
    const board = await work.board({});
    assert.equal(board.total, 2);
    assert.equal(board.overdue, 1);
    assert.deepEqual(board.teams.find((c) => c.team === 'data_engineering')?.items.map((i) => [i.id, i.overdue, i.escalationTitle]), [[late.id, true, 'Reported item']]);
    assert.deepEqual(board.teams.find((c) => c.team === 'legal')?.items.map((i) => [i.id, i.overdue, i.escalationPriority]), [[legal.id, false, 'P0']]);
    assert.deepEqual(board.teams.find((c) => c.team === 'policy')?.items, [], 'done items leave the board');
    assert.deepEqual((await work.board({ team: 'legal' })).teams.map((c) => c.team), ['legal']);

    const md = await svc.postmortem(id);
    assert.match(md, /### Confirmed\n\n- Hash not banked \(hash_not_banked\), confirmed by user:investigator@test\.local: the image was never reported to us/);
    assert.match(md, /- Policy gap \(policy_gap\)/);
    assert.match(md, /Trace of item .*: #\d+ .*matched no bank entry/);
    assert.match(md, /- \[open\] data_engineering: Import the partner hash list \(owner dana, due .*, OVERDUE\)/);
    const audit = (await h.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'escalation.%').execute()).map((a) => a.action);
    for (const a of ['escalation.root_causes.suggest', 'escalation.root_cause.decide', 'escalation.root_cause.add', 'escalation.remediation.add', 'escalation.remediation.update']) {
      assert.ok(audit.includes(a), `audited: ${a}`);
    }
  }));
});
