import { openHaven, type Haven } from '../../src/app.js';
import { buildServer } from '../../src/api/server.js';
import type { Backend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

export const PASSWORD = 'correct-horse-battery';

/** A server over a fresh backend, with one user per role and a platform API key. No web UI. */
export async function apiFixture(backend: Backend, webhook?: { url: string; secret: string }) {
  const haven: Haven = await openHaven(backend.config, { logger: testLogger(), webhook });
  const app = await buildServer(haven, { webRoot: null });
  for (const role of ['admin', 'reviewer', 'analyst', 'policy', 'senior_reviewer'] as const) {
    await haven.auth.createUser({ email: `${role}@test.local`, name: role, password: PASSWORD, roles: [role] }, 'test');
  }
  const { key } = await haven.auth.createApiKey({ name: 'platform', scopes: ['items:write', 'items:read'] }, 'test');
  const { key: readOnlyKey } = await haven.auth.createApiKey({ name: 'reader', scopes: ['items:read'] }, 'test');

  async function login(role: string) {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: `${role}@test.local`, password: PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${role}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'haven_session');
    return { cookie: `haven_session=${cookie?.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
  }

  return {
    haven,
    app,
    key,
    readOnlyKey,
    login,
    auth: (k = key) => ({ authorization: `Bearer ${k}` }),
    async drain() {
      while ((await haven.worker.runOnce()) > 0) {}
      while (((await haven.outbox?.runOnce()) ?? 0) > 0) {}
    },
    async close() {
      await app.close();
      await haven.close();
    },
  };
}
