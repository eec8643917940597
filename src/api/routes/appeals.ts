import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { AppealError, AppealService } from '../../enforcement/appeals/service.js';
import { appealsForItem, type Appeal } from '../../store/repos/appeals.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentAppeal(a: Appeal) {
  return { ...a, filedAt: iso(a.filedAt), resolvedAt: iso(a.resolvedAt) };
}

/** Appeal refusals become HTTP answers; anything else is a bug and propagates. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof AppealError) throw new HttpError(e.status, e.code, e.message);
    throw e;
  }
}

export function appealRoutes(routes: RouteTable, haven: Haven): void {
  const appeals = new AppealService(haven.store, haven.clock);

  routes.add({
    method: 'POST', url: '/v1/items/:id/appeals', tag: 'appeals', access: 'appeals:write', params: idParams,
    summary: "Appeal the item's latest decision. 201 with a new appeal; 200 with the open one if already filed; 409 when resolved (final) or nothing to appeal",
    body: z.strictObject({
      reason: z.string().trim().min(1, 'give the reason for the appeal').max(4000),
      appellant: z.string().trim().min(1).max(200).optional(),
    }),
    async handler({ params, body, principal, reply }) {
      const actor = principal ? principalLabel(principal) : 'unknown';
      const r = await answering(() => appeals.file(params.id, { reason: body.reason, appellant: body.appellant ?? null }, actor));
      reply.status(r.created ? 201 : 200);
      return { appeal: presentAppeal(r.appeal), created: r.created };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/items/:id/appeals', tag: 'appeals', access: 'items:read', params: idParams,
    summary: 'The appeals filed against an item\'s decisions',
    async handler({ params }) {
      return { appeals: (await appealsForItem(haven.store.db, params.id)).map(presentAppeal) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/appeals', tag: 'appeals', access: 'items:read', summary: 'Appeals, newest first',
    query: z.strictObject({
      status: z.enum(['open', 'upheld', 'overturned']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(64).optional(),
    }),
    async handler({ query }) {
      const rows = await appeals.list({ status: query.status, limit: query.limit + 1, before: query.cursor });
      const page = rows.slice(0, query.limit);
      return { appeals: page.map(presentAppeal), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/appeals/:id', tag: 'appeals', access: 'items:read', params: idParams, summary: 'One appeal',
    async handler({ params }) {
      const a = await appeals.get(params.id);
      if (!a) throw new HttpError(404, 'not_found', `appeal ${params.id} not found`);
      return { appeal: presentAppeal(a) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/appeals/:id/resolve', tag: 'appeals', access: 'appeals:decide', params: idParams,
    summary: 'Uphold or overturn an open appeal (audited). Overturning withdraws undelivered platform actions and queues reversals',
    body: z.strictObject({
      outcome: z.enum(['upheld', 'overturned'], { error: 'outcome must be "upheld" or "overturned"' }),
      reason: z.string().trim().min(1, 'give the reason for the outcome').max(4000),
    }),
    async handler({ params, body, principal }) {
      const actor = principal ? principalLabel(principal) : 'unknown';
      const r = await answering(() => appeals.resolve(params.id, body, actor));
      return { appeal: presentAppeal(r.appeal), cancelled: r.cancelled, reversals: r.reversals };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/stats/precision', tag: 'appeals', access: 'items:read',
    summary: 'Precision of enforcement per policy version and per detector: 1 - overturned / actioned (see `definition`)',
    async handler() {
      return appeals.precision();
    },
  });
}
