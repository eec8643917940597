import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { API_KEY_SCOPES, PERMISSIONS } from '../../src/core/roles.js';
import { makeBackend } from '../helpers/stores.js';
import { allowedCallers, CALLERS, type Caller, MATRIX, OUTSIDE_ROUTE_TABLE } from './authorization-matrix.js';
import { apiFixture, PASSWORD } from './setup.js';

type Headers = Record<string, string>;
interface Answer {
  statusCode: number;
  body: string;
}

const BOGUS = 'matrix-no-such-id';
const ROLES_IN_MATRIX: readonly Caller[] = CALLERS.filter((c) => c !== 'anonymous' && c !== 'platform');

/** Logs in and returns the headers of that session; the cookie's name is read from the answer (it may be __Host-). */
async function sessionHeaders(app: FastifyInstance, role: string): Promise<Headers> {
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: `${role}@test.local`, password: PASSWORD } });
  assert.equal(res.statusCode, 200, `login ${role}: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name.endsWith('haven_session'));
  assert.ok(cookie, `login ${role} sets the session cookie (got ${res.cookies.map((c) => c.name).join(', ')})`);
  return { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
}

/** Every method and path Fastify serves (HEAD aside), from its route tree. */
function servedRoutes(app: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.add(`${method} ${stack.join('')}`);
  }
  return out;
}

function errorOf(res: Answer): { code?: string; message?: string } {
  try {
    return (JSON.parse(res.body) as { error?: { code?: string; message?: string } }).error ?? {};
  } catch {
    return {};
  }
}

test('the authorization matrix holds for every route and every caller', { timeout: 300_000 }, async (t) => {
  const backend = await makeBackend('sqlite', { rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9, loginMaxFailures: 1e9 });
  const f = await apiFixture(backend);
  t.after(async () => {
    await f.close();
    await backend.cleanup();
  });
  for (const role of ['ops_manager', 'investigator', 'legal'] as const) {
    await f.haven.auth.createUser({ email: `${role}@test.local`, name: role, password: PASSWORD, roles: [role] }, 'test');
  }
  const platform = await f.haven.auth.createApiKey({ name: 'platform', scopes: ['items:write', 'items:read', 'appeals:write'] }, 'test');
  const headersOf = new Map<Caller, Headers>([['anonymous', {}], ['platform', { authorization: `Bearer ${platform.key}` }]]);
  for (const role of ROLES_IN_MATRIX) headersOf.set(role, await sessionHeaders(f.app, role));

  const spec = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { 'x-haven-permission'?: string; security?: unknown[] }>>;
  };
  /** 'GET /v1/items/:id' -> what /openapi.json says it needs: a permission list, 'authenticated', or null (public). */
  const documented = new Map<string, string | null>();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      documented.set(`${method.toUpperCase()} ${path.replace(/\{([A-Za-z_]+)\}/g, ':$1')}`, op['x-haven-permission'] ?? null);
    }
  }

  await t.test('every route the server serves has a matrix line, and every line a route', () => {
    const served = servedRoutes(f.app);
    assert.ok(served.size > 100, `the route tree was read (${served.size} routes)`);
    const lines = new Set(Object.keys(MATRIX));
    assert.deepEqual([...served].filter((r) => !lines.has(r)).sort(), [], 'served routes without a matrix line: add one to test/api/authorization-matrix.ts');
    assert.deepEqual([...lines].filter((r) => !served.has(r)).sort(), [], 'matrix lines for routes the server does not serve');
    const inTable = [...lines].filter((r) => !OUTSIDE_ROUTE_TABLE.includes(r));
    assert.deepEqual([...documented.keys()].filter((r) => !lines.has(r)).sort(), [], 'routes in /openapi.json without a matrix line');
    assert.deepEqual(inTable.filter((r) => !documented.has(r)).sort(), [], 'matrix lines missing from /openapi.json');
    for (const route of lines) allowedCallers(route); // every name in the table is a caller
  });

  async function call(route: string, headers: Headers): Promise<Answer> {
    const [method, path] = route.split(' ') as [string, string];
    return f.app.inject({ method: method as 'GET', url: path.replace(/:[A-Za-z_]+/g, BOGUS), headers });
  }

  await t.test('allowed callers pass the permission check; the others get 401 (anonymous) or the 403 naming the permission', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of Object.keys(MATRIX)) {
      const allowed = allowedCallers(route);
      const needs = documented.get(route);
      const refusal = needs && needs !== 'authenticated' ? `this needs the ${needs.split(' | ').join(' or ')} permission` : null;
      const logout = route === 'POST /v1/auth/logout';
      for (const caller of CALLERS) {
        // Logging out ends the session: use a throwaway one so the others stay valid.
        const headers = logout && ROLES_IN_MATRIX.includes(caller) ? await sessionHeaders(f.app, caller) : headersOf.get(caller)!;
        const res = await call(route, headers);
        const err = errorOf(res);
        const deniedByCheck = (res.statusCode === 401 && err.code === 'unauthenticated') || (res.statusCode === 403 && err.code === 'forbidden' && /^this needs the .+ permission$/.test(err.message ?? ''));
        const got = `${res.statusCode} ${err.code ?? ''} ${err.message ?? ''}`.trim();
        checked++;
        if (err.code === 'csrf') wrong.push(`${route} as ${caller}: CSRF refusal (the test must send the token): ${got}`);
        else if (allowed.has(caller)) {
          if (deniedByCheck) wrong.push(`${route} as ${caller}: allowed by the matrix but refused: ${got}`);
          else if (res.statusCode >= 500) wrong.push(`${route} as ${caller}: allowed, but the server failed on a bogus request: ${got}`);
        } else if (caller === 'anonymous') {
          if (res.statusCode !== 401 || err.code !== 'unauthenticated') wrong.push(`${route} as anonymous: expected 401, got ${got}`);
        } else if (res.statusCode !== 403 || err.message !== refusal) {
          wrong.push(`${route} as ${caller}: expected 403 "${refusal}", got ${got}`);
        }
      }
    }
    assert.equal(checked, Object.keys(MATRIX).length * CALLERS.length);
    assert.deepEqual(wrong, []);
  });

  await t.test('an API key reaches exactly the routes its scopes name; keys never carry a person\'s permissions', async () => {
    const gated = [...documented].filter((e): e is [string, string] => e[1] !== null && e[1] !== 'authenticated');
    const wrong: string[] = [];
    for (const scope of API_KEY_SCOPES) {
      const { key } = await f.haven.auth.createApiKey({ name: `only-${scope}`, scopes: [scope] }, 'test');
      for (const [route, needs] of gated) {
        const res = await call(route, { authorization: `Bearer ${key}` });
        const err = errorOf(res);
        const refused = res.statusCode === 403 && err.code === 'forbidden' && err.message === `this needs the ${needs.split(' | ').join(' or ')} permission`;
        if (refused === needs.split(' | ').includes(scope)) wrong.push(`${route} with a ${scope} key: ${res.statusCode} ${err.code ?? ''}`);
      }
    }
    assert.deepEqual(wrong, []);

    // An admin may create keys, but not one that would open what the admin role withholds.
    const admin = headersOf.get('admin')!;
    for (const scope of PERMISSIONS.filter((p) => !API_KEY_SCOPES.includes(p))) {
      const res = await f.app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'escalate', scopes: ['items:read', scope] } });
      assert.equal(res.statusCode, 400, `${scope}: ${res.body}`);
      assert.match(errorOf(res).message ?? '', new RegExp(`only people hold, never API keys: ${scope};`));
    }
    const ok = await f.app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'ingest', scopes: ['items:write'] } });
    assert.equal(ok.statusCode, 201, ok.body);

    // A key stored with such a scope (created before the restriction) does not get it.
    const legacy = await f.haven.auth.createApiKey({ name: 'legacy', scopes: ['items:read'] }, 'test');
    await f.haven.store.db.updateTable('api_keys').set({ scopes: JSON.stringify(['items:read', 'media:view', 'evidence:read']) }).where('id', '=', legacy.record.id).execute();
    for (const url of [`/v1/media/${BOGUS}`, `/v1/evidence/${BOGUS}`]) {
      const res = await f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${legacy.key}` } });
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
      assert.equal(errorOf(res).code, 'forbidden');
    }
    assert.equal((await f.app.inject({ method: 'GET', url: '/v1/items', headers: { authorization: `Bearer ${legacy.key}` } })).statusCode, 200);
  });
});
