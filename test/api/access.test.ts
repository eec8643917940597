import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { verifyAudit } from '../../src/store/repos/audit.js';
import { patternPng } from '../helpers/images.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

test('sessions, roles, audited media access and versioned configuration', async (t) => {
  const backend = await makeBackend('sqlite');
  const f = await apiFixture(backend);
  t.after(async () => {
    await f.close();
    await backend.cleanup();
  });
  const img = await patternPng(12);
  const ingest = await f.app.inject({
    method: 'POST', url: '/v1/items', headers: f.auth(),
    payload: { externalId: 'img1', surface: 'public_post', media: [{ data: img.toString('base64') }] },
  });
  const itemId = ingest.json().itemId as string;
  await f.drain();
  const mediaId = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json().item.media[0].id as string;

  await t.test('login refuses a wrong password with 401 and audits the attempt', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'reviewer@test.local', password: 'nope-nope-nope' } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.message, 'wrong email or password');
    const unknown = await f.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'ghost@test.local', password: PASSWORD } });
    assert.equal(unknown.statusCode, 401);
    const failed = await f.haven.store.db.selectFrom('audit_log').select('action').where('action', '=', 'login.failed').execute();
    assert.equal(failed.length, 2);
  });

  await t.test('a session cookie is httpOnly and SameSite=Strict, and me returns the roles', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'analyst@test.local', password: PASSWORD } });
    const c = res.cookies.find((x) => x.name === 'haven_session');
    assert.equal(c?.httpOnly, true);
    assert.equal(c?.sameSite, 'Strict');
    const me = await f.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: `haven_session=${c?.value}` } });
    assert.deepEqual(me.json().user.roles, ['analyst']);
    assert.ok(!me.json().user.permissions.includes('media:view'));
  });

  await t.test('a state-changing request from a session needs the CSRF token', async () => {
    const s = await f.login('senior_reviewer');
    const without = await f.app.inject({ method: 'POST', url: '/v1/banks', headers: { cookie: s.cookie }, payload: { name: 'x' } });
    assert.equal(without.statusCode, 403);
    assert.match(without.json().error.message, /x-csrf-token/);
    const withToken = await f.app.inject({ method: 'POST', url: '/v1/banks', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { name: 'x' } });
    assert.equal(withToken.statusCode, 201);
  });

  await t.test('everyone who reads items gets only a blurred preview; originals need media:view and are audited', async () => {
    const analyst = await f.login('analyst');
    const preview = await f.app.inject({ method: 'GET', url: `/v1/media/${mediaId}/preview`, headers: { cookie: analyst.cookie } });
    assert.equal(preview.statusCode, 200);
    assert.equal(preview.headers['content-type'], 'image/webp');
    assert.notDeepEqual(preview.rawPayload, img);
    for (const role of ['analyst', 'admin']) {
      const s = await f.login(role);
      const res = await f.app.inject({ method: 'GET', url: `/v1/media/${mediaId}`, headers: { cookie: s.cookie } });
      assert.equal(res.statusCode, 403, `${role} must not see media`);
    }
    const reviewer = await f.login('reviewer');
    const original = await f.app.inject({ method: 'GET', url: `/v1/media/${mediaId}`, headers: { cookie: reviewer.cookie } });
    assert.equal(original.statusCode, 200);
    assert.deepEqual(original.rawPayload, img);
    assert.equal(original.headers['cache-control'], 'private, no-store');
    const views = await f.haven.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'media.view').execute();
    assert.deepEqual(views.map((v) => [v.actor, v.target_id]), [['user:reviewer@test.local', mediaId]]);
    const trace = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json();
    assert.equal(trace.events.filter((e: { type: string }) => e.type === 'media_viewed').length, 1);
  });

  await t.test('media is encrypted at rest', async () => {
    const blob = await f.haven.store.db.selectFrom('media_blobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(Buffer.from(blob.ciphertext).length, img.length);
    assert.notDeepEqual(Buffer.from(blob.ciphertext), img);
  });

  await t.test('policy staff deploy a new policy version; others cannot; bad policies are refused', async () => {
    const policy = await f.login('policy');
    const headers = { cookie: policy.cookie, 'x-csrf-token': policy.csrf };
    const next = { ...DEFAULT_POLICY, categories: { ...DEFAULT_POLICY.categories, 'CSE-13': { actionThreshold: 0.99, reviewThreshold: 0.2 } } };
    const ok = await f.app.inject({ method: 'PUT', url: '/v1/policy', headers, payload: { document: next, reason: 'catch more early contact' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().version, 2);
    const invalid = await f.app.inject({
      method: 'PUT', url: '/v1/policy', headers,
      payload: { document: { ...next, defaults: { actionThreshold: 0.5, reviewThreshold: 0.9 } }, reason: 'oops' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.json().error.message, /document\.defaults: reviewThreshold must not exceed actionThreshold/);
    const unknownAction = await f.app.inject({
      method: 'PUT', url: '/v1/policy', headers,
      payload: { document: { ...next, categories: { 'CSE-13': { actions: ['delete_everything'] } } }, reason: 'oops' },
    });
    assert.equal(unknownAction.statusCode, 400);
    assert.match(unknownAction.json().error.message, /document\.categories\.CSE-13\.actions\.0: .*"remove"/);
    const noThreshold = await f.app.inject({
      method: 'PUT', url: '/v1/policy', headers, payload: { document: { ...next, defaults: { reviewThreshold: 0.5 } }, reason: 'oops' },
    });
    assert.equal(noThreshold.statusCode, 400);
    assert.match(noThreshold.json().error.message, /document\.defaults\.actionThreshold/);
    const reviewer = await f.login('reviewer');
    const denied = await f.app.inject({ method: 'PUT', url: '/v1/policy', headers: { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf }, payload: { document: next, reason: 'no' } });
    assert.equal(denied.statusCode, 403);

    const r = await f.app.inject({
      method: 'POST', url: '/v1/items', headers: f.auth(),
      payload: { externalId: 'dm1', surface: 'direct_message', text: 'we can talk on another app', author: { externalId: 'a1' } },
    });
    await f.drain();
    const v = (await f.app.inject({ method: 'GET', url: `/v1/items/${r.json().itemId}`, headers: f.auth() })).json();
    assert.equal(v.decision.policyVersion, 2);
    assert.equal(v.decision.verdict, 'needs_review', 'score 0.35 >= the new review threshold 0.2');
    const versions = (await f.app.inject({ method: 'GET', url: '/v1/policy/versions', headers: { cookie: policy.cookie } })).json().versions;
    assert.deepEqual(versions.map((x: { version: number; reason: string }) => [x.version, x.reason]), [[2, 'catch more early contact'], [1, 'initial version']]);
  });

  await t.test('the audit chain is intact after all of the above', async () => {
    const r = await verifyAudit(f.haven.store.db);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.ok(r.rows > 10);
  });

  await t.test('health, readiness, metrics and OpenAPI are served', async () => {
    assert.equal((await f.app.inject({ method: 'GET', url: '/healthz' })).json().status, 'ok');
    const ready = (await f.app.inject({ method: 'GET', url: '/readyz' })).json();
    assert.equal(ready.status, 'ready');
    assert.ok(ready.jobs.done >= 2);
    const metrics = await f.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /haven_items_processed_total\{verdict="no_violation"\} \d+/);
    const spec = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(spec.paths['/v1/items'].post);
    assert.ok(spec.paths['/v1/items/{id}'].get.parameters.some((p: { name: string }) => p.name === 'id'));
    assert.equal(spec.paths['/v1/banks/{id}/entries'].post['x-haven-permission'], 'banks:write');
    const unknown = await f.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: f.auth() });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().error.message, /no route GET \/v1\/nothing-here/);
  });
});
