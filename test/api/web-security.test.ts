// Web security of the HTTP API: Secure __Host- session cookies and HSTS behind TLS, CSRF on session writes, rate
// limits per API key, per person and per address, and login throttling that holds even for the right password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven } from '../../src/app.js';
import { buildServer } from '../../src/api/server.js';
import type { HavenConfig } from '../../src/config.js';
import { testLogger } from '../helpers/logging.js';
import { forEachBackend, makeBackend } from '../helpers/stores.js';

const PASSWORD = 'correct-horse-battery';

async function fixture(overrides: Partial<HavenConfig>, backendName: 'sqlite' | 'postgres' = 'sqlite') {
  const backend = await makeBackend(backendName, overrides);
  let now = Date.parse('2026-11-25T12:00:00Z');
  const clock = { now: () => now };
  const haven = await openHaven(backend.config, { logger: testLogger(), clock });
  const app = await buildServer(haven, { webRoot: null });
  for (const role of ['reviewer', 'analyst']) {
    await haven.auth.createUser({ email: `${role}@test.local`, name: role, password: PASSWORD, roles: [role] }, 'test');
  }
  const login = (email: string, password = PASSWORD, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress });
  return {
    haven, app, login,
    advance: (ms: number) => { now += ms; },
    async close() {
      await app.close();
      await haven.close();
      await backend.cleanup();
    },
  };
}

