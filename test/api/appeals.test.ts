import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

test('appeals over HTTP: filed by the platform, resolved by a senior reviewer, counted in precision', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      const { key: appealsKey } = await f.haven.auth.createApiKey({ name: 'platform-appeals', scopes: ['appeals:write'] }, 'test');
      const img = await patternPng(41);
      const bank = await f.haven.banks.create({ name: 'k', description: '', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const ingest = async (payload: Record<string, unknown>) => (await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload })).json() as { itemId: string };
      const banked = await ingest({ externalId: 'img', surface: 'public_post', author: { externalId: 'a' }, media: [{ data: img.toString('base64') }] });
      const benign = await ingest({ externalId: 'txt', surface: 'public_post', author: { externalId: 'a' }, text: 'see you at practice' });
      await f.drain();
      const undecided = await ingest({ externalId: 'later', surface: 'public_post', author: { externalId: 'a' }, text: 'another note' });

      const appeal = (itemId: string, payload: Record<string, unknown>, k = appealsKey) =>
        f.app.inject({ method: 'POST', url: `/v1/items/${itemId}/appeals`, headers: f.auth(k), payload });
      assert.equal((await appeal(banked.itemId, { reason: 'not what it looks like' }, f.key)).statusCode, 403, 'items:write is not appeals:write');
      const errorOf = (r: { statusCode: number; json(): unknown }) => [r.statusCode, (r.json() as { error: { code: string } }).error.code];
      assert.deepEqual(errorOf(await appeal(undecided.itemId, { reason: 'x' })), [409, 'no_decision']);
      assert.deepEqual(errorOf(await appeal(benign.itemId, { reason: 'x' })), [409, 'not_actioned']);
      assert.deepEqual(errorOf(await appeal('01NOSUCHITEM', { reason: 'x' })), [404, 'not_found']);
      assert.deepEqual(errorOf(await appeal(banked.itemId, { reason: '' })), [400, 'invalid_request']);

      const filed = await appeal(banked.itemId, { reason: 'not what it looks like', appellant: 'a' });
      assert.equal(filed.statusCode, 201);
      const appealId = (filed.json() as { appeal: { id: string; status: string } }).appeal.id;
      const again = await appeal(banked.itemId, { reason: 'please' });
      assert.deepEqual([again.statusCode, (again.json() as { appeal: { id: string }; created: boolean }).appeal.id], [200, appealId]);

      const open = (await f.app.inject({ method: 'GET', url: '/v1/appeals?status=open', headers: f.auth(f.readOnlyKey) })).json() as { appeals: { id: string }[] };
      assert.deepEqual(open.appeals.map((a) => a.id), [appealId]);

      const resolve = async (role: string, payload: Record<string, unknown>, id = appealId) => {
        const s = await f.login(role);
        return f.app.inject({ method: 'POST', url: `/v1/appeals/${id}/resolve`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });
      };
      assert.equal((await resolve('reviewer', { outcome: 'overturned', reason: 'x' })).statusCode, 403, 'needs appeals:decide');
      const bad = await resolve('senior_reviewer', { outcome: 'maybe', reason: 'x' });
      assert.equal(bad.statusCode, 400);
      assert.match((bad.json() as { error: { message: string } }).error.message, /body\.outcome: outcome must be "upheld" or "overturned"/);
      assert.deepEqual(errorOf(await resolve('senior_reviewer', { outcome: 'upheld', reason: 'x' }, '01NOSUCHAPPEAL')), [404, 'not_found']);

      const done = await resolve('senior_reviewer', { outcome: 'overturned', reason: 'the bank entry was wrong' });
      assert.equal(done.statusCode, 200, done.body);
      const body = done.json() as { appeal: { status: string; resolvedBy: string }; cancelled: { type: string }[]; reversals: { type: string }[] };
      assert.equal(body.appeal.status, 'overturned');
      assert.equal(body.appeal.resolvedBy, 'user:senior_reviewer@test.local');
      // No webhook configured: block and disable never left Haven, so they are withdrawn rather than reversed.
      assert.deepEqual(body.cancelled.map((c) => c.type).sort(), ['block', 'disable']);
      assert.deepEqual(body.reversals, []);
      assert.deepEqual(errorOf(await resolve('senior_reviewer', { outcome: 'upheld', reason: 'again' })), [409, 'appeal_closed']);
      assert.deepEqual(errorOf(await appeal(banked.itemId, { reason: 'once more' })), [409, 'appeal_closed']);

      const trace = (await f.app.inject({ method: 'GET', url: `/v1/items/${banked.itemId}`, headers: f.auth(f.readOnlyKey) })).json() as { events: { type: string; payload: { outcome?: string } }[] };
      assert.equal(trace.events.find((e) => e.type === 'appeal_resolved')?.payload.outcome, 'overturned');

      const precision = await f.app.inject({ method: 'GET', url: '/v1/stats/precision', headers: f.auth(f.readOnlyKey) });
      assert.equal(precision.statusCode, 200);
      const report = precision.json() as { definition: string; byPolicyVersion: unknown[] };
      assert.deepEqual(report.byPolicyVersion, [{ policyVersion: 1, actioned: 1, appealed: 1, overturned: 1, precision: 0 }]);
      assert.match(report.definition, /1 - overturned \/ actioned/);
    } finally {
      await f.close();
    }
  });
});
