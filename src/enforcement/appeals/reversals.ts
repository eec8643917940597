import type { ActionType } from '../../core/actions.js';

/** What undoes each platform action. warn and support have no undo: a message already shown cannot be taken back. */
export const REVERSAL_OF: Partial<Record<ActionType, ActionType>> = {
  remove: 'reinstate',
  block: 'reinstate',
  restrict: 'lift_restriction',
  disable: 'enable',
};

/**
 * Where an original action stood when its decision was overturned:
 * - delivered: the platform carried it out;
 * - in_flight: an outbox worker holds it right now, so it may reach the platform (held until `leaseEndsAt`);
 * - withdrawn: Haven cancelled it before delivery; `attempts` > 0 means an earlier try may still have reached the
 *   platform (a timeout is no proof it did not).
 */
export type OriginalAction =
  | { id: string; type: string; accountId: string | null; state: 'delivered' }
  | { id: string; type: string; accountId: string | null; state: 'in_flight'; leaseEndsAt: number }
  | { id: string; type: string; accountId: string | null; state: 'withdrawn'; attempts: number };

export interface PlannedReversal {
  type: ActionType;
  accountId: string | null;
  /** The original actions this undoes (remove and block are both undone by one reinstate). */
  reverses: string[];
  /** Not sent before this time: an in-flight original must settle first, or the undo could arrive before it. */
  notBefore: number;
}

/** One reversal per reversal type for every original action that did, or may have, reached the platform. */
export function planReversals(originals: readonly OriginalAction[], now: number): PlannedReversal[] {
  const byType = new Map<ActionType, PlannedReversal>();
  for (const a of originals) {
    const undo = REVERSAL_OF[a.type as ActionType];
    if (!undo) continue;
    const mayHaveArrived = a.state === 'delivered' || a.state === 'in_flight' || a.attempts > 0;
    if (!mayHaveArrived) continue;
    const notBefore = a.state === 'in_flight' ? Math.max(now, a.leaseEndsAt) : now;
    const existing = byType.get(undo);
    if (existing) {
      existing.reverses.push(a.id);
      existing.notBefore = Math.max(existing.notBefore, notBefore);
      existing.accountId ??= a.accountId;
    } else {
      byType.set(undo, { type: undo, accountId: a.accountId, reverses: [a.id], notBefore });
    }
  }
  return [...byType.values()];
}

/** The platform dedupes on this key: one reversal of each type per appeal, whoever retries it. */
export function reversalIdempotencyKey(appealId: string, type: ActionType): string {
  return `haven:${appealId}:${type}`;
}
