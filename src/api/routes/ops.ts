import { NO_LLM_STATUS } from '../../pipeline/llm-stage.js';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { ROLES } from '../../core/roles.js';
import { registry } from '../../metrics.js';
import { verifyAudit } from '../../store/repos/audit.js';
import { jobCounts } from '../../store/repos/jobs.js';
import { outboxCounts } from '../../store/repos/outbox.js';
import { listApiKeys, listUsers } from '../../store/repos/people.js';
import type { RouteTable } from '../route.js';

export function opsRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/healthz', tag: 'operations', access: 'public', summary: 'The process is alive',
    async handler() {
      return { status: 'ok' };
    },
  });

  routes.add({
    method: 'GET', url: '/readyz', tag: 'operations', access: 'public', summary: 'The database (and in distributed mode NATS) answers; work backlog',
    async handler({ reply }) {
      try {
        await sql`SELECT 1`.execute(haven.store.db);
      } catch (e) {
        reply.status(503);
        return { status: 'unavailable', reason: `database: ${(e as Error).message}` };
      }
      let stream: { waiting: number; inFlight: number } | null = null;
      if (haven.nats) {
        try {
          stream = await haven.nats.backlog();
        } catch (e) {
          reply.status(503);
          return { status: 'unavailable', reason: `nats: ${(e as Error).message}` };
        }
      }
      return {
        status: 'ready', jobs: await jobCounts(haven.store.db), outbox: await outboxCounts(haven.store.db), stream,
        // Admission control's cached reading: ingest answers 429 while `refusing`.
        backlog: await haven.admission.status(),
        llm: haven.llm ? await haven.llm.status() : NO_LLM_STATUS,
      };
    },
  });

  routes.add({
    method: 'GET', url: '/metrics', tag: 'operations', access: 'public', summary: 'Prometheus metrics (counts only, no content)',
    async handler({ reply }) {
      reply.header('content-type', registry.contentType);
      return reply.send(await registry.metrics());
    },
  });

  routes.add({
    method: 'GET', url: '/v1/users', tag: 'administration', access: 'users:manage', summary: 'People who can log in',
    async handler() {
      return { users: (await listUsers(haven.store.db)).map((u) => ({ ...u, createdAt: new Date(u.createdAt).toISOString() })) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/users', tag: 'administration', access: 'users:manage', status: 201, summary: 'Add a person with roles',
    body: z.strictObject({
      email: z.string().email().max(320), name: z.string().trim().min(1).max(200), password: z.string().min(10).max(256),
      roles: z.array(z.enum(ROLES)).min(1),
    }),
    async handler({ body, principal }) {
      const u = await haven.auth.createUser(body, principal ? principalLabel(principal) : 'unknown');
      return { ...u, createdAt: new Date(u.createdAt).toISOString() };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/api-keys', tag: 'administration', access: 'users:manage', summary: 'API keys (never the keys themselves)',
    async handler() {
      return { apiKeys: await listApiKeys(haven.store.db) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/api-keys', tag: 'administration', access: 'users:manage', status: 201,
    summary: 'Create a scoped API key for a platform client; the key is shown once',
    body: z.strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(z.string()).min(1) }),
    async handler({ body, principal }) {
      const { key, record } = await haven.auth.createApiKey(body, principal ? principalLabel(principal) : 'unknown');
      return { key, ...record };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/audit/verify', tag: 'administration', access: 'audit:read', summary: 'Verify the hash chain of the audit log',
    async handler() {
      return verifyAudit(haven.store.db);
    },
  });
}
