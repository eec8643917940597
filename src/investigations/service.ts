import type { Clock } from '../core/clock.js';
import type { EventType } from '../core/types.js';
import { knownCategories } from '../learning/eval/sets.js';
import type { Queryable, Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendAudit } from '../store/repos/audit.js';
import {
  type Escalation, type EscalationEntity, type EscalationNote, entitiesOf, eventTimes, getEscalation, insertEntities, insertEscalation,
  insertNote, type LinkedProposal, listEscalations, notesOf, proposalsOfEscalation, type RemediationItem, remediationOf,
  type RootCauseRecord, rootCausesOf, setEscalationOwner, touchEscalation, updateEscalationStatus,
} from '../store/repos/escalations.js';
import { existingItemIds } from '../store/repos/escalation-related.js';
import { appendEvents } from '../store/repos/events.js';
import {
  type EscalationEntitiesInput, type EscalationIntake, type EscalationListQuery, slaDueAt, type SlaState, slaState, type StatusChange,
  transitionProblem,
} from './escalations.js';
import { resolveEntities } from './intake.js';
import { categoryNote, confirmedCategoryOf, escalationOutcomeLabels, type OutcomeExamples, writeOutcomeExamples } from './outcomes.js';
import { loopOf, renderPostmortem, type TraceHighlight } from './postmortem.js';
import { findRelatedItems, type RelatedCandidate } from './related.js';
import { isRemediationOverdue } from './remediation.js';
import { rootCauseLabel } from './root-causes.js';

/** A refusal the caller can act on; `status` is the HTTP status it maps to, `issues` name the offending fields. */
export class EscalationError extends Error {
  constructor(readonly status: 400 | 404 | 409, readonly code: string, message: string, readonly issues?: { path: string; message: string }[]) {
    super(message);
  }
}

export interface EscalationSummary extends Escalation {
  sla: SlaState;
}

export interface EscalationDetail {
  escalation: EscalationSummary;
  /** The category the escalation confirmed when it was resolved (null otherwise). */
  category: string | null;
  entities: EscalationEntity[];
  notes: EscalationNote[];
  rootCauses: RootCauseRecord[];
  remediation: (RemediationItem & { overdue: boolean })[];
  proposals: LinkedProposal[];
}

/** What one change records: an event (type + payload) and an audit row (action + details). */
export interface Change {
  escalationId: string;
  event: EventType;
  audit: string;
  targetType?: string;
  targetId?: string;
  details: Record<string, unknown>;
  note?: { kind: 'note' | 'status' | 'system'; text: string };
}

/**
 * Escalations: intake, the status workflow with its SLA, the notes timeline, the entities involved and those
 * related to them, and resolution with an outcome that becomes evaluation data. Root causes and remediation are
 * in CaseWork (./case-work.ts). Every change is audited and evented, in the transaction that makes it.
 */
export class EscalationService {
  constructor(readonly store: Store, readonly clock: Clock) {}

  /** Appends the change's timeline note, event and audit row, and touches the escalation. */
  async record(q: Queryable, actor: string, c: Change, now: number): Promise<void> {
    if (c.note) await insertNote(q, c.escalationId, { id: newId(), author: actor, kind: c.note.kind, text: c.note.text, at: now });
    await appendEvents(q, [{ type: c.event, itemId: null, accountId: null, actor, versions: {}, payload: { escalationId: c.escalationId, ...c.details } }], now);
    await appendAudit(q, { actor, action: c.audit, targetType: c.targetType ?? 'escalation', targetId: c.targetId ?? c.escalationId, details: { escalationId: c.escalationId, ...c.details } }, now);
    await touchEscalation(q, c.escalationId, now);
  }

