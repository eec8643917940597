import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { type Haven, openHaven } from '../../../src/app.js';
import type { Policy } from '../../../src/core/policy.js';
import { permissionsOf } from '../../../src/core/roles.js';
import { type Actor, loopFigures, ProposalError, ProposalService, proposalsForEscalation, watchProposal } from '../../../src/learning/proposals/index.js';
import { toJson } from '../../../src/store/db.js';
import { newId } from '../../../src/store/ids.js';
import { latestConfig } from '../../../src/store/repos/config.js';
import { patternPng } from '../../helpers/images.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const actor = (label: string, role: string): Actor => ({ label, permissions: permissionsOf([role]) });
const investigator = actor('user:ines@test', 'investigator');
const policyLead = actor('user:pia@test', 'policy');
const otherPolicy = actor('user:paul@test', 'policy');
const admin = actor('user:ada@test', 'admin');

async function refused(work: Promise<unknown>, status: number, code: string): Promise<void> {
  await assert.rejects(work, (e: unknown) => e instanceof ProposalError && e.status === status && e.code === code);
}

async function auditActions(h: Haven, targetId: string): Promise<string[]> {
  return (await h.store.db.selectFrom('audit_log').select('action').where('target_id', '=', targetId).orderBy('seq').execute()).map((r) => r.action);
}

async function eventTypes(h: Haven, proposalId: string): Promise<string[]> {
  const rows = await h.store.db.selectFrom('events').select(['type', 'payload']).where('type', 'like', 'proposal_%').orderBy('id').execute();
  return rows.filter((r) => JSON.stringify(r.payload).includes(proposalId)).map((r) => r.type);
}

async function openEscalation(h: Haven, itemIds: string[], createdAt: number): Promise<string> {
  const id = newId();
  await h.store.db.insertInto('escalations').values({
    id, title: 't', summary: 's', source: 'internal', priority: 'P1', status: 'investigating', owner: null, sla_due_at: createdAt + 1,
    outcome: null, created_by: 'test', created_at: createdAt, updated_at: createdAt, mitigated_at: null, resolved_at: null,
  }).execute();
  for (const itemId of itemIds) {
    await h.store.db.insertInto('escalation_entities').values({ escalation_id: id, entity_type: 'item', entity_id: itemId, relation: 'named', added_by: 'test', added_at: createdAt }).execute();
  }
  return id;
}

test('a threshold change: second-person approval by role policy, audited, deployed as a new policy version, watched', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const s = new ProposalService(h);
      const p = await s.create({ kind: 'threshold_change', title: 'act on grooming risk earlier', change: { patch: { category: 'CSE-05', actionThreshold: 0.6 } }, rootCause: 'threshold' }, policyLead);
      assert.equal(p.status, 'draft');
      await refused(s.approve(p.id, 'ok', otherPolicy), 409, 'wrong_status');
      await s.backtest(p.id, { days: 30 }, policyLead);
      assert.equal((await s.get(p.id)).status, 'backtested');
      await refused(s.approve(p.id, 'my own', policyLead), 403, 'second_person_required');
      await refused(s.approve(p.id, 'ok', investigator), 403, 'forbidden');
      await refused(s.approve(p.id, 'ok', admin), 403, 'forbidden');
      const approved = await s.approve(p.id, 'looks right', otherPolicy);
      assert.deepEqual([approved.status, approved.decidedBy, approved.decisionNote], ['approved', 'user:paul@test', 'looks right']);
      await refused(s.approve(p.id, 'again', otherPolicy), 409, 'wrong_status');

      const before = (await latestConfig<Policy>(h.store.db, 'policy'))?.version ?? 0;
      const { proposal: deployed } = await s.deploy(p.id, policyLead);
      const policy = await latestConfig<Policy>(h.store.db, 'policy');
      assert.equal(policy?.version, before + 1);
      assert.equal(policy?.document.categories['CSE-05']?.actionThreshold, 0.6);
      assert.equal(policy?.document.categories['CSE-05']?.reviewThreshold, 0.4, 'the patch keeps the rest of the category');
      assert.deepEqual(deployed.deployment, { configKind: 'policy', version: before + 1 });
      await refused(s.deploy(p.id, policyLead), 409, 'wrong_status');
      assert.deepEqual(await auditActions(h, p.id), ['proposal.approve', 'proposal.deploy']);
      assert.deepEqual(await eventTypes(h, p.id), ['proposal_created', 'proposal_backtested', 'proposal_approved', 'proposal_deployed']);

      // After the deploy: one item in CSE-05 the pipeline only sent to review, which a person confirmed, is a recurrence.
      const [ingested] = await h.ingestor.ingest([await h.ingestor.prepare({
        externalId: 'after', surface: 'direct_message', text: 'hello there', author: { externalId: 'a', ageBand: 'adult' }, recipients: [{ externalId: 'b', ageBand: '13_15' }],
      })], 'test');
      while ((await h.worker.runOnce()) > 0) {}
      const itemId = ingested?.itemId as string;
      await h.store.db.updateTable('decisions').set({ verdict: 'needs_review', category: 'CSE-05' }).where('item_id', '=', itemId).execute();
      let watch = await watchProposal(h.store.db, p.id);
      assert.deepEqual([watch.status, watch.recurrences.items, watch.recurred], ['watching', 0, false]);
      await h.store.db.insertInto('review_decisions').values({
        id: newId(), task_id: newId(), item_id: itemId, kind: 'review', reviewer: 'user:r@test', verdict: 'violating', category: 'CSE-05', severity: 'S2',
        labels: toJson([]), policy_clause: null, note: null, actions: toJson([]), outcome: 'final', decision_id: null, subject_decision_id: null,
        agrees: null, bulk_id: null, claimed_at: null, created_at: h.clock.now(),
      }).execute();
      watch = await watchProposal(h.store.db, p.id);
      assert.deepEqual([watch.recurrences.items, watch.recurrences.sample, watch.recurred], [1, [itemId], true]);
    } finally {
      await h.close();
    }
  });
});