test('behind TLS the session cookie is Secure with the __Host- prefix, and HSTS is sent', async (t) => {
  const f = await fixture({ secureCookies: true });
  t.after(() => f.close());
  const res = await f.login('reviewer@test.local');
  assert.equal(res.statusCode, 200);
  const cookie = res.cookies.find((c) => c.name === '__Host-haven_session');
  assert.ok(cookie, `cookies: ${JSON.stringify(res.cookies.map((c) => c.name))}`);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/');
  assert.equal(cookie.domain, undefined, '__Host- cookies carry no Domain');
  assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
  assert.match(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
  const me = await f.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: `__Host-haven_session=${cookie.value}` } });
  assert.equal(me.statusCode, 200);
  const plainName = await f.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: `haven_session=${cookie.value}` } });
  assert.equal(plainName.statusCode, 401, 'the un-prefixed name is not read when cookies are secure');
  const out = await f.app.inject({
    method: 'POST', url: '/v1/auth/logout', headers: { cookie: `__Host-haven_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken },
  });
  assert.equal(out.statusCode, 204);
  const cleared = out.cookies.find((c) => c.name === '__Host-haven_session');
  assert.equal(cleared?.secure, true, 'the clearing cookie keeps the attributes the browser needs to replace it');
  const after = await f.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: `__Host-haven_session=${cookie.value}` } });
  assert.equal(after.statusCode, 401, 'the session is gone on the server, not only in the browser');
});

test('a session write needs its own CSRF token: another session\'s token is refused', async (t) => {
  const f = await fixture({ secureCookies: false });
  t.after(() => f.close());
  const a = await f.login('reviewer@test.local');
  const b = await f.login('analyst@test.local');
  const cookieA = `haven_session=${a.cookies.find((c) => c.name === 'haven_session')?.value}`;
  const logout = (headers: Record<string, string>) => f.app.inject({ method: 'POST', url: '/v1/auth/logout', headers });
  assert.equal((await logout({ cookie: cookieA, 'x-csrf-token': b.json().csrfToken })).statusCode, 403);
  assert.equal((await logout({ cookie: cookieA })).statusCode, 403);
  assert.equal((await logout({ cookie: cookieA, 'x-csrf-token': a.json().csrfToken })).statusCode, 204);
});

test('rate limits apply per API key, per person and per address, with Retry-After', async (t) => {
  const f = await fixture({ rateLimitPerMinute: 5, apiKeyRateLimitPerMinute: 8 });
  t.after(() => f.close());
  const { key: keyA } = await f.haven.auth.createApiKey({ name: 'a', scopes: ['taxonomy:read'] }, 'test');
  const { key: keyB } = await f.haven.auth.createApiKey({ name: 'b', scopes: ['taxonomy:read'] }, 'test');
  const get = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    f.app.inject({ method: 'GET', url: '/v1/taxonomy', headers, remoteAddress });

  const codesA: number[] = [];
  for (let i = 0; i < 9; i++) codesA.push((await get({ authorization: `Bearer ${keyA}` })).statusCode);
  assert.deepEqual(codesA, [...Array(8).fill(200), 429], 'the API key budget is 8 per minute');
  const limited = await get({ authorization: `Bearer ${keyA}` });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After names the wait in seconds');
  assert.equal((await get({ authorization: `Bearer ${keyB}` })).statusCode, 200, 'another key has its own budget');

  // People: the budget follows the person, across sessions and addresses.
  const s1 = await f.login('reviewer@test.local', PASSWORD, '10.0.0.1');
  const s2 = await f.login('reviewer@test.local', PASSWORD, '10.0.0.2');
  const cookie = (r: typeof s1) => ({ cookie: `haven_session=${r.cookies.find((c) => c.name === 'haven_session')?.value}` });
  const codes: number[] = [];
  for (let i = 0; i < 3; i++) codes.push((await get(cookie(s1), '10.0.0.1')).statusCode);
  for (let i = 0; i < 3; i++) codes.push((await get(cookie(s2), '10.0.0.2')).statusCode);
  assert.deepEqual(codes, [200, 200, 200, 200, 200, 429]);
  const other = await f.login('analyst@test.local', PASSWORD, '10.0.0.1');
  assert.equal((await get(cookie(other), '10.0.0.1')).statusCode, 200, 'a colleague on the same address is not slowed');

  // Anonymous callers share their address's budget.
  const anon: number[] = [];
  for (let i = 0; i < 6; i++) anon.push((await get({}, '10.0.0.3')).statusCode);
  assert.deepEqual(anon, [401, 401, 401, 401, 401, 429]);
  assert.equal((await get({}, '10.0.0.4')).statusCode, 401, 'another address is not limited');
  // Health probes are never limited.
  for (let i = 0; i < 10; i++) assert.equal((await f.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.3' })).statusCode, 200);
});

test('login throttling', async (t) => {
  await forEachBackend(t, async (backend, st) => {
    await backend.cleanup();
    const f = await fixture({ loginMaxFailures: 3, rateLimitPerMinute: 1e6 }, backend.name);
    st.after(() => f.close());

    await st.test('after the limit even the right password waits, with Retry-After; other people are not slowed', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await f.login('reviewer@test.local', 'wrong-password-1')).statusCode, 401);
      const blocked = await f.login('reviewer@test.local');
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.json().error.code, 'login_throttled');
      assert.equal(blocked.headers['retry-after'], '30');
      assert.equal(blocked.cookies.length, 0, 'no session while throttled');
      assert.equal((await f.login('REVIEWER@test.local')).statusCode, 429, 'the email is matched case-insensitively');
      assert.equal((await f.login('analyst@test.local')).statusCode, 200);
      f.advance(31_000);
      assert.equal((await f.login('reviewer@test.local', 'wrong-password-2')).statusCode, 401);
      const longer = await f.login('reviewer@test.local');
      assert.equal(longer.headers['retry-after'], '60', 'each further failure doubles the wait');
      f.advance(61_000);
      assert.equal((await f.login('reviewer@test.local')).statusCode, 200);
      assert.equal((await f.login('reviewer@test.local', 'wrong-password-3')).statusCode, 401, 'a success forgave the earlier failures');
      assert.equal((await f.login('reviewer@test.local')).statusCode, 200);
    });

    await st.test('one address guessing across many emails is throttled at four times the limit', async () => {
      f.advance(16 * 60_000);
      for (let i = 0; i < 12; i++) {
        assert.equal((await f.login(`nobody${i}@test.local`, 'guess-guess-guess', '203.0.113.9')).statusCode, 401);
      }
      assert.equal((await f.login('reviewer@test.local', PASSWORD, '203.0.113.9')).statusCode, 429);
      assert.equal((await f.login('reviewer@test.local', PASSWORD, '203.0.113.10')).statusCode, 200);
      f.advance(16 * 60_000);
      assert.equal((await f.login('reviewer@test.local', PASSWORD, '203.0.113.9')).statusCode, 200, 'failures age out of the window');
    });
  });
});

test('behind a trusted proxy the client address comes from X-Forwarded-For; from anyone else it is ignored', async (t) => {
  const f = await fixture({ trustProxy: ['10.9.0.1'], loginMaxFailures: 1, rateLimitPerMinute: 1e6 });
  t.after(() => f.close());
  const attempt = (remoteAddress: string, forwardedFor: string) =>
    f.app.inject({
      method: 'POST', url: '/v1/auth/login', remoteAddress, headers: { 'x-forwarded-for': forwardedFor },
      payload: { email: `guess-${Math.random()}@test.local`, password: 'guess-guess-guess' },
    });
  for (let i = 0; i < 4; i++) assert.equal((await attempt('10.9.0.1', '198.51.100.7')).statusCode, 401);
  assert.equal((await attempt('10.9.0.1', '198.51.100.7')).statusCode, 429, 'the client behind the proxy is throttled');
  assert.equal((await attempt('10.9.0.1', '198.51.100.8')).statusCode, 401, 'another client behind the same proxy is not');
  // An untrusted caller cannot dodge the per-address throttle by inventing X-Forwarded-For values.
  for (let i = 0; i < 4; i++) assert.equal((await attempt('192.0.2.5', `203.0.113.${i}`)).statusCode, 401);
  assert.equal((await attempt('192.0.2.5', '203.0.113.99')).statusCode, 429);
});

test('a session unused for HAVEN_SESSION_IDLE_MINUTES ends; one in use stays until its 12 hours are up', async (t) => {
  const f = await fixture({ sessionIdleMs: 30 * 60_000 });
  t.after(() => f.close());
  const cookieOf = async () => {
    const res = await f.login('reviewer@test.local');
    return { cookie: `haven_session=${res.cookies.find((c) => c.name === 'haven_session')?.value}` };
  };
  const me = (headers: Record<string, string>) => f.app.inject({ method: 'GET', url: '/v1/auth/me', headers });

  const busy = await cookieOf();
  for (let i = 0; i < 20; i++) {
    f.advance(25 * 60_000); // used every 25 minutes: never idle for 30
    assert.equal((await me(busy)).statusCode, 200, `still in use after ${(i + 1) * 25} minutes`);
  }
  f.advance(25 * 60_000); // 525 minutes after login
  assert.equal((await me(busy)).statusCode, 200);
  f.advance(4 * 60 * 60_000); // past the 12-hour absolute limit, however busy
  assert.equal((await me(busy)).statusCode, 401);

  const idle = await cookieOf();
  f.advance(29 * 60_000);
  assert.equal((await me(idle)).statusCode, 200);
  f.advance(31 * 60_000);
  assert.equal((await me(idle)).statusCode, 401, 'idle for 31 minutes');
  f.advance(1000);
  assert.equal((await me(idle)).statusCode, 401, 'and it stays ended: the session row is gone');
  const live = await f.haven.store.db.selectFrom('sessions').select('id').where('expires_at', '>', f.haven.clock.now()).execute();
  assert.equal(live.length, 0, 'the idle session was deleted, not merely refused');
});
