import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import {
  EvidenceError, type EvidenceHold, type EvidenceRecord, evidenceRecordsForItem, listItemHolds, openEvidence, placeLegalHold,
  releaseLegalHold,
} from '../../enforcement/evidence/index.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const reasonBody = z.strictObject({ reason: z.string().trim().min(3, 'a reason is required').max(2000) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const STATUS = { not_found: 404, invalid: 400, purged: 410, not_stored: 404, conflict: 409 } as const;

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EvidenceError) throw new HttpError(STATUS[e.code], e.code, e.message);
    throw e;
  }
}

export function presentHold(h: EvidenceHold & { inForce?: boolean }) {
  return { ...h, createdAt: iso(h.createdAt), expiresAt: iso(h.expiresAt), releasedAt: iso(h.releasedAt) };
}

function presentRecord(r: EvidenceRecord) {
  return { ...r, createdAt: iso(r.createdAt), purgedAt: iso(r.purgedAt) };
}

/**
 * The evidence vault over HTTP. Reading a preserved snapshot is audited on every call; legal holds are placed and
 * lifted by legal (evidence:manage), each with a reason, each audited.
 */
export function evidenceRoutes(routes: RouteTable, haven: Haven): void {
  const actorOf = (p: Parameters<typeof principalLabel>[0] | null) => (p ? principalLabel(p) : 'unknown');

  routes.add({
    method: 'GET', url: '/v1/evidence', tag: 'evidence', access: 'evidence:read',
    summary: "An item's evidence records (metadata and media hashes; the snapshot itself is GET /v1/evidence/:id)",
    query: z.strictObject({ item: z.string().min(1).max(64) }),
    async handler({ query }) {
      return { evidence: (await evidenceRecordsForItem(haven.store.db, query.item)).map(presentRecord) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/evidence/:id', tag: 'evidence', access: 'evidence:read', params: idParams,
    auditRefusal: { action: 'evidence.view.refused', targetType: 'evidence', param: 'id' },
    summary: 'An evidence record with its decrypted snapshot. Audited on every access.',
    async handler({ params, principal }) {
      const { record, snapshot } = await refusing(() =>
        openEvidence(haven.store.db, haven.keys, { evidenceId: params.id, actor: actorOf(principal), now: haven.clock.now() }),
      );
      return { evidence: presentRecord(record), snapshot };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/items/:id/holds', tag: 'evidence', access: 'items:read', params: idParams,
    summary: "Preservation and legal holds on an item (or on its author's account)",
    async handler({ params }) {
      return { holds: (await listItemHolds(haven.store.db, params.id, haven.clock.now())).map(presentHold) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/items/:id/legal-hold', tag: 'evidence', access: 'evidence:manage', params: idParams, body: reasonBody,
    status: 201, summary: 'Place a legal hold on an item: its media and evidence are kept until the hold is lifted',
    async handler({ params, body, principal }) {
      const hold = await refusing(() => placeLegalHold(haven.store.db, {
        target: { itemId: params.id }, reason: body.reason, actor: actorOf(principal), now: haven.clock.now(),
      }));
      return { hold: presentHold(hold) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/accounts/:id/legal-hold', tag: 'evidence', access: 'evidence:manage', params: idParams, body: reasonBody,
    status: 201, summary: 'Place a legal hold on an account (id or external id): covers every item it authored',
    async handler({ params, body, principal }) {
      const hold = await refusing(() => placeLegalHold(haven.store.db, {
        target: { accountId: params.id }, reason: body.reason, actor: actorOf(principal), now: haven.clock.now(),
      }));
      return { hold: presentHold(hold) };
    },
  });

  routes.add({
    method: 'DELETE', url: '/v1/items/:id/legal-hold', tag: 'evidence', access: 'evidence:manage', params: idParams,
    body: reasonBody.extend({ holdId: z.string().min(1).max(64).optional() }),
    summary: 'Lift the legal holds placed on this item (or only `holdId`), with a reason',
    async handler({ params, body, principal }) {
      const now = haven.clock.now();
      const holds = (await listItemHolds(haven.store.db, params.id, now))
        .filter((h) => h.kind === 'legal' && h.releasedAt === null && h.itemId === params.id && (!body.holdId || h.id === body.holdId));
      if (holds.length === 0) throw new HttpError(404, 'not_found', `no legal hold in force on item ${params.id}${body.holdId ? ` with id ${body.holdId}` : ''}`);
      const released: EvidenceHold[] = [];
      for (const h of holds) {
        released.push(await refusing(() => releaseLegalHold(haven.store.db, { holdId: h.id, reason: body.reason, actor: actorOf(principal), now })));
      }
      return { released: released.map(presentHold) };
    },
  });

  routes.add({
    method: 'DELETE', url: '/v1/holds/:id', tag: 'evidence', access: 'evidence:manage', params: idParams, body: reasonBody,
    summary: 'Lift one legal hold (on an item or an account), with a reason',
    async handler({ params, body, principal }) {
      const hold = await refusing(() => releaseLegalHold(haven.store.db, {
        holdId: params.id, reason: body.reason, actor: actorOf(principal), now: haven.clock.now(),
      }));
      return { released: [presentHold(hold)] };
    },
  });
}