test('bank_hashes from an escalation: banks:write approves, deploy adds the entries, re-posts are caught, loop figures close', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const s = new ProposalService(h);
      const img = await patternPng(5);
      const post = async (externalId: string) => {
        const [r] = await h.ingestor.ingest([await h.ingestor.prepare({ externalId, surface: 'public_post', author: { externalId: 'u1' }, media: [{ data: img.toString('base64') }] })], 'test');
        while ((await h.worker.runOnce()) > 0) {}
        return r?.itemId as string;
      };
      const first = await post('first');
      const bank = await h.banks.create({ name: 'escalation-bank', description: '', source: 'internal' }, 'test');
      const opened = h.clock.now() - 3_600_000;
      const escalationId = await openEscalation(h, [first], opened);
      await assert.rejects(
        s.create({ kind: 'bank_hashes', title: 'x', change: { bankId: 'nope', fromItems: [first], category: 'CSE-01' } }, investigator),
        (e: unknown) => e instanceof ProposalError && e.status === 404,
      );
      const p = await s.create({ kind: 'bank_hashes', title: 'bank the re-posted image', escalationId, rootCause: 'hash_not_banked', change: { bankId: bank.id, fromItems: [first], category: 'CSE-01' } }, investigator);
      const bt = await s.backtest(p.id, { days: 30 }, investigator);
      assert.deepEqual(bt.report.flips.listed.map((f) => [f.itemId, f.after.verdict]), [[first, 'violating']]);
      await refused(s.approve(p.id, 'ok', policyLead), 403, 'forbidden');
      await s.approve(p.id, 'the image is known', admin);
      const entriesBefore = Number((await h.store.db.selectFrom('bank_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const { proposal } = await s.deploy(p.id, investigator);
      const added = proposal.deployment?.entryIds as string[];
      assert.equal(added.length, 3, 'sha256, md5 and pdq of the one image');
      const entriesAfter = Number((await h.store.db.selectFrom('bank_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(entriesAfter, entriesBefore + 3);
      assert.deepEqual(await auditActions(h, p.id), ['proposal.approve', 'proposal.deploy']);
      const hash = createHash('sha256').update(img).digest('hex');
      assert.ok((await h.store.db.selectFrom('bank_entries').select('hash').where('bank_id', '=', bank.id).execute()).some((e) => e.hash === hash));

      const again = await post('again');
      const decision = await h.store.db.selectFrom('decisions').select('verdict').where('item_id', '=', again).executeTakeFirstOrThrow();
      assert.equal(decision.verdict, 'violating');
      const watch = await watchProposal(h.store.db, p.id);
      assert.deepEqual([watch.caught.items, watch.caught.sample, watch.recurred], [1, [again], false]);

      const listed = await proposalsForEscalation(h.store.db, escalationId);
      assert.deepEqual(listed.map((x) => [x.id, x.status, x.backtest?.flips]), [[p.id, 'deployed', 1]]);
      const figures = await loopFigures(h.store.db, { from: opened - 1000, to: h.clock.now() + 1000 });
      assert.equal(figures.escalations, 1);
      assert.equal(figures.withDeployedFix, 1);
      assert.equal(figures.shareWithDeployedFix, 1);
      assert.equal(figures.timeToFirstFixMs.p50, (proposal.deployedAt as number) - opened);
      assert.deepEqual(figures.recurrenceByRootCause, [{ rootCause: 'hash_not_banked', watched: 1, recurred: 0, rate: 0 }]);
    } finally {
      await h.close();
    }
  });
});

test('eval_examples: proposals:write approves from draft (a second person), deploy adds the examples', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const [r] = await h.ingestor.ingest([await h.ingestor.prepare({ externalId: 'e1', surface: 'comment', text: 'nice photo', author: { externalId: 'u' } })], 'test');
      const s = new ProposalService(h);
      const p = await s.create({ kind: 'eval_examples', title: 'a benign example', change: { set: 'escalations', itemIds: [r?.itemId], label: null } }, investigator);
      await refused(s.approve(p.id, 'mine', investigator), 403, 'second_person_required');
      await s.approve(p.id, 'fine', admin);
      const { proposal } = await s.deploy(p.id, admin);
      assert.equal(proposal.deployment?.added, 1);
      const set = await h.store.db.selectFrom('eval_sets').select('examples').where('name', '=', 'escalations').executeTakeFirstOrThrow();
      assert.equal(Number(set.examples), 1);
    } finally {
      await h.close();
    }
  });
});
