import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { LabelError, LabelService } from '../../investigations/label-service.js';
import {
  ENTITY_TYPES, LABEL_DEFINITIONS, LABELS, labelInputSchema, removalSchema, SNOOZE_ENTITY_TYPES, snoozeInputSchema,
} from '../../investigations/labels.js';
import type { EntityLabel, RuleSnooze } from '../../store/repos/entity-labels.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentLabel(l: EntityLabel, now: number) {
  const effect = LABEL_DEFINITIONS[l.label]?.effect;
  return {
    ...l, createdAt: iso(l.createdAt), expiresAt: iso(l.expiresAt), removedAt: iso(l.removedAt),
    active: l.removedAt === null && (l.expiresAt === null || l.expiresAt > now), effect: effect?.meaning ?? null,
  };
}

function presentSnooze(s: RuleSnooze, now: number) {
  return {
    ...s, createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt), removedAt: iso(s.removedAt),
    active: s.removedAt === null && (s.expiresAt === null || s.expiresAt > now),
  };
}

async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof LabelError) throw new HttpError(e.status, e.code, e.message);
    throw e;
  }
}

/** Both or neither: a filter on one entity. */
const entityFilter = <T extends { entityType?: string | undefined; entityId?: string | undefined }>(v: T, ctx: z.RefinementCtx) => {
  if ((v.entityType === undefined) !== (v.entityId === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.entityType === undefined ? 'entityType' : 'entityId'], message: 'give entityType and entityId together' });
  }
};
const limit = z.coerce.number().int().min(1).max(500).default(100);
const active = z.enum(['true', 'false'], { error: 'active must be true or false' }).default('true').transform((v) => v === 'true');

/**
 * Labels on entities and per-entity rule snoozes. Labels are readable with items:read: their reasons already show in
 * the evidence of the signals they raise on items (which items:read sees), and a reviewer deciding an item benefits
 * from knowing its author is a known evader. Snoozes say where detection is deliberately blind: investigators only.
 */
export function labelRoutes(routes: RouteTable, haven: Haven): void {
  const labels = new LabelService(haven.store, haven.clock);
  const actorOf = (p: Parameters<typeof principalLabel>[0] | null) => (p ? principalLabel(p) : 'unknown');

  routes.add({
    method: 'POST', url: '/v1/labels', tag: 'labels', access: 'investigations:write', status: 201, body: labelInputSchema,
    summary: `Put a label on an account, device or conversation (audited). Labels: ${LABELS.join(', ')}; detection reads them on later items`,
    async handler({ body, principal }) {
      const label = await answering(() => labels.addLabel(body, actorOf(principal)));
      return { label: presentLabel(label, haven.clock.now()) };
    },
  });

  routes.add({
    method: 'DELETE', url: '/v1/labels/:id', tag: 'labels', access: 'investigations:write', params: idParams, body: removalSchema,
    summary: 'Remove a label, with the reason (audited; the label stays in the history)',
    async handler({ params, body, principal }) {
      const label = await answering(() => labels.removeLabel(params.id, body.reason, actorOf(principal)));
      return { label: presentLabel(label, haven.clock.now()) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/labels', tag: 'labels', access: 'items:read',
    summary: 'Labels, newest first: of one entity (accounts by Haven or external id), or all; active ones only unless active=false',
    query: z.strictObject({
      entityType: z.enum(ENTITY_TYPES, { error: `entityType must be one of ${ENTITY_TYPES.join(', ')}` }).optional(),
      entityId: z.string().trim().min(1).max(200).optional(),
      label: z.enum(LABELS, { error: `label must be one of ${LABELS.join(', ')}` }).optional(),
      active, limit,
    }).superRefine(entityFilter),
    async handler({ query }) {
      const list = await answering(() => labels.listLabels(query));
      const now = haven.clock.now();
      return { labels: list.map((l) => presentLabel(l, now)) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/rule-snoozes', tag: 'labels', access: 'investigations:write', status: 201, body: snoozeInputSchema,
    summary: 'Snooze a text rule for one account or conversation (audited); it ends by itself (30 days unless expiresAt says sooner, at most a year)',
    async handler({ body, principal }) {
      const snooze = await answering(() => labels.addSnooze(body, actorOf(principal)));
      return { snooze: presentSnooze(snooze, haven.clock.now()), rulesVersion: snooze.rulesVersion };
    },
  });

  routes.add({
    method: 'DELETE', url: '/v1/rule-snoozes/:id', tag: 'labels', access: 'investigations:write', params: idParams, body: removalSchema,
    summary: 'End a rule snooze early, with the reason (audited)',
    async handler({ params, body, principal }) {
      const snooze = await answering(() => labels.removeSnooze(params.id, body.reason, actorOf(principal)));
      return { snooze: presentSnooze(snooze, haven.clock.now()) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/rule-snoozes', tag: 'labels', access: 'investigations:read',
    summary: 'Rule snoozes, newest first: of one entity, of one rule, or all; active ones only unless active=false',
    query: z.strictObject({
      entityType: z.enum(SNOOZE_ENTITY_TYPES, { error: `entityType must be one of ${SNOOZE_ENTITY_TYPES.join(', ')}` }).optional(),
      entityId: z.string().trim().min(1).max(200).optional(),
      ruleId: z.string().trim().min(1).max(100).optional(),
      active, limit,
    }).superRefine(entityFilter),
    async handler({ query }) {
      const list = await answering(() => labels.listSnoozes(query));
      const now = haven.clock.now();
      return { snoozes: list.map((s) => presentSnooze(s, now)) };
    },
  });
}
