import { knownCategories } from '../learning/eval/sets.js';
import { newId } from '../store/ids.js';
import {
  decideRootCause, entitiesOf, getRemediation, getRootCause, insertRemediation, insertRootCause, notesOf, openRemediation, proposalExists,
  type RemediationItem, type RootCauseRecord, rootCausesOf, updateRemediation,
} from '../store/repos/escalations.js';
import { type BoardColumn, type BoardEntry, groupBoard, type RemediationInput, type RemediationPatch, toMs } from './remediation.js';
import { type RootCause, type RootCauseEvidence, rootCauseLabel } from './root-causes.js';
import { confirmedCategoryOf } from './outcomes.js';
import { EscalationError, type EscalationService } from './service.js';
import { buildItemTrace, suggestRootCauses } from './trace/index.js';

/** How many of an escalation's items are traced when Haven suggests root causes. */
export const MAX_TRACED_ITEMS = 100;
/** The board shows at most this many open items. */
export const MAX_BOARD_ITEMS = 2_000;

export interface Board {
  generatedAt: number;
  total: number;
  overdue: number;
  teams: BoardColumn<BoardEntry & RemediationItem>[];
}

/**
 * The investigation work on an escalation: root causes (suggested by Haven from enforcement traces, confirmed or
 * rejected by an investigator, or added by hand with evidence) and remediation items for the teams that fix them,
 * with the cross-team board. Changes are recorded through the escalation (timeline note, event, audit row).
 */
export class CaseWork {
  constructor(private readonly escalations: EscalationService) {}

  private get db() {
    return this.escalations.store.db;
  }

  private now(): number {
    return this.escalations.clock.now();
  }

