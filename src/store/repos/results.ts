import type { Selectable } from 'kysely';
import type { ActionType } from '../../core/actions.js';
import type { AccountId, ActionId, DecisionId, ItemId, SignalId } from '../../core/ids.js';
import type { Severity } from '../../core/taxonomy.js';
import type { Action, ActionStatus, Decision, Signal, Verdict } from '../../core/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { ActionsTable, DecisionsTable, SignalsTable } from '../schema.js';

// Signals, decisions and actions: what the pipeline concluded about an item.

export function toSignal(r: Selectable<SignalsTable>): Signal {
  return {
    id: r.id as SignalId, itemId: r.item_id as ItemId, detector: r.detector, detectorVersion: r.detector_version,
    category: r.category, score: r.score, evidence: fromJson(r.evidence), createdAt: r.created_at,
  };
}

export function toDecision(r: Selectable<DecisionsTable>): Decision {
  return {
    id: r.id as DecisionId, itemId: r.item_id as ItemId, policyVersion: r.policy_version,
    taxonomyVersion: r.taxonomy_version, verdict: r.verdict as Verdict, category: r.category,
    severity: r.severity as Severity, actions: fromJson(r.actions), reasons: fromJson(r.reasons), createdAt: r.created_at,
  };
}

export interface ActionRecord extends Action {
  delivery: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
}

export function toAction(r: Selectable<ActionsTable>): ActionRecord {
  return {
    id: r.id as ActionId, decisionId: r.decision_id as DecisionId, itemId: r.item_id as ItemId,
    accountId: r.account_id as AccountId | null, type: r.type as ActionType, status: r.status as ActionStatus,
    idempotencyKey: r.idempotency_key, createdAt: r.created_at, deliveredAt: r.delivered_at, delivery: r.delivery,
    attempts: r.attempts, lastError: r.last_error, nextAttemptAt: r.next_attempt_at,
  };
}

export async function insertSignals(q: Queryable, signals: readonly Signal[]): Promise<void> {
  for (let i = 0; i < signals.length; i += 300) {
    await q
      .insertInto('signals')
      .values(signals.slice(i, i + 300).map((s) => ({
        id: s.id, item_id: s.itemId, detector: s.detector, detector_version: s.detectorVersion, category: s.category,
        score: s.score, evidence: toJson(s.evidence), created_at: s.createdAt,
      })))
      .execute();
  }
}

export async function insertDecisions(q: Queryable, decisions: readonly Decision[]): Promise<void> {
  for (let i = 0; i < decisions.length; i += 300) {
    await q
      .insertInto('decisions')
      .values(decisions.slice(i, i + 300).map((d) => ({
        id: d.id, item_id: d.itemId, policy_version: d.policyVersion, taxonomy_version: d.taxonomyVersion,
        verdict: d.verdict, category: d.category, severity: d.severity, actions: toJson(d.actions),
        reasons: toJson(d.reasons), created_at: d.createdAt,
      })))
      .execute();
  }
}

export interface NewAction extends Action {
  delivery: string;
}

export async function insertActions(q: Queryable, actions: readonly NewAction[]): Promise<void> {
  for (let i = 0; i < actions.length; i += 300) {
    await q
      .insertInto('actions')
      .values(actions.slice(i, i + 300).map((a) => ({
        id: a.id, decision_id: a.decisionId, item_id: a.itemId, account_id: a.accountId, type: a.type,
        delivery: a.delivery, status: a.status, idempotency_key: a.idempotencyKey, created_at: a.createdAt,
        delivered_at: a.deliveredAt, attempts: 0, next_attempt_at: a.status === 'pending' ? a.createdAt : null,
      })))
      .execute();
  }
}

export async function resultsForItem(q: Queryable, itemId: ItemId) {
  const [signals, decisions, actions] = await Promise.all([
    q.selectFrom('signals').selectAll().where('item_id', '=', itemId).orderBy('id').execute(),
    q.selectFrom('decisions').selectAll().where('item_id', '=', itemId).orderBy('id').execute(),
    q.selectFrom('actions').selectAll().where('item_id', '=', itemId).orderBy('id').execute(),
  ]);
  return { signals: signals.map(toSignal), decisions: decisions.map(toDecision), actions: actions.map(toAction) };
}