  async open(input: EscalationIntake, actor: string): Promise<EscalationDetail> {
    const { entities, problems } = await resolveEntities(this.store.db, input.entities);
    if (problems.length > 0) throw unknownEntities(problems);
    const now = this.clock.now();
    const escalation: Escalation = {
      id: newId(), title: input.title, summary: input.summary, source: input.source, priority: input.priority, status: 'new',
      owner: input.owner ?? null, slaDueAt: slaDueAt(input.priority, now), outcome: null, createdBy: actor, createdAt: now, updatedAt: now,
      mitigatedAt: null, resolvedAt: null,
    };
    await this.store.db.transaction().execute(async (trx) => {
      await insertEscalation(trx, escalation);
      await insertEntities(trx, escalation.id, entities.map((e) => ({ ...e, relation: 'intake' })), actor, now);
      await this.record(trx, actor, {
        escalationId: escalation.id, event: 'escalation_opened', audit: 'escalation.open',
        details: { title: input.title, source: input.source, priority: input.priority, owner: escalation.owner, slaDueAt: escalation.slaDueAt, entities },
        note: { kind: 'system', text: `Opened (${input.priority}, source ${input.source}) with ${describeCounts(entities)}` },
      }, now);
    });
    return this.get(escalation.id);
  }

  async list(query: EscalationListQuery): Promise<EscalationSummary[]> {
    const now = this.clock.now();
    const rows = await listEscalations(this.store.db, {
      status: query.status, priority: query.priority, owner: query.owner, overdueAt: query.overdue === true ? now : undefined, limit: query.limit,
    });
    const out = rows.map((e) => ({ ...e, sla: slaState(e, now) }));
    return query.overdue === false ? out.filter((e) => !e.sla.overdue) : out;
  }

  async require(q: Queryable, id: string): Promise<Escalation> {
    const e = await getEscalation(q, id);
    if (!e) throw new EscalationError(404, 'not_found', `escalation ${id} not found`);
    return e;
  }

  async get(id: string): Promise<EscalationDetail> {
    const q = this.store.db;
    const escalation = await this.require(q, id);
    const now = this.clock.now();
    const notes = await notesOf(q, id);
    return {
      escalation: { ...escalation, sla: slaState(escalation, now) },
      category: confirmedCategoryOf(notes),
      entities: await entitiesOf(q, id),
      notes,
      rootCauses: await rootCausesOf(q, id),
      remediation: (await remediationOf(q, id)).map((r) => ({ ...r, overdue: isRemediationOverdue(r, now) })),
      proposals: await proposalsOfEscalation(q, id),
    };
  }

  async addNote(id: string, text: string, actor: string): Promise<EscalationNote> {
    const now = this.clock.now();
    const note: EscalationNote = { id: newId(), author: actor, kind: 'note', text, at: now };
    await this.store.db.transaction().execute(async (trx) => {
      await this.require(trx, id);
      await insertNote(trx, id, note);
      await this.record(trx, actor, { escalationId: id, event: 'escalation_note_added', audit: 'escalation.note', details: { noteId: note.id, chars: text.length } }, now);
    });
    return note;
  }

