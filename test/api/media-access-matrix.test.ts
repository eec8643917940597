import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { fromJson } from '../../src/store/db.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { allowedCallers, CALLERS, type Caller, MATRIX } from './authorization-matrix.js';
import { apiFixture, PASSWORD } from './setup.js';

// access.test.ts proves one reviewer's view is audited and analysts/admins are refused; this proves it for every
// caller against the matrix, for evidence snapshots too, and that no other route hands out the bytes.

type Headers = Record<string, string>;
const ROLES_IN_MATRIX: readonly Caller[] = CALLERS.filter((c) => c !== 'anonymous' && c !== 'platform');
const labelOf = (c: Caller) => (c === 'platform' ? 'api_key:platform' : `user:${c}@test.local`);

async function sessionHeaders(app: FastifyInstance, role: string): Promise<Headers> {
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: `${role}@test.local`, password: PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.find((c) => c.name.endsWith('haven_session'));
  assert.ok(cookie);
  return { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
}

test('original media and evidence: only the matrix\'s roles get them, every view is audited and traced, no other route leaks bytes', { timeout: 180_000 }, async (t) => {
  await forEachBackend(t, async (backend, bt) => {
    const f = await apiFixture(backend);
    try {
      for (const role of ['ops_manager', 'investigator', 'legal'] as const) {
        await f.haven.auth.createUser({ email: `${role}@test.local`, name: role, password: PASSWORD, roles: [role] }, 'test');
      }
      const platform = await f.haven.auth.createApiKey({ name: 'platform', scopes: ['items:write', 'items:read', 'appeals:write'] }, 'test');
      const headersOf = new Map<Caller, Headers>([['anonymous', {}], ['platform', { authorization: `Bearer ${platform.key}` }]]);
      for (const role of ROLES_IN_MATRIX) headersOf.set(role, await sessionHeaders(f.app, role));

      // A banked image: the match preserves an evidence record of the item.
      const img = await patternPng(21);
      const bank = await f.haven.banks.create({ name: 'known', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const ingest = await f.app.inject({
        method: 'POST', url: '/v1/items', headers: f.auth(),
        payload: { externalId: 'media-1', surface: 'public_post', author: { externalId: 'media-author', ageBand: 'adult' }, media: [{ data: img.toString('base64') }] },
      });
      assert.equal(ingest.statusCode, 202, ingest.body);
      const itemId = ingest.json().itemId as string;
      await f.drain();
      const view = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json();
      const mediaId = view.item.media[0].id as string;
      const evidence = (await f.app.inject({ method: 'GET', url: `/v1/evidence?item=${itemId}`, headers: headersOf.get('legal')! })).json().evidence;
      assert.equal(evidence.length, 1, 'the bank match preserved evidence');
      const evidenceId = evidence[0].id as string;

      const db = f.haven.store.db;
      const audited = async (action: string) =>
        (await db.selectFrom('audit_log').select(['actor', 'target_type', 'target_id', 'details']).where('action', '=', action).orderBy('seq').execute());
      const traced = async (type: string) =>
        ((await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json().events as { type: string; actor: string; payload: Record<string, unknown> }[])
          .filter((e) => e.type === type);

      await bt.test('original bytes: served to the matrix\'s roles only, each view audited and on the item\'s trace', async () => {
        const allowed = allowedCallers('GET /v1/media/:id');
        assert.ok(!allowed.has('admin') && !allowed.has('analyst') && !allowed.has('platform'), 'the matrix itself keeps admins, analysts and keys away');
        for (const caller of CALLERS) {
          const res = await f.app.inject({ method: 'GET', url: `/v1/media/${mediaId}`, headers: headersOf.get(caller)! });
          if (allowed.has(caller)) {
            assert.equal(res.statusCode, 200, `${caller}: ${res.body}`);
            assert.deepEqual(res.rawPayload, img);
            assert.equal(res.headers['cache-control'], 'private, no-store');
          } else {
            assert.equal(res.statusCode, caller === 'anonymous' ? 401 : 403, caller);
            assert.ok(!res.rawPayload.includes(img.subarray(0, 64)), `${caller} got no bytes`);
          }
        }
        const viewers = [...allowed].map(labelOf).sort();
        const rows = await audited('media.view');
        assert.deepEqual(rows.map((r) => r.actor).sort(), viewers, 'one media.view row per served view');
        for (const r of rows) {
          assert.deepEqual([r.target_type, r.target_id], ['media', mediaId]);
          assert.equal(fromJson<{ itemId: string }>(r.details).itemId, itemId);
        }
        const refusedBy = CALLERS.filter((c) => !allowed.has(c) && c !== 'anonymous').map(labelOf).sort();
        const refusals = await audited('media.view.refused');
        assert.deepEqual(refusals.map((r) => r.actor).sort(), refusedBy, 'each refused, identified caller is on record');
        assert.ok(refusals.every((r) => r.target_id === mediaId && fromJson<{ refused: boolean }>(r.details).refused));
        const events = await traced('media_viewed');
        assert.deepEqual(events.map((e) => e.actor).sort(), viewers);
        assert.ok(events.every((e) => e.payload.mediaId === mediaId));
      });

      await bt.test('evidence snapshots: served to the matrix\'s roles only, each read audited and on the item\'s trace', async () => {
        const allowed = allowedCallers('GET /v1/evidence/:id');
        assert.deepEqual([...allowed].sort(), ['investigator', 'legal']);
        for (const caller of CALLERS) {
          const res = await f.app.inject({ method: 'GET', url: `/v1/evidence/${evidenceId}`, headers: headersOf.get(caller)! });
          if (allowed.has(caller)) {
            assert.equal(res.statusCode, 200, `${caller}: ${res.body}`);
            assert.equal(res.json().snapshot.item.id, itemId);
          } else {
            assert.equal(res.statusCode, caller === 'anonymous' ? 401 : 403, caller);
            assert.ok(!res.body.includes('snapshot'), `${caller} got no snapshot`);
          }
        }
        const readers = [...allowed].map(labelOf).sort();
        const rows = await audited('evidence.view');
        assert.deepEqual(rows.map((r) => r.actor).sort(), readers);
        assert.ok(rows.every((r) => r.target_type === 'evidence' && r.target_id === evidenceId));
        assert.deepEqual((await traced('evidence_viewed')).map((e) => e.actor).sort(), readers);
        const refusedBy = CALLERS.filter((c) => !allowed.has(c) && c !== 'anonymous').map(labelOf).sort();
        assert.deepEqual((await audited('evidence.view.refused')).map((r) => r.actor).sort(), refusedBy);
      });

      await bt.test('no other GET route a caller may use returns the bytes, so every way to them is audited', async () => {
        const real: [RegExp, string][] = [
          [/^\/v1\/items\/:id/, itemId], [/^\/v1\/media\/:id/, mediaId], [/^\/v1\/evidence\/:id/, evidenceId], [/^\/v1\/accounts\/:id/, 'media-author'],
        ];
        const fill = (path: string) => {
          const hit = real.find(([re]) => re.test(path));
          const filled = path.replace(/:[A-Za-z_]+/, hit ? hit[1] : 'none').replace(/:[A-Za-z_]+/g, 'none');
          return path === '/v1/evidence' ? `${filled}?item=${itemId}` : filled;
        };
        const bytesViews = new Set(['GET /v1/media/:id', 'GET /v1/review/media/:mediaId']);
        const base64 = img.toString('base64').slice(0, 200);
        const before = (await audited('media.view')).length;
        let swept = 0;
        let answered = 0;
        for (const route of Object.keys(MATRIX).filter((r) => r.startsWith('GET ') && !bytesViews.has(r))) {
          const path = fill(route.slice(4));
          for (const caller of allowedCallers(route)) {
            const res = await f.app.inject({ method: 'GET', url: path, headers: headersOf.get(caller)! });
            swept++;
            if (res.statusCode === 200) answered++;
            assert.ok(!res.rawPayload.includes(img.subarray(0, 256)) && !res.body.includes(base64), `${route} as ${caller} returned the media bytes`);
          }
        }
        assert.ok(swept > 300 && answered > swept / 2, `swept ${swept} route x caller pairs, ${answered} answered 200`);
        assert.equal((await audited('media.view')).length, before, 'nothing else counted as a view');
      });
    } finally {
      await f.close();
    }
  }, { rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9, loginMaxFailures: 1e9 });
});
