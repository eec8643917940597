import type { Clock } from '../core/clock.js';
import type { RulesDocument } from '../detectors/text/rules/format.js';
import type { Queryable, Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendAudit } from '../store/repos/audit.js';
import { latestConfig } from '../store/repos/config.js';
import {
  conversationExists, type EntityLabel, escalationExists, getLabel, getSnooze, insertLabel, insertSnooze, type LabelFilter,
  listLabels, listSnoozes, removeLabel, removeSnooze, resolveAccountId, type RuleSnooze, type SnoozeFilter,
} from '../store/repos/entity-labels.js';
import { appendEvents } from '../store/repos/events.js';
import { type EntityType, type LabelInput, labelExpiry, type SnoozeInput, snoozeExpiry } from './labels.js';

/** A request the caller must fix; `field` names the input at fault (e.g. body.ruleId). */
export class LabelError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(field ? `${field}: ${message}` : message);
  }
}

/**
 * Puts labels on entities and snoozes rules for one entity: validated against what Haven knows (the account, the
 * conversation, the escalation, the deployed rules), written with its audit entry and event in one transaction.
 */
export class LabelService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async addLabel(input: LabelInput, actor: string): Promise<EntityLabel> {
    const now = this.clock.now();
    const expiry = labelExpiry(input.expiresAt, now);
    if (!expiry.ok) throw new LabelError(400, 'invalid_request', expiry.message, 'body.expiresAt');
    return this.store.db.transaction().execute(async (trx) => {
      const entityId = await this.resolveEntity(trx, input.entityType, input.entityId, 'body.entityId');
      await this.checkEscalation(trx, input.escalationId);
      const [existing] = await listLabels(trx, { entityType: input.entityType, entityId, label: input.label, activeAt: now, limit: 1 });
      if (existing) {
        throw new LabelError(409, 'label_exists', `${input.entityType} ${entityId} already carries ${input.label} (label ${existing.id}); remove it first to change it`);
      }
      const label = await insertLabel(trx, {
        id: newId(), entityType: input.entityType, entityId, label: input.label, reason: input.reason, createdBy: actor, createdAt: now,
        expiresAt: expiry.at, escalationId: input.escalationId ?? null,
      });
      const details = { entityType: label.entityType, entityId, label: label.label, reason: label.reason, expiresAt: label.expiresAt, escalationId: label.escalationId };
      await appendAudit(trx, { actor, action: 'label.add', targetType: 'entity_label', targetId: label.id, details }, now);
      await appendEvents(trx, [{
        type: 'label_added', itemId: null, accountId: label.entityType === 'account' ? entityId : null, actor, versions: {},
        payload: { labelId: label.id, ...details },
      }], now);
      return label;
    });
  }

  async removeLabel(id: string, reason: string, actor: string): Promise<EntityLabel> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const removed = await removeLabel(trx, id, actor, now);
      if (!removed) {
        const found = await getLabel(trx, id);
        throw found ? new LabelError(409, 'already_removed', `label ${id} was already removed`) : new LabelError(404, 'not_found', `label ${id} not found`);
      }
      const details = { entityType: removed.entityType, entityId: removed.entityId, label: removed.label, reason };
      await appendAudit(trx, { actor, action: 'label.remove', targetType: 'entity_label', targetId: id, details }, now);
      await appendEvents(trx, [{
        type: 'label_removed', itemId: null, accountId: removed.entityType === 'account' ? removed.entityId : null, actor, versions: {},
        payload: { labelId: id, ...details },
      }], now);
      return removed;
    });
  }

  /** Labels, newest first; `entityId` of an account may be its external id. */
  async listLabels(f: Omit<LabelFilter, 'activeAt'> & { active: boolean }): Promise<EntityLabel[]> {
    const q = this.store.db;
    const entityId = f.entityType && f.entityId ? await this.resolveEntity(q, f.entityType, f.entityId, 'query.entityId', 404) : f.entityId;
    return listLabels(q, { ...f, entityId, activeAt: f.active ? this.clock.now() : undefined });
  }

  async addSnooze(input: SnoozeInput, actor: string): Promise<RuleSnooze & { rulesVersion: number }> {
    const now = this.clock.now();
    const expiry = snoozeExpiry(input.expiresAt, now);
    if (!expiry.ok) throw new LabelError(400, 'invalid_request', expiry.message, 'body.expiresAt');
    return this.store.db.transaction().execute(async (trx) => {
      const rules = await latestConfig<RulesDocument>(trx, 'rules');
      if (!rules?.document.rules.rules.some((r) => r.id === input.ruleId)) {
        throw new LabelError(400, 'invalid_request', `rule ${input.ruleId} is not in the deployed rules (v${rules?.version ?? 0})`, 'body.ruleId');
      }
      const entityId = await this.resolveEntity(trx, input.entityType, input.entityId, 'body.entityId');
      await this.checkEscalation(trx, input.escalationId);
      const snooze = await insertSnooze(trx, {
        id: newId(), ruleId: input.ruleId, entityType: input.entityType, entityId, reason: input.reason, createdBy: actor,
        createdAt: now, expiresAt: expiry.at, escalationId: input.escalationId ?? null,
      });
      const details = {
        ruleId: snooze.ruleId, rulesVersion: rules.version, entityType: snooze.entityType, entityId, reason: snooze.reason,
        expiresAt: snooze.expiresAt, escalationId: snooze.escalationId,
      };
      await appendAudit(trx, { actor, action: 'rule_snooze.add', targetType: 'rule_snooze', targetId: snooze.id, details }, now);
      await appendEvents(trx, [{
        type: 'rule_snoozed', itemId: null, accountId: snooze.entityType === 'account' ? entityId : null, actor, versions: { rules: rules.version },
        payload: { snoozeId: snooze.id, ...details },
      }], now);
      return { ...snooze, rulesVersion: rules.version };
    });
  }

  async removeSnooze(id: string, reason: string, actor: string): Promise<RuleSnooze> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const removed = await removeSnooze(trx, id, now);
      if (!removed) {
        const found = await getSnooze(trx, id);
        throw found ? new LabelError(409, 'already_removed', `rule snooze ${id} was already removed`) : new LabelError(404, 'not_found', `rule snooze ${id} not found`);
      }
      const details = { ruleId: removed.ruleId, entityType: removed.entityType, entityId: removed.entityId, reason };
      await appendAudit(trx, { actor, action: 'rule_snooze.remove', targetType: 'rule_snooze', targetId: id, details }, now);
      await appendEvents(trx, [{
        type: 'rule_snooze_removed', itemId: null, accountId: removed.entityType === 'account' ? removed.entityId : null, actor, versions: {},
        payload: { snoozeId: id, ...details },
      }], now);
      return removed;
    });
  }

  async listSnoozes(f: Omit<SnoozeFilter, 'activeAt'> & { active: boolean }): Promise<RuleSnooze[]> {
    const q = this.store.db;
    const entityId = f.entityType && f.entityId ? await this.resolveEntity(q, f.entityType, f.entityId, 'query.entityId', 404) : f.entityId;
    return listSnoozes(q, { ...f, entityId, activeAt: f.active ? this.clock.now() : undefined });
  }

  /** The stored id of an entity: accounts by Haven or external id; conversations must have an item; devices are taken as given. */
  private async resolveEntity(q: Queryable, type: EntityType, id: string, field: string, status = 400): Promise<string> {
    const code = status === 404 ? 'not_found' : 'invalid_request';
    if (type === 'account') {
      const resolved = await resolveAccountId(q, id);
      if (!resolved) throw new LabelError(status, code, `no account with id or external id ${id}`, field);
      return resolved;
    }
    if (type === 'conversation' && !(await conversationExists(q, id))) {
      throw new LabelError(status, code, `no item in Haven belongs to conversation ${id}`, field);
    }
    return id;
  }

  private async checkEscalation(q: Queryable, id: string | undefined): Promise<void> {
    if (id !== undefined && !(await escalationExists(q, id))) throw new LabelError(400, 'invalid_request', `escalation ${id} not found`, 'body.escalationId');
  }
}
