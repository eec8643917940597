import type { Selectable } from 'kysely';
import type { Queryable } from '../db.js';
import type { AppealsTable } from '../schema.js';

export type AppealStatus = 'open' | 'upheld' | 'overturned';

export interface Appeal {
  id: string;
  itemId: string;
  decisionId: string;
  status: AppealStatus;
  reason: string;
  appellant: string | null;
  filedBy: string;
  filedAt: number;
  resolvedBy: string | null;
  resolvedAt: number | null;
  resolutionReason: string | null;
}

export function toAppeal(r: Selectable<AppealsTable>): Appeal {
  return {
    id: r.id, itemId: r.item_id, decisionId: r.decision_id, status: r.status as AppealStatus, reason: r.reason,
    appellant: r.appellant, filedBy: r.filed_by, filedAt: Number(r.filed_at), resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at), resolutionReason: r.resolution_reason,
  };
}

/** Inserts the appeal unless the decision already has one; returns whether it was inserted. */
export async function insertAppeal(q: Queryable, a: Appeal): Promise<boolean> {
  const r = await q
    .insertInto('appeals')
    .values({
      id: a.id, item_id: a.itemId, decision_id: a.decisionId, status: a.status, reason: a.reason, appellant: a.appellant,
      filed_by: a.filedBy, filed_at: a.filedAt, resolved_by: null, resolved_at: null, resolution_reason: null,
    })
    .onConflict((oc) => oc.column('decision_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getAppeal(q: Queryable, id: string): Promise<Appeal | null> {
  const r = await q.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toAppeal(r) : null;
}

export async function appealForDecision(q: Queryable, decisionId: string): Promise<Appeal | null> {
  const r = await q.selectFrom('appeals').selectAll().where('decision_id', '=', decisionId).executeTakeFirst();
  return r ? toAppeal(r) : null;
}

export async function appealsForItem(q: Queryable, itemId: string): Promise<Appeal[]> {
  return (await q.selectFrom('appeals').selectAll().where('item_id', '=', itemId).orderBy('id').execute()).map(toAppeal);
}

export async function listAppeals(q: Queryable, opts: { status?: AppealStatus; limit: number; before?: string }): Promise<Appeal[]> {
  let query = q.selectFrom('appeals').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.before) query = query.where('id', '<', opts.before);
  return (await query.execute()).map(toAppeal);
}

/** Closes an open appeal; false when it was no longer open (someone resolved it first). */
export async function closeAppeal(
  q: Queryable,
  id: string,
  r: { status: Exclude<AppealStatus, 'open'>; by: string; at: number; reason: string },
): Promise<boolean> {
  const res = await q
    .updateTable('appeals')
    .set({ status: r.status, resolved_by: r.by, resolved_at: r.at, resolution_reason: r.reason })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The platform actions a decision requested, oldest first. */
export async function platformActionsOfDecision(q: Queryable, decisionId: string) {
  return q
    .selectFrom('actions')
    .selectAll()
    .where('decision_id', '=', decisionId)
    .where('delivery', '=', 'platform')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Withdraws an action that has not reached the platform: pending or dead, and not held by a live delivery lease
 * (an outbox worker may be sending it right now). Returns its attempt count, or null when it could not be withdrawn.
 */
export async function cancelUndeliveredAction(q: Queryable, id: string, now: number): Promise<number | null> {
  const row = await q
    .updateTable('actions')
    .set({ status: 'cancelled', next_attempt_at: null, lease_owner: null, lease_expires_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'dead'])
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
    .returning('attempts')
    .executeTakeFirst();
  return row ? Number(row.attempts) : null;
}

/** Appeal outcomes by decision, for precision. */
export async function appealOutcomes(q: Queryable): Promise<{ decisionId: string; status: AppealStatus }[]> {
  const rows = await q.selectFrom('appeals').select(['decision_id', 'status']).execute();
  return rows.map((r) => ({ decisionId: r.decision_id, status: r.status as AppealStatus }));
}

/** Decisions in id order, a page at a time (the precision report reads them all). */
export async function decisionsPage(q: Queryable, after: string | null, limit: number) {
  let query = q.selectFrom('decisions').select(['id', 'policy_version', 'actions', 'reasons']).orderBy('id').limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
}

export interface NewReversalAction {
  id: string;
  decisionId: string;
  itemId: string;
  accountId: string | null;
  type: string;
  idempotencyKey: string;
  createdAt: number;
  nextAttemptAt: number;
}

/** Reversals go into the outbox like any platform action: pending, due at `nextAttemptAt`. */
export async function insertReversalActions(q: Queryable, actions: readonly NewReversalAction[]): Promise<void> {
  if (actions.length === 0) return;
  await q
    .insertInto('actions')
    .values(actions.map((a) => ({
      id: a.id, decision_id: a.decisionId, item_id: a.itemId, account_id: a.accountId, type: a.type, delivery: 'platform',
      status: 'pending', idempotency_key: a.idempotencyKey, created_at: a.createdAt, delivered_at: null, attempts: 0,
      next_attempt_at: a.nextAttemptAt,
    })))
    .execute();
}

export async function closeAppealReviewTask(q: Queryable, decisionId: string): Promise<void> {
  await q.updateTable('review_tasks').set({ status: 'done' }).where('decision_id', '=', decisionId).where('queue', '=', 'appeals').execute();
}

export async function latestDecisionOfItem(q: Queryable, itemId: string) {
  return q
    .selectFrom('decisions')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
