import type { Clock } from '../core/clock.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendAudit } from '../store/repos/audit.js';
import { appendEvents } from '../store/repos/events.js';
import { addExposure } from '../store/repos/exposure.js';
import { getTask, updateTask } from '../store/repos/review-decisions.js';
import { leaseTask } from '../store/repos/review-claims.js';
import { releaseClaim, renewLease } from './claims.js';
import { reviewDecisionInputSchema } from './decide.js';
import { type DecideResult, isHighSeverityMedia, type Reviewer, ReviewError, type ReviewService } from './service.js';
import { utcDay } from './wellness.js';

export const MAX_BULK_TASKS = 1000;
/** A hold parks a task with its holder (waiting on information, a colleague, legal) without a lease running out. */
const HOLD_STATUS = 'held';

export interface BulkQuery {
  clusterKey?: string | undefined;
  bankEntryId?: string | undefined;
  queue?: string | undefined;
  category?: string | undefined;
}

export interface BulkResult {
  bulkId: string;
  matched: number;
  decided: { taskId: string; itemId: string; outcome: string; decisionId: string | null }[];
  skipped: { taskId: string; reason: string }[];
}

/**
 * Moving work between people: renew, release, hold, assign or escalate to a named colleague, and a lead's bulk
 * decision over a query (every open task matching one bank entry), recorded item by item.
 */