  async assign(id: string, owner: string | null, actor: string): Promise<EscalationDetail> {
    const now = this.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      const e = await this.require(trx, id);
      await setEscalationOwner(trx, id, owner, now);
      await this.record(trx, actor, {
        escalationId: id, event: 'escalation_assigned', audit: 'escalation.assign', details: { from: e.owner, to: owner },
        note: { kind: 'system', text: owner ? `Owner: ${owner}` : 'Owner removed' },
      }, now);
    });
    return this.get(id);
  }

  /**
   * Moves the escalation along its workflow. Resolving needs an outcome; with confirmed or false_positive the
   * escalation's items are labelled and written to the `escalations` evaluation set in the same transaction.
   */
  async changeStatus(id: string, change: StatusChange, actor: string): Promise<{ detail: EscalationDetail; examples: OutcomeExamples | null }> {
    if (change.category && !(await knownCategories(this.store.db)).has(change.category)) {
      throw new EscalationError(400, 'invalid_request', `body.category: unknown category ${change.category} (not in the taxonomy)`, [
        { path: 'body.category', message: `unknown category ${change.category}` },
      ]);
    }
    const now = this.clock.now();
    const examples = await this.store.db.transaction().execute(async (trx) => {
      const e = await this.require(trx, id);
      const from = e.status as Parameters<typeof transitionProblem>[0];
      const problem = transitionProblem(from, change.status, change.outcome ?? null);
      if (problem) {
        if (change.status === 'resolved' && !change.outcome && from !== 'resolved') {
          throw new EscalationError(400, 'outcome_required', `body.outcome: ${problem}`, [{ path: 'body.outcome', message: problem }]);
        }
        if (change.outcome && change.status !== 'resolved') throw new EscalationError(400, 'invalid_request', `body.outcome: ${problem}`, [{ path: 'body.outcome', message: problem }]);
        throw new EscalationError(409, 'invalid_transition', problem);
      }
      const moved = await updateEscalationStatus(trx, id, e.status, {
        status: change.status, now,
        ...(change.status === 'resolved' ? { outcome: change.outcome ?? null, resolvedAt: now } : {}),
        ...(change.status === 'mitigated' && e.mitigatedAt === null ? { mitigatedAt: now } : {}),
      });
      if (!moved) throw new EscalationError(409, 'conflict', `escalation ${id} changed while this was being done; reload and try again`);
      const text = `${e.status} -> ${change.status}${change.outcome ? ` (outcome: ${change.outcome})` : ''}${change.note ? `: ${change.note}` : ''}`;
      await this.record(trx, actor, {
        escalationId: id, event: 'escalation_status_changed', audit: 'escalation.status',
        details: { from: e.status, to: change.status, outcome: change.outcome ?? null, category: change.category ?? null, note: change.note ?? null },
        note: { kind: 'status', text },
      }, now);
      if (change.category) await insertNote(trx, id, { id: newId(), author: actor, kind: 'system', text: categoryNote(change.category), at: now });
      if (change.status !== 'resolved' || (change.outcome !== 'confirmed' && change.outcome !== 'false_positive')) return null;
      const labels = await escalationOutcomeLabels(trx, id);
      if (!labels) return null;
      const written = await writeOutcomeExamples(trx, labels, actor, now);
      await insertNote(trx, id, {
        id: newId(), author: 'haven', kind: 'system', at: now,
        text: `Outcome labels: ${written.added + written.replaced + written.unchanged} item(s) in evaluation set ${written.set}${written.skipped.length ? `, ${written.skipped.length} skipped` : ''}`,
      });
      return written;
    });
    return { detail: await this.get(id), examples };
  }

  async addEntities(id: string, input: EscalationEntitiesInput, actor: string): Promise<EscalationEntity[]> {
    const { entities, problems } = await resolveEntities(this.store.db, input);
    if (problems.length > 0) throw unknownEntities(problems);
    return this.insertEntities(id, entities.map((e) => ({ ...e, relation: 'added' })), actor);
  }

  /** Items related to the escalation's items that are not in it yet, with how they are related. */
  async related(id: string): Promise<RelatedCandidate[]> {
    await this.require(this.store.db, id);
    const entities = await entitiesOf(this.store.db, id);
    const items = entities.filter((e) => e.entityType === 'item').map((e) => e.entityId);
    return findRelatedItems(this.store.db, items, new Set(items));
  }

  /** Adds related items: all candidates (`true`) or the named ones, each of which must be a candidate. */
  async addRelated(id: string, add: true | readonly string[], actor: string): Promise<EscalationEntity[]> {
    const candidates = await this.related(id);
    const byId = new Map(candidates.map((c) => [c.entityId, c]));
    if (add !== true) {
      const unknown = add.map((itemId, i) => ({ itemId, i })).filter(({ itemId }) => !byId.has(itemId));
      if (unknown.length > 0) {
        throw new EscalationError(400, 'not_related', unknown.map(({ itemId, i }) => `body.add.${i}: item ${itemId} is not a related candidate of escalation ${id}`).join('; '),
          unknown.map(({ itemId, i }) => ({ path: `body.add.${i}`, message: `item ${itemId} is not a related candidate` })));
      }
    }
    const chosen = add === true ? candidates : [...new Set(add)].map((itemId) => byId.get(itemId) as RelatedCandidate);
    return this.insertEntities(id, chosen.map((c) => ({ entityType: 'item', entityId: c.entityId, relation: c.relations[0]?.relation ?? 'added' })), actor);
  }

  private async insertEntities(id: string, entities: { entityType: string; entityId: string; relation: string }[], actor: string): Promise<EscalationEntity[]> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const e = await this.require(trx, id);
      if (e.status === 'resolved') throw new EscalationError(409, 'resolved', `escalation ${id} is resolved; its entities are final`);
      const added = await insertEntities(trx, id, entities, actor, now);
      if (added.length > 0) {
        await this.record(trx, actor, {
          escalationId: id, event: 'escalation_entities_added', audit: 'escalation.entities.add',
          details: { added: added.map((a) => ({ entityType: a.entityType, entityId: a.entityId, relation: a.relation })) },
          note: { kind: 'system', text: `Added ${describeCounts(added)}${describeRelations(added)}` },
        }, now);
      }
      return added;
    });
  }

  /** The postmortem of an escalation in Markdown (no media: ids and text only). */
  async postmortem(id: string): Promise<string> {
    const detail = await this.get(id);
    const highlights = await traceHighlights(this.store.db, detail.rootCauses);
    return renderPostmortem({ ...detail, traceHighlights: highlights, loop: loopOf(detail.escalation, detail.proposals), generatedAt: this.clock.now() });
  }

  /** Checks that evidence naming items names stored ones (400 naming the field otherwise). */
  async checkEvidenceItems(evidence: readonly { itemId: string | null }[], where: string): Promise<void> {
    const ids = evidence.flatMap((e) => (e.itemId ? [e.itemId] : []));
    const found = await existingItemIds(this.store.db, ids);
    const bad = evidence.map((e, i) => ({ e, i })).filter(({ e }) => e.itemId !== null && !found.has(e.itemId));
    if (bad.length > 0) {
      throw new EscalationError(400, 'unknown_entities', bad.map(({ e, i }) => `${where}.${i}.itemId: unknown item ${e.itemId}`).join('; '),
        bad.map(({ e, i }) => ({ path: `${where}.${i}.itemId`, message: `unknown item ${e.itemId}` })));
    }
  }
}

