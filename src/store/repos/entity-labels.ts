import { type Selectable, sql } from 'kysely';
import type { ActiveLabel, ActiveSnooze, EntityRef, EntityType, Label, SnoozeEntityType } from '../../investigations/labels.js';
import type { Queryable } from '../db.js';
import type { EntityLabelsTable, RuleSnoozesTable } from '../schema.js';

// Labels on entities and per-entity rule snoozes. Removal is soft (removed_at), so the history stays readable.

export interface EntityLabel extends ActiveLabel {
  removedBy: string | null;
  removedAt: number | null;
}

export interface RuleSnooze extends ActiveSnooze {
  removedAt: number | null;
}

function toLabel(r: Selectable<EntityLabelsTable>): EntityLabel {
  return {
    id: r.id, entityType: r.entity_type as EntityType, entityId: r.entity_id, label: r.label as Label, reason: r.reason,
    createdBy: r.created_by, createdAt: Number(r.created_at), expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    escalationId: r.escalation_id, removedBy: r.removed_by, removedAt: r.removed_at === null ? null : Number(r.removed_at),
  };
}

function toSnooze(r: Selectable<RuleSnoozesTable>): RuleSnooze {
  return {
    id: r.id, ruleId: r.rule_id, entityType: r.entity_type as SnoozeEntityType, entityId: r.entity_id, reason: r.reason,
    createdBy: r.created_by, createdAt: Number(r.created_at), expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    escalationId: r.escalation_id, removedAt: r.removed_at === null ? null : Number(r.removed_at),
  };
}

export async function insertLabel(q: Queryable, l: ActiveLabel): Promise<EntityLabel> {
  await q.insertInto('entity_labels').values({
    id: l.id, entity_type: l.entityType, entity_id: l.entityId, label: l.label, reason: l.reason, escalation_id: l.escalationId,
    expires_at: l.expiresAt, created_by: l.createdBy, created_at: l.createdAt, removed_by: null, removed_at: null,
  }).execute();
  return { ...l, removedBy: null, removedAt: null };
}

export async function getLabel(q: Queryable, id: string): Promise<EntityLabel | null> {
  const r = await q.selectFrom('entity_labels').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toLabel(r) : null;
}

/** Soft removal; null when the label does not exist or was already removed. */
export async function removeLabel(q: Queryable, id: string, by: string, at: number): Promise<EntityLabel | null> {
  const done = await q.updateTable('entity_labels').set({ removed_by: by, removed_at: at })
    .where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(done.numUpdatedRows) === 0 ? null : getLabel(q, id);
}

/** For either table (both name the column expires_at). */
const notExpired = (at: number) => sql<boolean>`(expires_at is null or expires_at > ${at})`;

export interface LabelFilter {
  entityType?: EntityType | undefined;
  entityId?: string | undefined;
  label?: Label | undefined;
  /** Only labels in force at this time; otherwise every label, removed and expired ones included. */
  activeAt?: number | undefined;
  limit: number;
}

/** Labels, newest first. */
export async function listLabels(q: Queryable, f: LabelFilter): Promise<EntityLabel[]> {
  let query = q.selectFrom('entity_labels').selectAll();
  if (f.entityType) query = query.where('entity_type', '=', f.entityType);
  if (f.entityId) query = query.where('entity_id', '=', f.entityId);
  if (f.label) query = query.where('label', '=', f.label);
  if (f.activeAt !== undefined) {
    query = query.where('removed_at', 'is', null).where('created_at', '<=', f.activeAt).where(notExpired(f.activeAt));
  }
  return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()).map(toLabel);
}

export async function insertSnooze(q: Queryable, s: ActiveSnooze): Promise<RuleSnooze> {
  await q.insertInto('rule_snoozes').values({
    id: s.id, rule_id: s.ruleId, entity_type: s.entityType, entity_id: s.entityId, reason: s.reason, escalation_id: s.escalationId,
    expires_at: s.expiresAt, created_by: s.createdBy, created_at: s.createdAt, removed_at: null,
  }).execute();
  return { ...s, removedAt: null };
}

export async function getSnooze(q: Queryable, id: string): Promise<RuleSnooze | null> {
  const r = await q.selectFrom('rule_snoozes').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toSnooze(r) : null;
}

