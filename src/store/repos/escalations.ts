import type { Selectable } from 'kysely';
import type { RootCauseEvidence } from '../../investigations/root-causes.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { EscalationNotesTable, EscalationsTable, RemediationItemsTable, RootCausesTable } from '../schema.js';

export interface Escalation {
  id: string;
  title: string;
  summary: string;
  source: string;
  priority: string;
  status: string;
  owner: string | null;
  slaDueAt: number;
  outcome: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  mitigatedAt: number | null;
  resolvedAt: number | null;
}

export interface EscalationEntity {
  entityType: string;
  entityId: string;
  relation: string;
  addedBy: string;
  addedAt: number;
}

export interface EscalationNote {
  id: string;
  author: string;
  kind: string;
  text: string;
  at: number;
}

export interface RootCauseRecord {
  id: string;
  escalationId: string;
  cause: string;
  status: string;
  evidence: RootCauseEvidence[];
  note: string | null;
  suggestedBy: string;
  decidedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RemediationItem {
  id: string;
  escalationId: string;
  team: string;
  title: string;
  owner: string | null;
  dueAt: number | null;
  status: string;
  rootCauseId: string | null;
  proposalId: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
}

/** A proposed change linked to an escalation (written by the feedback loop; read here for reports). */
export interface LinkedProposal {
  id: string;
  kind: string;
  title: string;
  status: string;
  rootCause: string | null;
  createdAt: number;
  deployedAt: number | null;
}

const num = (v: number | null) => (v === null ? null : Number(v));

function toEscalation(r: Selectable<EscalationsTable>): Escalation {
  return {
    id: r.id, title: r.title, summary: r.summary, source: r.source, priority: r.priority, status: r.status, owner: r.owner,
    slaDueAt: Number(r.sla_due_at), outcome: r.outcome, createdBy: r.created_by, createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at), mitigatedAt: num(r.mitigated_at), resolvedAt: num(r.resolved_at),
  };
}

const toNote = (r: Selectable<EscalationNotesTable>): EscalationNote => ({ id: r.id, author: r.author, kind: r.kind, text: r.text, at: Number(r.at) });

function toRootCause(r: Selectable<RootCausesTable>): RootCauseRecord {
  return {
    id: r.id, escalationId: r.escalation_id, cause: r.cause, status: r.status, evidence: fromJson(r.evidence), note: r.note,
    suggestedBy: r.suggested_by, decidedBy: r.decided_by, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

function toRemediation(r: Selectable<RemediationItemsTable>): RemediationItem {
  return {
    id: r.id, escalationId: r.escalation_id, team: r.team, title: r.title, owner: r.owner, dueAt: num(r.due_at), status: r.status,
    rootCauseId: r.root_cause_id, proposalId: r.proposal_id, createdBy: r.created_by, createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at), doneAt: num(r.done_at),
  };
}

export async function insertEscalation(q: Queryable, e: Escalation): Promise<void> {
  await q.insertInto('escalations').values({
    id: e.id, title: e.title, summary: e.summary, source: e.source, priority: e.priority, status: e.status, owner: e.owner,
    sla_due_at: e.slaDueAt, outcome: e.outcome, created_by: e.createdBy, created_at: e.createdAt, updated_at: e.updatedAt,
    mitigated_at: e.mitigatedAt, resolved_at: e.resolvedAt,
  }).execute();
}

export async function getEscalation(q: Queryable, id: string): Promise<Escalation | null> {
  const r = await q.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toEscalation(r) : null;
}

export async function listEscalations(
  q: Queryable,
  f: { status?: string | undefined; priority?: string | undefined; owner?: string | undefined; overdueAt?: number | undefined; limit: number },
): Promise<Escalation[]> {
  let query = q.selectFrom('escalations').selectAll().orderBy('priority').orderBy('sla_due_at').orderBy('id').limit(f.limit);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.priority) query = query.where('priority', '=', f.priority);
  if (f.owner) query = query.where('owner', '=', f.owner);
  if (f.overdueAt !== undefined) {
    query = query.where('status', 'in', ['new', 'investigating']).where('sla_due_at', '<', f.overdueAt);
  }
  return (await query.execute()).map(toEscalation);
}

