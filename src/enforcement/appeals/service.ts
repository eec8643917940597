import type { Clock } from '../../core/clock.js';
import type { DecisionReason } from '../../core/types.js';
import { fromJson, type Store } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import {
  type Appeal, type AppealStatus, appealForDecision, appealOutcomes, cancelUndeliveredAction, closeAppeal, closeAppealReviewTask,
  decisionsPage, getAppeal, insertAppeal, insertReversalActions, latestDecisionOfItem, listAppeals, type NewReversalAction,
  platformActionsOfDecision,
} from '../../store/repos/appeals.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents, type NewEvent } from '../../store/repos/events.js';
import { getItem } from '../../store/repos/items.js';
import { insertReviewTasks } from '../../store/repos/review.js';
import { isActioned, PrecisionTally, type PrecisionReport } from './precision.js';
import { type OriginalAction, planReversals, reversalIdempotencyKey } from './reversals.js';

export const APPEALS_QUEUE = 'appeals';

/** A refusal the caller can act on; `status` is the HTTP status it maps to. */
export class AppealError extends Error {
  constructor(readonly status: 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

export interface Resolution {
  appeal: Appeal;
  /** Original actions withdrawn before they reached the platform. */
  cancelled: { id: string; type: string }[];
  /** Reversal actions queued in the outbox. */
  reversals: { id: string; type: string; idempotencyKey: string; reverses: string[] }[];
}

/**
 * Appeals against decisions. Filing opens an appeal and a task in the `appeals` review queue; resolving it is a
 * senior reviewer's call. An overturn withdraws the decision's platform actions that have not left Haven and
 * queues a reversal for each that did (or may have), delivered by the outbox like any other action.
 */
export class AppealService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  /** Appeals the item's latest decision. Idempotent while the appeal is open; a resolved appeal is final. */
  async file(itemId: string, input: { reason: string; appellant: string | null }, actor: string): Promise<{ appeal: Appeal; created: boolean }> {
    const item = await getItem(this.store.db, itemId);
    if (!item) throw new AppealError(404, 'not_found', `item ${itemId} not found`);
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const decision = await latestDecisionOfItem(trx, itemId);
      if (!decision) throw new AppealError(409, 'no_decision', `item ${itemId} has no decision yet; there is nothing to appeal`);
      const actions = fromJson<string[]>(decision.actions);
      if (!isActioned(actions)) {
        throw new AppealError(409, 'not_actioned', `decision ${decision.id} (${decision.verdict}) took no enforcement action; there is nothing to appeal`);
      }
      const appeal: Appeal = {
        id: newId(), itemId, decisionId: decision.id, status: 'open', reason: input.reason, appellant: input.appellant,
        filedBy: actor, filedAt: now, resolvedBy: null, resolvedAt: null, resolutionReason: null,
      };
      if (!(await insertAppeal(trx, appeal))) {
        const existing = await appealForDecision(trx, decision.id);
        if (!existing) throw new Error(`appeal for decision ${decision.id} vanished`);
        if (existing.status === 'open') return { appeal: existing, created: false };
        throw new AppealError(409, 'appeal_closed', `decision ${decision.id} was already appealed: appeal ${existing.id} was ${existing.status}; that is final`);
      }
      await insertReviewTasks(trx, [{
        itemId, decisionId: decision.id, queue: APPEALS_QUEUE, category: decision.category, severity: decision.severity, slaDueAt: null, kind: 'appeal',
        surface: item.surface, hasMedia: item.media.length > 0,
      }], now);
      const base = { itemId, accountId: null, actor, versions: { policy: decision.policy_version } };
      await appendEvents(trx, [
        { ...base, type: 'appeal_filed', payload: { appealId: appeal.id, decisionId: decision.id, reason: input.reason, appellant: input.appellant } },
        { ...base, type: 'review_enqueued', payload: { queue: APPEALS_QUEUE, decisionId: decision.id, appealId: appeal.id, category: decision.category, severity: decision.severity } },
      ], now);
      return { appeal, created: true };
    });
  }

  async resolve(appealId: string, input: { outcome: 'upheld' | 'overturned'; reason: string }, actor: string): Promise<Resolution> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const appeal = await getAppeal(trx, appealId);
      if (!appeal) throw new AppealError(404, 'not_found', `appeal ${appealId} not found`);
      const closed = () => new AppealError(409, 'appeal_closed', `appeal ${appealId} is already resolved (${appeal.status}); a resolution is final`);
      if (appeal.status !== 'open') throw closed();
      if (!(await closeAppeal(trx, appealId, { status: input.outcome, by: actor, at: now, reason: input.reason }))) throw closed();
      await closeAppealReviewTask(trx, appeal.decisionId);

      const cancelled: Resolution['cancelled'] = [];
      const reversals: Resolution['reversals'] = [];
      const events: NewEvent[] = [];
      const decision = await trx.selectFrom('decisions').select(['policy_version']).where('id', '=', appeal.decisionId).executeTakeFirstOrThrow();
      const base = { itemId: appeal.itemId, accountId: null, actor, versions: { policy: decision.policy_version } };

      if (input.outcome === 'overturned') {
        const originals: OriginalAction[] = [];
        for (const a of await platformActionsOfDecision(trx, appeal.decisionId)) {
          const o = { id: a.id, type: a.type, accountId: a.account_id };
          if (a.status === 'delivered') originals.push({ ...o, state: 'delivered' });
          else if (a.status === 'pending' || a.status === 'dead') {
            const attempts = await cancelUndeliveredAction(trx, a.id, now);
            if (attempts === null) originals.push({ ...o, state: 'in_flight', leaseEndsAt: a.lease_expires_at ?? now });
            else {
              originals.push({ ...o, state: 'withdrawn', attempts });
              cancelled.push({ id: a.id, type: a.type });
              events.push({ ...base, type: 'action_cancelled', payload: { actionId: a.id, type: a.type, appealId, attempts, reason: 'decision overturned on appeal' } });
            }
          }
        }
        for (const p of planReversals(originals, now)) {
          const row: NewReversalAction = {
            id: newId(), decisionId: appeal.decisionId, itemId: appeal.itemId, accountId: p.accountId, type: p.type,
            idempotencyKey: reversalIdempotencyKey(appealId, p.type), createdAt: now, nextAttemptAt: p.notBefore,
          };
          await insertReversalActions(trx, [row]);
          reversals.push({ id: row.id, type: row.type, idempotencyKey: row.idempotencyKey, reverses: p.reverses });
          events.push({
            ...base, accountId: row.accountId, type: 'action_requested',
            payload: { actionId: row.id, type: row.type, delivery: 'platform', status: 'pending', idempotencyKey: row.idempotencyKey, appealId, reverses: p.reverses },
          });
        }
      }

      events.push({
        ...base, type: 'appeal_resolved',
        payload: {
          appealId, decisionId: appeal.decisionId, outcome: input.outcome, reason: input.reason,
          cancelledActions: cancelled.map((c) => c.id), reversalActions: reversals.map((r) => r.id),
        },
      });
      await appendEvents(trx, events, now);
      await appendAudit(trx, {
        actor, action: 'appeal.resolve', targetType: 'appeal', targetId: appealId,
        details: { itemId: appeal.itemId, decisionId: appeal.decisionId, outcome: input.outcome, reason: input.reason, cancelled, reversals },
      }, now);
      return {
        appeal: { ...appeal, status: input.outcome as AppealStatus, resolvedBy: actor, resolvedAt: now, resolutionReason: input.reason },
        cancelled, reversals,
      };
    });
  }

  get(id: string): Promise<Appeal | null> {
    return getAppeal(this.store.db, id);
  }

  list(opts: { status?: AppealStatus; limit: number; before?: string }): Promise<Appeal[]> {
    return listAppeals(this.store.db, opts);
  }

  /** Precision per policy version and per detector, from every decision and its appeal (see PRECISION_DEFINITION). */
  async precision(): Promise<PrecisionReport> {
    const outcomes = new Map((await appealOutcomes(this.store.db)).map((o) => [o.decisionId, o.status]));
    const tally = new PrecisionTally(outcomes);
    let after: string | null = null;
    for (;;) {
      const page = await decisionsPage(this.store.db, after, 1000);
      for (const d of page) {
        tally.add({ id: d.id, policyVersion: d.policy_version, actions: fromJson<string[]>(d.actions), reasons: fromJson<DecisionReason[]>(d.reasons) });
      }
      if (page.length < 1000) break;
      after = page.at(-1)?.id ?? null;
    }
    return tally.report();
  }
}