function unknownEntities(problems: { path: string; message: string }[]): EscalationError {
  return new EscalationError(400, 'unknown_entities', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

function describeCounts(entities: readonly { entityType: string }[]): string {
  if (entities.length === 0) return 'no entities';
  const counts = new Map<string, number>();
  for (const e of entities) counts.set(e.entityType, (counts.get(e.entityType) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t.replace('_', ' ')}${n === 1 ? '' : 's'}`).join(', ');
}

function describeRelations(entities: readonly { relation: string }[]): string {
  const rel = [...new Set(entities.map((e) => e.relation))].filter((r) => r !== 'added' && r !== 'intake');
  return rel.length > 0 ? ` (related: ${rel.join(', ').replaceAll('_', ' ')})` : '';
}

/** Trace steps cited as evidence by the causes not rejected, with when they happened. */
async function traceHighlights(q: Queryable, causes: readonly RootCauseRecord[]): Promise<TraceHighlight[]> {
  const cited = causes.filter((c) => c.status !== 'rejected').flatMap((c) => c.evidence.map((ev) => ({ cause: c.cause, ev })));
  const times = await eventTimes(q, cited.flatMap(({ ev }) => (ev.eventId ? [ev.eventId] : [])));
  return cited.map(({ cause, ev }) => ({
    at: ev.eventId ? (times.get(ev.eventId) ?? null) : null, itemId: ev.itemId, text: `${ev.step}: ${ev.text} (${rootCauseLabel(cause)})`,
  }));
}