/** Changes the status only if it is still `from` (two investigators moving it at once: one wins). */
export async function updateEscalationStatus(
  q: Queryable,
  id: string,
  from: string,
  set: { status: string; outcome?: string | null; mitigatedAt?: number; resolvedAt?: number; now: number },
): Promise<boolean> {
  const r = await q
    .updateTable('escalations')
    .set({
      status: set.status, updated_at: set.now,
      ...(set.outcome !== undefined ? { outcome: set.outcome } : {}),
      ...(set.mitigatedAt !== undefined ? { mitigated_at: set.mitigatedAt } : {}),
      ...(set.resolvedAt !== undefined ? { resolved_at: set.resolvedAt } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setEscalationOwner(q: Queryable, id: string, owner: string | null, now: number): Promise<void> {
  await q.updateTable('escalations').set({ owner, updated_at: now }).where('id', '=', id).execute();
}

export async function touchEscalation(q: Queryable, id: string, now: number): Promise<void> {
  await q.updateTable('escalations').set({ updated_at: now }).where('id', '=', id).execute();
}

/** Adds entities not already in the escalation; returns those added. */
export async function insertEntities(
  q: Queryable,
  escalationId: string,
  entities: readonly { entityType: string; entityId: string; relation: string }[],
  by: string,
  now: number,
): Promise<EscalationEntity[]> {
  const added: EscalationEntity[] = [];
  for (const e of entities) {
    const r = await q
      .insertInto('escalation_entities')
      .values({ escalation_id: escalationId, entity_type: e.entityType, entity_id: e.entityId, relation: e.relation, added_by: by, added_at: now })
      .onConflict((oc) => oc.columns(['escalation_id', 'entity_type', 'entity_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) added.push({ ...e, addedBy: by, addedAt: now });
  }
  return added;
}

export async function entitiesOf(q: Queryable, escalationId: string): Promise<EscalationEntity[]> {
  const rows = await q.selectFrom('escalation_entities').selectAll().where('escalation_id', '=', escalationId)
    .orderBy('added_at').orderBy('entity_type').orderBy('entity_id').execute();
  return rows.map((r) => ({ entityType: r.entity_type, entityId: r.entity_id, relation: r.relation, addedBy: r.added_by, addedAt: Number(r.added_at) }));
}

export async function insertNote(q: Queryable, escalationId: string, n: EscalationNote): Promise<void> {
  await q.insertInto('escalation_notes').values({ id: n.id, escalation_id: escalationId, author: n.author, kind: n.kind, text: n.text, at: n.at }).execute();
}

export async function notesOf(q: Queryable, escalationId: string): Promise<EscalationNote[]> {
  return (await q.selectFrom('escalation_notes').selectAll().where('escalation_id', '=', escalationId).orderBy('at').orderBy('id').execute()).map(toNote);
}

export async function insertRootCause(q: Queryable, r: RootCauseRecord): Promise<void> {
  await q.insertInto('root_causes').values({
    id: r.id, escalation_id: r.escalationId, cause: r.cause, status: r.status, evidence: toJson(r.evidence), note: r.note,
    suggested_by: r.suggestedBy, decided_by: r.decidedBy, created_at: r.createdAt, updated_at: r.updatedAt,
  }).execute();
}

export async function rootCausesOf(q: Queryable, escalationId: string): Promise<RootCauseRecord[]> {
  return (await q.selectFrom('root_causes').selectAll().where('escalation_id', '=', escalationId).orderBy('created_at').orderBy('id').execute()).map(toRootCause);
}

export async function getRootCause(q: Queryable, id: string): Promise<RootCauseRecord | null> {
  const r = await q.selectFrom('root_causes').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRootCause(r) : null;
}

export async function decideRootCause(q: Queryable, id: string, d: { status: string; note: string | null; by: string; now: number }): Promise<void> {
  await q.updateTable('root_causes').set({ status: d.status, note: d.note, decided_by: d.by, updated_at: d.now }).where('id', '=', id).execute();
}

export async function insertRemediation(q: Queryable, r: RemediationItem): Promise<void> {
  await q.insertInto('remediation_items').values({
    id: r.id, escalation_id: r.escalationId, team: r.team, title: r.title, owner: r.owner, due_at: r.dueAt, status: r.status,
    root_cause_id: r.rootCauseId, proposal_id: r.proposalId, created_by: r.createdBy, created_at: r.createdAt,
    updated_at: r.updatedAt, done_at: r.doneAt,
  }).execute();
}

export async function getRemediation(q: Queryable, id: string): Promise<RemediationItem | null> {
  const r = await q.selectFrom('remediation_items').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRemediation(r) : null;
}

export async function updateRemediation(
  q: Queryable,
  id: string,
  set: Partial<Pick<RemediationItem, 'status' | 'title' | 'owner' | 'dueAt' | 'proposalId' | 'doneAt'>> & { updatedAt: number },
): Promise<void> {
  await q.updateTable('remediation_items').set({
    updated_at: set.updatedAt,
    ...(set.status !== undefined ? { status: set.status } : {}),
    ...(set.title !== undefined ? { title: set.title } : {}),
    ...(set.owner !== undefined ? { owner: set.owner } : {}),
    ...(set.dueAt !== undefined ? { due_at: set.dueAt } : {}),
    ...(set.proposalId !== undefined ? { proposal_id: set.proposalId } : {}),
    ...(set.doneAt !== undefined ? { done_at: set.doneAt } : {}),
  }).where('id', '=', id).execute();
}

export async function remediationOf(q: Queryable, escalationId: string): Promise<RemediationItem[]> {
  return (await q.selectFrom('remediation_items').selectAll().where('escalation_id', '=', escalationId).orderBy('created_at').orderBy('id').execute()).map(toRemediation);
}

/** Open and in-progress items across escalations, with their escalation's title and priority (bounded). */
export async function openRemediation(
  q: Queryable,
  f: { team?: string | undefined; owner?: string | undefined; limit: number },
): Promise<(RemediationItem & { escalationTitle: string; escalationPriority: string })[]> {
  let query = q
    .selectFrom('remediation_items as r')
    .innerJoin('escalations as e', 'e.id', 'r.escalation_id')
    .selectAll('r')
    .select(['e.title as escalation_title', 'e.priority as escalation_priority'])
    .where('r.status', 'in', ['open', 'in_progress'])
    .orderBy('r.created_at')
    .limit(f.limit);
  if (f.team) query = query.where('r.team', '=', f.team);
  if (f.owner) query = query.where('r.owner', '=', f.owner);
  const rows = await query.execute();
  return rows.map((r) => ({ ...toRemediation(r), escalationTitle: r.escalation_title, escalationPriority: r.escalation_priority }));
}

export async function proposalsOfEscalation(q: Queryable, escalationId: string): Promise<LinkedProposal[]> {
  const rows = await q.selectFrom('proposals').select(['id', 'kind', 'title', 'status', 'root_cause', 'created_at', 'deployed_at'])
    .where('escalation_id', '=', escalationId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind, title: r.title, status: r.status, rootCause: r.root_cause, createdAt: Number(r.created_at), deployedAt: num(r.deployed_at),
  }));
}

export async function proposalExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.selectFrom('proposals').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** When each of these events happened (for trace highlights on a postmortem timeline). */
export async function eventTimes(q: Queryable, eventIds: readonly string[]): Promise<Map<string, number>> {
  if (eventIds.length === 0) return new Map();
  const rows = await q.selectFrom('events').select(['id', 'at']).where('id', 'in', [...eventIds]).execute();
  return new Map(rows.map((r) => [r.id, Number(r.at)]));
}
