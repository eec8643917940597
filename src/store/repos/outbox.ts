import type { Queryable } from '../db.js';
import { isPostgres } from '../db.js';

/** Platform actions waiting for delivery: pending, due, and not held by a live lease. */
export async function claimDueActions(
  q: Queryable,
  opts: { owner: string; limit: number; leaseMs: number; now: number },
): Promise<string[]> {
  const { owner, limit, leaseMs, now } = opts;
  let candidates = q
    .selectFrom('actions')
    .select('id')
    .where('status', '=', 'pending')
    .where('delivery', '=', 'platform')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  if (isPostgres(q)) candidates = candidates.forUpdate().skipLocked();
  const ids = (await candidates.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  await q
    .updateTable('actions')
    .set((eb) => ({ lease_owner: owner, lease_expires_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', ids)
    .execute();
  return ids;
}

export async function actionsForDelivery(q: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return q
    .selectFrom('actions as a')
    .innerJoin('items as i', 'i.id', 'a.item_id')
    .innerJoin('decisions as d', 'd.id', 'a.decision_id')
    .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
    .select([
      'a.id', 'a.type', 'a.idempotency_key', 'a.attempts', 'a.created_at', 'a.account_id', 'acc.external_id as account_external_id',
      'i.id as item_id', 'i.external_id as item_external_id', 'i.surface', 'd.id as decision_id', 'd.verdict', 'd.category',
      'd.severity', 'd.policy_version', 'd.reasons',
    ])
    .where('a.id', 'in', [...ids])
    .execute();
}

export async function markDelivered(q: Queryable, id: string, owner: string, now: number): Promise<boolean> {
  const r = await q
    .updateTable('actions')
    .set({ status: 'delivered', delivered_at: now, lease_owner: null, lease_expires_at: null, last_error: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markAttemptFailed(
  q: Queryable,
  id: string,
  owner: string,
  opts: { error: string; nextAttemptAt: number | null },
): Promise<void> {
  await q
    .updateTable('actions')
    .set(opts.nextAttemptAt === null
      ? { status: 'dead', last_error: opts.error, lease_owner: null, lease_expires_at: null, next_attempt_at: null }
      : { last_error: opts.error, lease_owner: null, lease_expires_at: null, next_attempt_at: opts.nextAttemptAt })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Puts dead actions back in line (after the platform fixed its endpoint). Returns how many. */
export async function replayDeadActions(q: Queryable, now: number, ids?: readonly string[]): Promise<number> {
  let query = q
    .updateTable('actions')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, last_error: null })
    .where('status', '=', 'dead');
  if (ids && ids.length > 0) query = query.where('id', 'in', [...ids]);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function outboxCounts(q: Queryable): Promise<Record<string, number>> {
  const rows = await q
    .selectFrom('actions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('delivery', '=', 'platform')
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
