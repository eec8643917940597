import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLANTED } from '../../src/demo/planted.js';
import { startHaven } from '../helpers/haven.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

test('network routes: analytics:read only, and bad queries are 400s naming the problem', async () => {
  const backend = await makeBackend('sqlite');
  const f = await apiFixture(backend);
  try {
    const as = async (role: string, url: string) => {
      const s = await f.login(role);
      return f.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
    };
    for (const url of ['/v1/analytics/networks', '/v1/analytics/repeat-offenders', '/v1/analytics/ban-evasion', '/v1/analytics/networks/c_x']) {
      assert.equal((await as('reviewer', url)).statusCode, 403, url);
      assert.equal((await f.app.inject({ method: 'GET', url })).statusCode, 401, url);
    }
    const ok = await as('analyst', '/v1/analytics/networks?since=7d');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual((ok.json() as { communities: unknown[] }).communities, []);
    const bad = async (url: string, pattern: RegExp) => {
      const r = await as('analyst', url);
      assert.equal(r.statusCode, 400, url);
      assert.match((r.json() as { error: { message: string } }).error.message, pattern);
    };
    await bad('/v1/analytics/networks?since=forever', /query\.since must be a number of hours or days/);
    await bad('/v1/analytics/networks?since=365d', /at most 90d/);
    await bad('/v1/analytics/networks?limit=0', /limit/);
    await bad('/v1/analytics/networks?colour=red', /colour/);
    await bad('/v1/analytics/repeat-offenders?min=1', /min/);
    await bad('/v1/analytics/ban-evasion?until=yesterday', /until must be an ISO 8601 time/);
    await bad('/v1/analytics/networks/not-a-community', /communityId looks like c_/);
    assert.equal((await as('analyst', '/v1/analytics/networks/c_NOSUCH')).statusCode, 404);
    assert.equal((await as('analyst', '/v1/analytics/networks/accounts/nobody')).statusCode, 404);
  } finally {
    await f.close();
    await backend.cleanup();
  }
});

test('on the demo world the planted ring ranks first and the new account is flagged as likely ban evasion', async () => {
  const h = await startHaven();
  try {
    const login = await fetch(`${h.url}/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: h.analystEmail, password: h.password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const get = async (path: string) => (await fetch(`${h.url}${path}`, { headers: { cookie } })).json() as Promise<Record<string, unknown>>;
    const ranking = (await get('/v1/analytics/networks')) as { communities: { id: string; members: { externalId: string }[]; reasons: { kind: string }[] }[] };
    const top = ranking.communities[0];
    const members = new Set(top?.members.map((m) => m.externalId));
    for (const m of PLANTED.network.members) assert.ok(members.has(m), `${m} in ${[...members].join(',')}`);
    assert.ok(top?.reasons.some((r) => r.kind === 'shared_bank_entries'));
    assert.ok(top?.reasons.some((r) => r.kind === 'minor_contacts'));
    const evasion = (await get('/v1/analytics/ban-evasion')) as { flags: { externalId: string }[] };
    assert.ok(evasion.flags.some((f) => f.externalId === PLANTED.network.evader), JSON.stringify(evasion.flags.map((f) => f.externalId)));
    const view = (await get(`/v1/analytics/networks/accounts/${PLANTED.network.disabled}`)) as { community: { id: string }; edges: unknown[] };
    assert.equal(view.community.id, top?.id);
    assert.ok(view.edges.length > 0);
  } finally {
    await h.close();
  }
});