  /**
   * Traces the escalation's items and records the causes the traces point to as 'suggested' (by 'haven'), with
   * links to the trace steps. A cause already on the escalation (suggested, confirmed or rejected) is not suggested
   * again.
   */
  async suggest(
    escalationId: string,
    actor: string,
    opts: { expectedCategory?: string | undefined } = {},
  ): Promise<{ added: RootCauseRecord[]; alreadyRecorded: string[]; tracedItems: number; expectedCategory: string | null }> {
    await this.escalations.require(this.db, escalationId);
    if (opts.expectedCategory && !(await knownCategories(this.db)).has(opts.expectedCategory)) {
      throw badField('body.expectedCategory', `unknown category ${opts.expectedCategory} (not in the taxonomy)`);
    }
    // What the items should have been: as the investigator says, else the category the escalation confirmed; with
    // neither, the traces rely on the last human word on each item.
    const expectedCategory = opts.expectedCategory ?? confirmedCategoryOf(await notesOf(this.db, escalationId));
    const itemIds = (await entitiesOf(this.db, escalationId)).filter((e) => e.entityType === 'item').map((e) => e.entityId).slice(0, MAX_TRACED_ITEMS);
    const traces = [];
    for (const id of itemIds) {
      const t = await buildItemTrace(this.db, id, { now: this.now() });
      if (t) traces.push(t);
    }
    const suggestions = suggestRootCauses(traces, expectedCategory ? { category: expectedCategory } : null);
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const recorded = new Set((await rootCausesOf(trx, escalationId)).map((c) => c.cause));
      const added: RootCauseRecord[] = [];
      const alreadyRecorded: string[] = [];
      for (const s of suggestions) {
        if (recorded.has(s.cause)) {
          alreadyRecorded.push(s.cause);
          continue;
        }
        recorded.add(s.cause);
        const evidence: RootCauseEvidence[] = s.evidence.map((e) => ({ itemId: e.itemId, eventId: e.eventId, step: e.step, text: e.text }));
        const row: RootCauseRecord = {
          id: newId(), escalationId, cause: s.cause, status: 'suggested', evidence, note: null, suggestedBy: 'haven', decidedBy: null,
          createdAt: now, updatedAt: now,
        };
        await insertRootCause(trx, row);
        added.push(row);
      }
      if (added.length > 0) {
        await this.escalations.record(trx, actor, {
          escalationId, event: 'root_cause_suggested', audit: 'escalation.root_causes.suggest',
          details: { causes: added.map((c) => ({ id: c.id, cause: c.cause, evidence: c.evidence.length })), tracedItems: traces.length },
          note: { kind: 'system', text: `Haven suggested root causes: ${added.map((c) => rootCauseLabel(c.cause)).join(', ')}` },
        }, now);
      }
      return { added, alreadyRecorded, tracedItems: traces.length, expectedCategory };
    });
  }

  /** A cause an investigator names, with its evidence: recorded as confirmed. */
  async addCause(escalationId: string, input: { cause: RootCause; evidence: RootCauseEvidence[]; note?: string | undefined }, actor: string): Promise<RootCauseRecord> {
    await this.escalations.checkEvidenceItems(input.evidence, 'body.evidence');
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await this.escalations.require(trx, escalationId);
      const row: RootCauseRecord = {
        id: newId(), escalationId, cause: input.cause, status: 'confirmed', evidence: input.evidence, note: input.note ?? null,
        suggestedBy: actor, decidedBy: actor, createdAt: now, updatedAt: now,
      };
      await insertRootCause(trx, row);
      await this.escalations.record(trx, actor, {
        escalationId, event: 'root_cause_added', audit: 'escalation.root_cause.add', targetType: 'root_cause', targetId: row.id,
        details: { rootCauseId: row.id, cause: row.cause, evidence: row.evidence, note: row.note },
        note: { kind: 'system', text: `Root cause added and confirmed: ${rootCauseLabel(row.cause)}${row.note ? ` (${row.note})` : ''}` },
      }, now);
      return row;
    });
  }

  /** Confirms or rejects a cause (an investigator may change their mind; the latest decision stands). */
  async decideCause(escalationId: string, causeId: string, d: { status: 'confirmed' | 'rejected'; note?: string | undefined }, actor: string): Promise<RootCauseRecord> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await this.escalations.require(trx, escalationId);
      const cause = await getRootCause(trx, causeId);
      if (!cause || cause.escalationId !== escalationId) throw new EscalationError(404, 'not_found', `root cause ${causeId} not found on escalation ${escalationId}`);
      const note = d.note ?? cause.note;
      await decideRootCause(trx, causeId, { status: d.status, note, by: actor, now });
      await this.escalations.record(trx, actor, {
        escalationId, event: 'root_cause_decided', audit: 'escalation.root_cause.decide', targetType: 'root_cause', targetId: causeId,
        details: { rootCauseId: causeId, cause: cause.cause, from: cause.status, to: d.status, note: d.note ?? null },
        note: { kind: 'system', text: `Root cause ${rootCauseLabel(cause.cause)} ${d.status}${d.note ? `: ${d.note}` : ''}` },
      }, now);
      return { ...cause, status: d.status, note, decidedBy: actor, updatedAt: now };
    });
  }

  async addRemediation(escalationId: string, input: RemediationInput, actor: string): Promise<RemediationItem> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await this.escalations.require(trx, escalationId);
      if (input.rootCauseId) {
        const cause = await getRootCause(trx, input.rootCauseId);
        if (!cause || cause.escalationId !== escalationId) {
          throw badField('body.rootCauseId', `root cause ${input.rootCauseId} is not on escalation ${escalationId}`);
        }
      }
      if (input.proposalId && !(await proposalExists(trx, input.proposalId))) throw badField('body.proposalId', `unknown proposal ${input.proposalId}`);
      const item: RemediationItem = {
        id: newId(), escalationId, team: input.team, title: input.title, owner: input.owner ?? null,
        dueAt: input.dueAt === undefined ? null : toMs(input.dueAt), status: 'open', rootCauseId: input.rootCauseId ?? null,
        proposalId: input.proposalId ?? null, createdBy: actor, createdAt: now, updatedAt: now, doneAt: null,
      };
      await insertRemediation(trx, item);
      await this.escalations.record(trx, actor, {
        escalationId, event: 'remediation_added', audit: 'escalation.remediation.add', targetType: 'remediation_item', targetId: item.id,
        details: { remediationId: item.id, team: item.team, title: item.title, owner: item.owner, dueAt: item.dueAt, rootCauseId: item.rootCauseId, proposalId: item.proposalId },
        note: { kind: 'system', text: `Remediation for ${item.team}: ${item.title}${item.owner ? ` (owner ${item.owner})` : ''}` },
      }, now);
      return item;
    });
  }

  async updateRemediation(id: string, patch: RemediationPatch, actor: string): Promise<RemediationItem> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const item = await getRemediation(trx, id);
      if (!item) throw new EscalationError(404, 'not_found', `remediation item ${id} not found`);
      if (patch.proposalId && !(await proposalExists(trx, patch.proposalId))) throw badField('body.proposalId', `unknown proposal ${patch.proposalId}`);
      const status = patch.status ?? item.status;
      const next: RemediationItem = {
        ...item, status,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.owner !== undefined ? { owner: patch.owner } : {}),
        ...(patch.dueAt !== undefined ? { dueAt: patch.dueAt === null ? null : toMs(patch.dueAt) } : {}),
        ...(patch.proposalId !== undefined ? { proposalId: patch.proposalId } : {}),
        doneAt: status === 'done' ? (item.status === 'done' ? item.doneAt : now) : null,
        updatedAt: now,
      };
      await updateRemediation(trx, id, {
        status: next.status, title: next.title, owner: next.owner, dueAt: next.dueAt, proposalId: next.proposalId, doneAt: next.doneAt, updatedAt: now,
      });
      const moved = item.status !== next.status;
      await this.escalations.record(trx, actor, {
        escalationId: item.escalationId, event: 'remediation_updated', audit: 'escalation.remediation.update', targetType: 'remediation_item', targetId: id,
        details: { remediationId: id, patch, from: item.status, to: next.status },
        ...(moved ? { note: { kind: 'system' as const, text: `Remediation for ${item.team} "${next.title}": ${item.status} -> ${next.status}` } } : {}),
      }, now);
      return next;
    });
  }

  /** All open remediation items across escalations, grouped by team, with overdue flags. */
  async board(f: { team?: string | undefined; owner?: string | undefined }): Promise<Board> {
    const now = this.now();
    const items = await openRemediation(this.db, { ...f, limit: MAX_BOARD_ITEMS });
    const teams = groupBoard(items, now).filter((c) => !f.team || c.team === f.team);
    return { generatedAt: now, total: items.length, overdue: teams.reduce((n, c) => n + c.overdue, 0), teams };
  }
}

function badField(path: string, message: string): EscalationError {
  return new EscalationError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);
}
