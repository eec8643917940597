import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

interface Answer {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json(): unknown;
}

test('escalations over HTTP: only investigators and admins work them; inputs validated; every change audited', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'investigator@test.local', name: 'investigator', password: PASSWORD, roles: ['investigator'] }, 'test');
      const sessions = new Map<string, { cookie: string; csrf: string }>();
      for (const role of ['analyst', 'reviewer', 'investigator', 'admin']) sessions.set(role, await f.login(role));
      const call = async (role: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<Answer> => {
        const s = sessions.get(role)!;
        return f.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
      };
      const errorOf = (r: Answer) => (r.json() as { error: { code: string; message: string } }).error;

      const ingest = async (payload: Record<string, unknown>) =>
        ((await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload })).json() as { itemId: string }).itemId;
      const item = await ingest({ externalId: 'post-1', surface: 'public_post', author: { externalId: 'alice' }, text: 'see you at practice' });
      const sibling = await ingest({ externalId: 'post-2', surface: 'public_post', author: { externalId: 'alice' }, text: 'see you tomorrow' });
      await f.drain();

      const intake = { title: 'Reported by a parent', summary: 'A parent wrote in.', source: 'user_reports', priority: 'P1', entities: { items: [{ externalId: 'post-1' }] } };
      for (const role of ['analyst', 'reviewer']) {
        assert.equal((await call(role, 'POST', '/v1/escalations', intake)).statusCode, 403, `${role} cannot open`);
        assert.equal((await call(role, 'GET', '/v1/escalations')).statusCode, 403, `${role} cannot list`);
      }
      const apiKey = await f.app.inject({ method: 'POST', url: '/v1/escalations', headers: f.auth(), payload: intake });
      assert.equal(apiKey.statusCode, 403, 'a platform key cannot open escalations');

      const bad = await call('investigator', 'POST', '/v1/escalations', { ...intake, priority: 'urgent' });
      assert.equal(bad.statusCode, 400);
      assert.match(errorOf(bad).message, /body\.priority: priority is one of P0, P1, P2, P3/);
      const unknown = await call('investigator', 'POST', '/v1/escalations', { ...intake, entities: { items: [{ id: 'NOSUCHITEM' }] } });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(errorOf(unknown), {
        code: 'unknown_entities', message: 'body.entities.items.0.id: unknown item NOSUCHITEM',
        issues: [{ path: 'body.entities.items.0.id', message: 'unknown item NOSUCHITEM' }],
      } as unknown);

      const opened = await call('investigator', 'POST', '/v1/escalations', intake);
      assert.equal(opened.statusCode, 201, opened.body);
      const detail = opened.json() as { escalation: { id: string; status: string; slaDueAt: string; createdAt: string }; entities: { entityId: string }[] };
      const id = detail.escalation.id;
      assert.equal(detail.escalation.status, 'new');
      assert.equal(Date.parse(detail.escalation.slaDueAt) - Date.parse(detail.escalation.createdAt), 24 * 3_600_000);
      assert.deepEqual(detail.entities.map((e) => e.entityId), [item]);
      assert.equal((await call('admin', 'POST', '/v1/escalations', { ...intake, title: 'Admin opened', priority: 'P3' })).statusCode, 201);

      const list = await call('admin', 'GET', '/v1/escalations?priority=P1');
      assert.equal(list.statusCode, 200);
      assert.deepEqual((list.json() as { escalations: { id: string }[] }).escalations.map((e) => e.id), [id]);
      assert.equal((await call('investigator', 'GET', '/v1/escalations?priority=P7')).statusCode, 400);
      assert.equal((await call('investigator', 'GET', '/v1/escalations/NOSUCH')).statusCode, 404);

      assert.equal((await call('investigator', 'POST', `/v1/escalations/${id}/notes`, { text: 'called the parent back' })).statusCode, 201);
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/notes`, { text: '' })).message, /body\.text: the note is empty/);
      assert.equal((await call('investigator', 'POST', `/v1/escalations/${id}/owner`, { owner: 'user:investigator@test.local' })).statusCode, 200);

      const related = await call('investigator', 'GET', `/v1/escalations/${id}/related`);
      assert.deepEqual((related.json() as { candidates: { entityId: string; relations: { relation: string }[] }[] }).candidates.map((c) => [c.entityId, c.relations[0]?.relation]), [[sibling, 'same_author']]);
      const addRelated = await call('investigator', 'POST', `/v1/escalations/${id}/related`, { add: true });
      assert.deepEqual((addRelated.json() as { added: { entityId: string }[] }).added.map((a) => a.entityId), [sibling]);
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/related`, { add: 'all' })).message, /body\.add: add is true or a list of item ids/);

      const toInvestigating = await call('investigator', 'POST', `/v1/escalations/${id}/status`, { status: 'investigating' });
      assert.equal(toInvestigating.statusCode, 200, toInvestigating.body);
      const noOutcome = await call('investigator', 'POST', `/v1/escalations/${id}/status`, { status: 'resolved' });
      assert.deepEqual([noOutcome.statusCode, errorOf(noOutcome).code], [400, 'outcome_required']);
      assert.match(errorOf(noOutcome).message, /body\.outcome: resolving needs an outcome/);
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/status`, { status: 'closed' })).message, /body\.status: status is one of new, investigating, mitigated, resolved/);

      const cause = await call('investigator', 'POST', `/v1/escalations/${id}/root-causes`, {
        cause: 'reviewer_error', evidence: [{ itemId: item, step: 'review', text: 'the reviewer chose no violation' }], note: 'training gap',
      });
      assert.equal(cause.statusCode, 201, cause.body);
      const causeId = (cause.json() as { rootCause: { id: string } }).rootCause.id;
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/root-causes`, { cause: 'bad_luck', evidence: [] })).message, /body\.cause: a root cause is one of/);
      const rejected = await call('investigator', 'PATCH', `/v1/escalations/${id}/root-causes/${causeId}`, { status: 'rejected', note: 'the reviewer was right' });
      assert.equal((rejected.json() as { rootCause: { status: string } }).rootCause.status, 'rejected');
      const suggested = await call('investigator', 'POST', `/v1/escalations/${id}/root-causes/suggest`, { expectedCategory: 'CSE-01' });
      assert.equal(suggested.statusCode, 200, suggested.body);
      assert.equal((suggested.json() as { tracedItems: number }).tracedItems, 2);
      const bare = await call('investigator', 'POST', `/v1/escalations/${id}/root-causes/suggest`);
      assert.equal(bare.statusCode, 200, 'the body is optional');
      assert.deepEqual((bare.json() as { added: unknown[] }).added, []);
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/root-causes/suggest`, { expectedCategory: 'porn' })).message, /body\.expectedCategory: a category id looks like CSE-01/);

      const rem = await call('investigator', 'POST', `/v1/escalations/${id}/remediation`, { team: 'operations', title: 'Retrain reviewers', dueAt: '2020-01-01T00:00:00Z' });
      assert.equal(rem.statusCode, 201, rem.body);
      const remId = (rem.json() as { remediation: { id: string } }).remediation.id;
      assert.match(errorOf(await call('investigator', 'POST', `/v1/escalations/${id}/remediation`, { team: 'marketing', title: 'x' })).message, /body\.team: team is one of product/);
      const board = await call('admin', 'GET', '/v1/remediation');
      const teams = (board.json() as { overdue: number; teams: { team: string; items: { id: string; overdue: boolean; dueAt: string }[] }[] });
      assert.equal(teams.overdue, 1);
      assert.deepEqual(teams.teams.find((c) => c.team === 'operations')?.items.map((i) => [i.id, i.overdue, i.dueAt]), [[remId, true, '2020-01-01T00:00:00.000Z']]);
      assert.equal((await call('reviewer', 'GET', '/v1/remediation')).statusCode, 403);
      const patched = await call('investigator', 'PATCH', `/v1/remediation/${remId}`, { status: 'in_progress', owner: 'ops-lead' });
      const patchedItem = (patched.json() as { remediation: { status: string; owner: string } }).remediation;
      assert.deepEqual([patchedItem.status, patchedItem.owner], ['in_progress', 'ops-lead']);
      assert.match(errorOf(await call('investigator', 'PATCH', `/v1/remediation/${remId}`, {})).message, /give at least one of status/);
      assert.equal((await call('investigator', 'PATCH', '/v1/remediation/NOSUCH', { status: 'done' })).statusCode, 404);

      const resolved = await call('investigator', 'POST', `/v1/escalations/${id}/status`, { status: 'resolved', outcome: 'false_positive', note: 'benign' });
      assert.equal(resolved.statusCode, 200, resolved.body);
      assert.equal((resolved.json() as { examples: { set: string; added: number } }).examples.added, 2);

      const pm = await call('investigator', 'GET', `/v1/escalations/${id}/postmortem`);
      assert.equal(pm.statusCode, 200);
      assert.match(String(pm.headers['content-type']), /^text\/markdown/);
      assert.match(pm.body, /^# Postmortem: Reported by a parent\n/);
      assert.match(pm.body, /## Timeline[\s\S]*Note: called the parent back[\s\S]*## Root causes[\s\S]*### Rejected\n\n- Reviewer error/);
      assert.equal((await call('analyst', 'GET', `/v1/escalations/${id}/postmortem`)).statusCode, 403);

      const audit = (await f.haven.store.db.selectFrom('audit_log').select(['action', 'actor', 'target_id']).where('action', 'like', 'escalation.%').execute());
      const actions = new Set(audit.map((a) => a.action));
      for (const a of ['escalation.open', 'escalation.note', 'escalation.assign', 'escalation.entities.add', 'escalation.status', 'escalation.root_cause.add',
        'escalation.root_cause.decide', 'escalation.remediation.add', 'escalation.remediation.update']) {
        assert.ok(actions.has(a), `audited: ${a}`);
      }
      assert.ok(audit.some((a) => a.action === 'escalation.open' && a.actor === 'user:investigator@test.local' && a.target_id === id));
    } finally {
      await f.close();
    }
  });
});