/** Soft removal (who removed it is in the audit log: the table has no column for it); null when not found or already removed. */
export async function removeSnooze(q: Queryable, id: string, at: number): Promise<RuleSnooze | null> {
  const done = await q.updateTable('rule_snoozes').set({ removed_at: at }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(done.numUpdatedRows) === 0 ? null : getSnooze(q, id);
}

export interface SnoozeFilter {
  entityType?: SnoozeEntityType | undefined;
  entityId?: string | undefined;
  ruleId?: string | undefined;
  activeAt?: number | undefined;
  limit: number;
}

/** Rule snoozes, newest first. */
export async function listSnoozes(q: Queryable, f: SnoozeFilter): Promise<RuleSnooze[]> {
  let query = q.selectFrom('rule_snoozes').selectAll();
  if (f.entityType) query = query.where('entity_type', '=', f.entityType);
  if (f.entityId) query = query.where('entity_id', '=', f.entityId);
  if (f.ruleId) query = query.where('rule_id', '=', f.ruleId);
  if (f.activeAt !== undefined) {
    query = query.where('removed_at', 'is', null).where('created_at', '<=', f.activeAt).where(notExpired(f.activeAt));
  }
  return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()).map(toSnooze);
}

/** Entities per query: two parameters each, twice (labels and snoozes), well inside SQLite's and Postgres's limits. */
const ENTITIES_PER_QUERY = 4000;

/**
 * The labels and snoozes in force at `at` on any of `entities`: one query for both tables (a UNION ALL), for a
 * whole pipeline batch at a time.
 */
export async function activeForEntities(
  q: Queryable, entities: readonly EntityRef[], at: number,
): Promise<{ labels: ActiveLabel[]; snoozes: ActiveSnooze[] }> {
  const labels: ActiveLabel[] = [];
  const snoozes: ActiveSnooze[] = [];
  const byType = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const e of entities) {
    const key = `${e.entityType}\u0000${e.entityId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    byType.set(e.entityType, [...(byType.get(e.entityType) ?? []), e.entityId]);
  }
  const chunks: [string, string[]][][] = [];
  let current: [string, string[]][] = [];
  let size = 0;
  for (const [type, ids] of byType) {
    for (let i = 0; i < ids.length; i += ENTITIES_PER_QUERY) {
      const part = ids.slice(i, i + ENTITIES_PER_QUERY);
      if (size + part.length > ENTITIES_PER_QUERY && current.length > 0) {
        chunks.push(current);
        current = [];
        size = 0;
      }
      current.push([type, part]);
      size += part.length;
    }
  }
  if (current.length > 0) chunks.push(current);

  for (const chunk of chunks) {
    // Each type's ids in one IN list, so the (entity_type, entity_id) index answers every branch.
    const onEntities = sql<boolean>`(${sql.join(chunk.map(([type, ids]) => sql`(entity_type = ${type} and entity_id in (${sql.join(ids)}))`), sql` or `)})`;
    const rows = await q
      .selectFrom('entity_labels')
      .select([
        sql<string>`'label'`.as('kind'), 'id', 'entity_type', 'entity_id', 'label as name', 'reason', 'escalation_id', 'expires_at',
        'created_by', 'created_at',
      ])
      .where('removed_at', 'is', null).where('created_at', '<=', at).where(notExpired(at)).where(onEntities)
      .unionAll(
        q.selectFrom('rule_snoozes')
          .select([
            sql<string>`'snooze'`.as('kind'), 'id', 'entity_type', 'entity_id', 'rule_id as name', 'reason', 'escalation_id', 'expires_at',
            'created_by', 'created_at',
          ])
          .where('removed_at', 'is', null).where('created_at', '<=', at).where(notExpired(at)).where(onEntities),
      )
      .execute();
    for (const r of rows) {
      const common = {
        id: r.id, entityId: r.entity_id, reason: r.reason, createdBy: r.created_by, createdAt: Number(r.created_at),
        expiresAt: r.expires_at === null ? null : Number(r.expires_at), escalationId: r.escalation_id,
      };
      if (r.kind === 'label') labels.push({ ...common, entityType: r.entity_type as EntityType, label: r.name as Label });
      else snoozes.push({ ...common, entityType: r.entity_type as SnoozeEntityType, ruleId: r.name });
    }
  }
  const order = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
  return { labels: labels.sort(order), snoozes: snoozes.sort(order) };
}

/** True when the account exists; resolves a platform external id to the Haven account id. */
export async function resolveAccountId(q: Queryable, idOrExternal: string): Promise<string | null> {
  const byId = await q.selectFrom('accounts').select('id').where('id', '=', idOrExternal).executeTakeFirst();
  if (byId) return byId.id;
  const byExternal = await q.selectFrom('accounts').select('id').where('external_id', '=', idOrExternal).executeTakeFirst();
  return byExternal?.id ?? null;
}

export async function conversationExists(q: Queryable, conversationId: string): Promise<boolean> {
  return (await q.selectFrom('items').select('id').where('conversation_id', '=', conversationId).limit(1).executeTakeFirst()) !== undefined;
}

export async function escalationExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.selectFrom('escalations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