export class ReviewWork {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly review: ReviewService) {}

  async renew(taskId: string, reviewer: Reviewer): Promise<number> {
    const ctx = await this.review.context();
    const until = await renewLease(this.store.db, { taskId, reviewer: reviewer.label, leaseMs: ctx.config.leaseMinutes * 60_000, now: this.clock.now() });
    if (until === null) throw new ReviewError(409, 'not_your_claim', `task ${taskId} is no longer claimed by you`);
    return until;
  }

  async release(taskId: string, reviewer: Reviewer): Promise<void> {
    const task = await getTask(this.store.db, taskId);
    if (!task) throw new ReviewError(404, 'not_found', `review task ${taskId} not found`);
    const now = this.clock.now();
    let released: boolean;
    if (task.status === HOLD_STATUS && task.claimed_by === reviewer.label) {
      await updateTask(this.store.db, taskId, { status: 'open', claimed_by: null, claimed_at: null, lease_until: null });
      released = true;
    } else {
      released = await releaseClaim(this.store.db, { taskId, reviewer: reviewer.label });
    }
    if (!released) throw new ReviewError(409, 'not_your_claim', `task ${taskId} is not claimed by you`);
    if (isHighSeverityMedia(task) && task.claimed_at !== null) {
      const ctx = await this.review.context();
      const spent = Math.min(Math.max(0, now - Number(task.claimed_at)), ctx.config.leaseMinutes * 60_000);
      await addExposure(this.store.db, reviewer.label, utcDay(now), { items: 0, mediaMs: spent }, now);
    }
    await appendEvents(this.store.db, [{
      type: 'review_released', itemId: task.item_id, accountId: null, actor: reviewer.label, versions: {}, payload: { taskId },
    }], now);
  }

  async hold(taskId: string, reviewer: Reviewer, reason: string): Promise<void> {
    const now = this.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      const task = await getTask(trx, taskId, { lock: true });
      if (!task) throw new ReviewError(404, 'not_found', `review task ${taskId} not found`);
      if (task.status !== 'open' || task.claimed_by !== reviewer.label) throw new ReviewError(409, 'not_your_claim', `task ${taskId} is not claimed by you`);
      await updateTask(trx, taskId, { status: HOLD_STATUS, lease_until: null });
      await appendEvents(trx, [{ type: 'review_held', itemId: task.item_id, accountId: null, actor: reviewer.label, versions: {}, payload: { taskId, reason } }], now);
    });
  }

  /**
   * Gives a task to a named colleague: only they can claim it. `escalate` also moves it to the escalations queue
   * (e.g. to the colleague cleared to file NCMEC reports). The colleague must be an active user.
   */
  async assign(taskId: string, by: Reviewer, input: { to: string; reason: string; escalate: boolean }): Promise<void> {
    const now = this.clock.now();
    const user = await this.store.db.selectFrom('users').select(['id', 'email', 'disabled_at']).where('email', '=', input.to.toLowerCase()).executeTakeFirst();
    if (!user || user.disabled_at !== null) throw new ReviewError(404, 'unknown_user', `no active user ${input.to}`);
    const to = `user:${user.email}`;
    await this.store.db.transaction().execute(async (trx) => {
      const task = await getTask(trx, taskId, { lock: true });
      if (!task) throw new ReviewError(404, 'not_found', `review task ${taskId} not found`);
      if (task.status === 'done' || task.status === 'awaiting_second') throw new ReviewError(409, 'task_closed', `task ${taskId} is ${task.status}`);
      const mine = task.claimed_by === by.label;
      const lead = by.lead === true;
      if (!mine && !lead) throw new ReviewError(403, 'not_your_claim', `only the reviewer holding task ${taskId} or a lead can hand it on`);
      await updateTask(trx, taskId, {
        assigned_to: to, claimed_by: null, claimed_at: null, lease_until: null, status: 'open',
        ...(input.escalate ? { queue: 'escalations', kind: 'escalation' } : {}),
      });
      await appendEvents(trx, [{
        type: input.escalate ? 'review_escalated' : 'review_assigned', itemId: task.item_id, accountId: null, actor: by.label, versions: {},
        payload: { taskId, to, from: task.claimed_by, reason: input.reason, queue: input.escalate ? 'escalations' : task.queue },
      }], now);
      await appendAudit(trx, { actor: by.label, action: input.escalate ? 'review.escalate' : 'review.assign', targetType: 'review_task', targetId: taskId, details: { to, reason: input.reason } }, now);
    });
  }

  /**
   * One decision over every open task a query matches, applied and recorded task by task (each is claimed by the
   * lead, then decided as if by hand, so second review and QA sampling still apply). Tasks another reviewer holds
   * are skipped and listed.
   */
  async bulkDecide(query: BulkQuery, lead: Reviewer, decision: unknown): Promise<BulkResult> {
    if (!query.clusterKey && !query.bankEntryId && !query.queue) throw new ReviewError(400, 'invalid_query', 'a bulk decision needs clusterKey, bankEntryId or queue');
    const clusterKey = query.bankEntryId ? `bank:${query.bankEntryId}` : query.clusterKey;
    let rows = this.store.db.selectFrom('review_tasks').selectAll().where('status', '=', 'open').where('kind', 'in', ['review', 'escalation']);
    if (clusterKey) rows = rows.where('cluster_key', '=', clusterKey);
    if (query.queue) rows = rows.where('queue', '=', query.queue);
    if (query.category) rows = rows.where('category', '=', query.category);
    const tasks = await rows.orderBy('priority', 'desc').orderBy('id').limit(MAX_BULK_TASKS + 1).execute();
    if (tasks.length > MAX_BULK_TASKS) throw new ReviewError(400, 'too_many', `the query matches more than ${MAX_BULK_TASKS} open tasks; narrow it`);
    const valid = reviewDecisionInputSchema.safeParse(decision);
    if (!valid.success) throw new ReviewError(400, 'invalid_decision', valid.error.issues.map((i) => `${i.path.join('.') || 'decision'}: ${i.message}`).join('; '));
    const ctx = await this.review.context();
    const bulkId = newId();
    const result: BulkResult = { bulkId, matched: tasks.length, decided: [], skipped: [] };
    const now = this.clock.now();
    await appendAudit(this.store.db, { actor: lead.label, action: 'review.bulk_decide', targetType: 'review_bulk', targetId: bulkId, details: { query, decision: decision as object, matched: tasks.length } }, now);
    for (const t of tasks) {
      if (t.claimed_by && t.claimed_by !== lead.label) {
        result.skipped.push({ taskId: t.id, reason: `claimed by ${t.claimed_by}` });
        continue;
      }
      if (!t.claimed_by && !(await leaseTask(this.store.db, t.id, { reviewer: lead.label, leaseMs: ctx.config.leaseMinutes * 60_000, now: this.clock.now() }))) {
        result.skipped.push({ taskId: t.id, reason: 'taken by someone else meanwhile' });
        continue;
      }
      const done: DecideResult = await this.review.decide(t.id, lead, decision, { bulkId });
      result.decided.push({ taskId: t.id, itemId: t.item_id, outcome: done.reviewDecision.outcome, decisionId: done.decision?.id ?? null });
    }
    return result;
  }
}
