import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

test('proposals over HTTP: who may read, propose, approve and deploy; 400s name the field; what-if has no effects', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      for (const [email, role] of [['investigator@test.local', 'investigator'], ['policy2@test.local', 'policy']] as const) {
        await f.haven.auth.createUser({ email, name: role, password: PASSWORD, roles: [role] }, 'test');
      }
      const item = (await (await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload: { externalId: 'm1', surface: 'direct_message', text: 'see you at practice', author: { externalId: 'a', ageBand: 'adult' }, recipients: [{ externalId: 'b', ageBand: '13_15' }] } })).json()) as { itemId: string };
      await f.drain();
      const session = async (who: string) => {
        const res = await f.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: who.includes('@') ? who : `${who}@test.local`, password: PASSWORD } });
        const cookie = res.cookies.find((c) => c.name === 'haven_session');
        const csrf = (res.json() as { csrfToken: string }).csrfToken;
        return (method: 'GET' | 'POST', url: string, payload?: unknown) =>
          f.app.inject({ method, url, headers: { cookie: `haven_session=${cookie?.value}`, 'x-csrf-token': csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
      };
      const investigator = await session('investigator');
      const policy = await session('policy');
      const policy2 = await session('policy2@test.local');
      const analyst = await session('analyst');
      const reviewer = await session('reviewer');
      const errorOf = (r: { statusCode: number; json(): unknown }) => [r.statusCode, (r.json() as { error: { code: string; message: string } }).error.code];
      const messageOf = (r: { json(): unknown }) => (r.json() as { error: { message: string } }).error.message;

      // 400s name the field.
      const noBank = await investigator('POST', '/v1/proposals', { kind: 'bank_hashes', title: 'x', change: { entries: [] } });
      assert.equal(noBank.statusCode, 400);
      assert.match(messageOf(noBank), /body\.change\.bankId/);
      const badKind = await investigator('POST', '/v1/proposals', { kind: 'nope', title: 'x', change: {} });
      assert.equal(badKind.statusCode, 400);
      assert.match(messageOf(badKind), /body\.kind/);
      const badThreshold = await investigator('POST', '/v1/proposals', { kind: 'threshold_change', title: 'x', change: { patch: { category: 'CSE-05', actionThreshold: 2 } } });
      assert.match(messageOf(badThreshold), /body\.change\.patch\.actionThreshold/);

      // Proposing: proposals:write (investigator, admin, policy), not a reviewer or an analyst.
      const change = { kind: 'threshold_change', title: 'earlier action on grooming risk', change: { patch: { category: 'CSE-05', actionThreshold: 0.6 } }, rootCause: 'threshold' };
      assert.equal((await reviewer('POST', '/v1/proposals', change)).statusCode, 403);
      assert.equal((await analyst('POST', '/v1/proposals', change)).statusCode, 403);
      const created = await investigator('POST', '/v1/proposals', change);
      assert.equal(created.statusCode, 201, created.body);
      const id = (created.json() as { proposal: { id: string; status: string } }).proposal.id;

      // Reading: investigators, and policy (who approves what it reads); not an analyst or a reviewer.
      assert.equal((await policy('GET', `/v1/proposals/${id}`)).statusCode, 200);
      assert.equal((await investigator('GET', '/v1/proposals')).statusCode, 200);
      assert.deepEqual(errorOf(await analyst('GET', '/v1/proposals')), [403, 'forbidden']);
      assert.deepEqual(errorOf(await reviewer('GET', `/v1/proposals/${id}/watch`)), [403, 'forbidden']);
      assert.deepEqual(errorOf(await investigator('GET', '/v1/proposals/01NOSUCH')), [404, 'not_found']);

      const badDays = await investigator('POST', `/v1/proposals/${id}/backtest`, { days: 0 });
      assert.equal(badDays.statusCode, 400);
      assert.match(messageOf(badDays), /body\.days/);
      const bt = await investigator('POST', `/v1/proposals/${id}/backtest`, { days: 7 });
      assert.equal(bt.statusCode, 200, bt.body);
      assert.equal((bt.json() as { report: { items: number } }).report.items, 1);

      const noNote = await policy('POST', `/v1/proposals/${id}/approve`, {});
      assert.equal(noNote.statusCode, 400);
      assert.match(messageOf(noNote), /body\.note/);
      assert.deepEqual(errorOf(await investigator('POST', `/v1/proposals/${id}/approve`, { note: 'mine' })), [403, 'forbidden']);
      const approved = await policy('POST', `/v1/proposals/${id}/approve`, { note: 'right call' });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal((approved.json() as { proposal: { decidedBy: string } }).proposal.decidedBy, 'user:policy@test.local');
      const audit = await f.haven.store.db.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', id).execute();
      assert.deepEqual(audit.map((a) => [a.action, a.actor]), [['proposal.approve', 'user:policy@test.local']]);

      // A policy member's own proposal needs another policy member.
      const own = (await policy('POST', '/v1/proposals', { ...change, title: 'mine' })).json() as { proposal: { id: string } };
      await policy('POST', `/v1/proposals/${own.proposal.id}/backtest`, {});
      assert.deepEqual(errorOf(await policy('POST', `/v1/proposals/${own.proposal.id}/approve`, { note: 'self' })), [403, 'second_person_required']);
      assert.equal((await policy2('POST', `/v1/proposals/${own.proposal.id}/reject`, { note: 'not now' })).statusCode, 200);

      const deployed = await investigator('POST', `/v1/proposals/${id}/deploy`, {});
      assert.equal(deployed.statusCode, 200, deployed.body);
      assert.equal((deployed.json() as { proposal: { status: string } }).proposal.status, 'deployed');
      const watch = await policy('GET', `/v1/proposals/${id}/watch`);
      assert.equal((watch.json() as { watch: { status: string } }).watch.status, 'watching');
      const figures = await investigator('GET', '/v1/loop/figures?since=30d');
      assert.equal(figures.statusCode, 200);
      assert.match(messageOf(await investigator('GET', '/v1/loop/figures?since=soon')), /query\.since/);

      // What-if: items through today's and the proposed configuration; nothing written but its record.
      const both = await investigator('POST', '/v1/what-if', { itemIds: [item.itemId], escalationId: 'x' });
      assert.equal(both.statusCode, 400);
      assert.match(messageOf(both), /body\.itemIds/);
      assert.deepEqual(errorOf(await analyst('POST', '/v1/what-if', { itemIds: [item.itemId] })), [403, 'forbidden']);
      const decisions = async () => (await f.haven.store.db.selectFrom('decisions').select('id').execute()).length;
      const n = await decisions();
      const wi = await investigator('POST', '/v1/what-if', { itemIds: [item.itemId], overrides: { policy: { defaults: { actionThreshold: 0.9, reviewThreshold: 0.5 }, categories: {} } } });
      assert.equal(wi.statusCode, 200, wi.body);
      const body = wi.json() as { environment: string; items: { itemId: string; recorded: unknown; today: { verdict: string }; proposed: { verdict: string } }[] };
      assert.equal(body.environment, 'spot');
      assert.deepEqual(body.items.map((i) => i.itemId), [item.itemId]);
      assert.ok(body.items[0]?.proposed);
      assert.equal(await decisions(), n);
    } finally {
      await f.close();
    }
  });
});
