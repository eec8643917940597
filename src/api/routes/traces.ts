import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { categoryIdSchema, findCategory, type Taxonomy } from '../../core/taxonomy.js';
import {
  buildAccountTrace, buildItemTrace, type ExpectedTruth, missedCatches, suggestRootCauses,
} from '../../investigations/trace/index.js';
import { latestConfig } from '../../store/repos/config.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Epoch-ms fields of a trace, sent as ISO strings like the rest of the API; event payloads (`data`) are left as recorded. */
const TIME_KEYS = new Set(['at', 'createdAt', 'ingestedAt', 'slaDueAt', 'claimedAt', 'decidedAt', 'deliveredAt', 'filedAt', 'resolvedAt', 'builtAt']);

export function presentTrace(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(presentTrace);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      k === 'data' ? v : TIME_KEYS.has(k) && typeof v === 'number' ? new Date(v).toISOString() : presentTrace(v),
    ]));
  }
  return value;
}

export function traceRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/v1/items/:id/trace', tag: 'investigations', access: 'items:read', params: idParams,
    query: z.strictObject({ expected: categoryIdSchema.optional() }),
    summary: 'The enforcement trace of an item: every step, the first point it could have been caught and was not, and likely root causes. '
      + '`expected=CSE-xx` says what the item is when no decision does. No media beyond the blurred preview link.',
    async handler({ params, query, principal }) {
      let expected: ExpectedTruth | null = null;
      if (query.expected) {
        const taxonomy = await latestConfig<Taxonomy>(haven.store.db, 'taxonomy');
        if (!taxonomy || !findCategory(taxonomy.document, query.expected)) {
          throw new HttpError(400, 'invalid_request', `query.expected: ${query.expected} is not a category of the taxonomy`);
        }
        expected = { category: query.expected };
      }
      const trace = await buildItemTrace(haven.store.db, params.id, { now: haven.clock.now() });
      if (!trace) throw new HttpError(404, 'not_found', `item ${params.id} not found`);
      // Blind QA stays blind here too: the trace shows the decisions under check.
      const label = principal ? principalLabel(principal) : null;
      const blind = label && await haven.store.db.selectFrom('review_tasks').select('id')
        .where('item_id', '=', trace.itemId).where('blind', '=', 1).where('claimed_by', '=', label).where('status', 'in', ['open', 'held']).executeTakeFirst();
      if (blind) throw new HttpError(409, 'blind_review', `you hold blind QA task ${blind.id} on this item; its decisions are hidden until you decide it`);
      const missed = missedCatches(trace, expected);
      return presentTrace({
        trace, expected, firstMissedCatch: missed[0] ?? null, missedCatches: missed, suggestions: suggestRootCauses([trace], expected),
      });
    },
  });

  routes.add({
    method: 'GET', url: '/v1/accounts/:id/trace', tag: 'investigations', access: 'items:read', params: idParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    summary: "An account's enforcement history: its items (newest first) with verdicts, actions and review outcomes, and the actions taken against the account",
    async handler({ params, query }) {
      const trace = await buildAccountTrace(haven.store.db, params.id, { limit: query.limit });
      if (!trace) throw new HttpError(404, 'not_found', `account ${params.id} not found`);
      return presentTrace(trace);
    },
  });
}
