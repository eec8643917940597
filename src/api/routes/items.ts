import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { type ItemInput, itemInputSchema, MAX_MEDIA_PARTS } from '../../core/item-input.js';
import { ITEM_KINDS } from '../../core/types.js';
import { metrics } from '../../metrics.js';
import { BacklogFullError, type Reservation } from '../../pipeline/backlog.js';
import { MediaError } from '../../pipeline/ingest.js';
import { itemView } from '../../pipeline/item-view.js';
import { searchItems } from '../../store/repos/items.js';
import { HttpError, zodToHttp } from '../errors.js';
import { presentItemView, presentSummary } from '../present.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

const ingestOut = z.object({ itemId: z.string(), externalId: z.string(), duplicate: z.boolean(), status: z.string() });

/** Items per batch request: enough to amortise the round trip, small enough to stay well under the body limit. */
export const MAX_BATCH_ITEMS = 500;

const batchIn = z.strictObject({ items: z.array(itemInputSchema).min(1).max(MAX_BATCH_ITEMS) });
const batchOut = z.object({
  results: z.array(z.union([
    ingestOut,
    z.object({ index: z.number(), externalId: z.string(), status: z.literal('rejected'), error: z.string() }),
  ])),
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
});

export function itemRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'POST', url: '/v1/items/batch', tag: 'items', access: 'items:write', status: 202,
    summary: `Submit up to ${MAX_BATCH_ITEMS} items at once (JSON, media base64). Items commit together; an item whose media cannot be read is rejected on its own, with its index and the reason. While the processing backlog is full (or this batch would overfill it) the whole batch is refused: 429 with Retry-After.`,
    body: batchIn,
    response: batchOut,
    async handler({ body, principal, reply }) {
      // Admitted before the media is decoded and hashed, so a refused batch costs next to nothing.
      const reservation = await admit(haven, reply, body.items.length);
      let committed = 0;
      try {
        const results: z.infer<typeof batchOut>['results'] = new Array(body.items.length);
        const prepared: Awaited<ReturnType<typeof haven.ingestor.prepare>>[] = [];
        const positions: number[] = [];
        for (const [index, input] of body.items.entries()) {
          try {
            prepared.push(await haven.ingestor.prepare(input));
            positions.push(index);
          } catch (e) {
            if (!(e instanceof MediaError)) throw e;
            results[index] = { index, externalId: input.externalId, status: 'rejected', error: e.message };
          }
        }
        const ingested = await haven.ingestor.ingest(prepared, principal ? principalLabel(principal) : 'anonymous');
        for (const [k, r] of ingested.entries()) {
          const index = positions[k] as number;
          results[index] = { ...r, status: r.duplicate ? 'duplicate' : 'accepted' };
          metrics.itemsIngested.inc({ result: r.duplicate ? 'duplicate' : 'new' });
        }
        const duplicates = ingested.filter((r) => r.duplicate).length;
        committed = ingested.length - duplicates;
        return { results, accepted: ingested.length - duplicates, duplicates, rejected: body.items.length - ingested.length };
      } finally {
        reservation.settle(committed);
      }
    },
  });


  routes.add({
    method: 'POST', url: '/v1/items', tag: 'items', access: 'items:write', status: 202, rawBody: true,
    summary: 'Submit an item (JSON with base64 media, or multipart with an `item` JSON field and `media` files). Idempotent on externalId + content. While the processing backlog is full: 429 with Retry-After (seconds).',
    response: ingestOut,
    async handler({ req, principal, reply }) {
      const raw = req.isMultipart() ? await readMultipart(req.parts()) : req.body;
      const parsed = itemInputSchema.safeParse(raw);
      if (!parsed.success) throw zodToHttp(parsed.error, 'body');
      const reservation = await admit(haven, reply, 1);
      let result: Awaited<ReturnType<typeof haven.ingestor.ingest>>[number] | undefined;
      try {
        const prepared = await haven.ingestor.prepare(parsed.data);
        [result] = await haven.ingestor.ingest([prepared], principal ? principalLabel(principal) : 'anonymous');
      } finally {
        reservation.settle(result && !result.duplicate ? 1 : 0);
      }
      if (!result) throw new Error('ingest returned no result');
      metrics.itemsIngested.inc({ result: result.duplicate ? 'duplicate' : 'new' });
      return { ...result, status: result.duplicate ? 'duplicate' : 'accepted' };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/items', tag: 'items', access: 'items:read', summary: 'Search items, newest first',
    query: z.strictObject({
      q: z.string().max(256).optional(),
      verdict: z.enum(['violating', 'needs_review', 'no_violation']).optional(),
      status: z.enum(['pending', 'processed', 'failed']).optional(),
      category: z.string().max(16).optional(),
      kind: z.enum(ITEM_KINDS).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(64).optional(),
    }),
    async handler({ query }) {
      const rows = await searchItems(haven.store.db, { ...query, limit: query.limit + 1, before: query.cursor });
      const page = rows.slice(0, query.limit);
      return { items: page.map(presentSummary), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/items/:id', tag: 'items', access: 'items:read', params: idParams,
    summary: 'An item with its signals, decision, actions and full event trace (not while you hold a blind QA check of it)',
    async handler({ params, principal }) {
      const view = await itemView(haven.store, params.id);
      if (!view) throw new HttpError(404, 'not_found', `item ${params.id} not found`);
      // Blind QA stays blind: the reviewer checking a decision cannot read it off the item page meanwhile.
      const label = principal ? principalLabel(principal) : null;
      const blind = label && await haven.store.db.selectFrom('review_tasks').select('id')
        .where('item_id', '=', view.item.id).where('blind', '=', 1).where('claimed_by', '=', label).where('status', 'in', ['open', 'held']).executeTakeFirst();
      if (blind) throw new HttpError(409, 'blind_review', `you hold blind QA task ${blind.id} on this item; its decisions are hidden until you decide it`);
      return presentItemView(view);
    },
  });
}

/**
 * Backpressure: while the processing backlog is full, ingest answers 429 with Retry-After instead of letting the
 * backlog grow without bound (see pipeline/admission.ts).
 */
async function admit(haven: Haven, reply: FastifyReply, items: number): Promise<Reservation> {
  try {
    return await haven.admission.reserve(items);
  } catch (e) {
    if (!(e instanceof BacklogFullError)) throw e;
    reply.header('retry-after', String(e.retryAfterSeconds));
    throw new HttpError(429, 'backlog_full', e.message);
  }
}

/** Multipart: one `item` field holding the JSON, and up to MAX_MEDIA_PARTS files. */
async function readMultipart(parts: AsyncIterableIterator<MultipartFile | { type: 'field'; fieldname: string; value: unknown }>): Promise<unknown> {
  let item: Record<string, unknown> | null = null;
  const media: ItemInput['media'] = [];
  for await (const part of parts) {
    if (part.type === 'file') {
      if (media.length >= MAX_MEDIA_PARTS) throw new HttpError(400, 'invalid_request', `at most ${MAX_MEDIA_PARTS} media files`);
      const buf = await part.toBuffer();
      media.push({ data: buf.toString('base64'), mime: part.mimetype, name: part.filename });
    } else if (part.fieldname === 'item') {
      try {
        item = JSON.parse(String(part.value)) as Record<string, unknown>;
      } catch (e) {
        throw new HttpError(400, 'invalid_request', `the item field is not valid JSON: ${(e as Error).message}`);
      }
    } else {
      throw new HttpError(400, 'invalid_request', `unknown multipart field ${part.fieldname}; send "item" and "media"`);
    }
  }
  if (!item) throw new HttpError(400, 'invalid_request', 'multipart body needs an "item" field with the item JSON');
  return media.length > 0 ? { ...item, media: [...((item.media as unknown[]) ?? []), ...media] } : item;
}
