import type { AccountId } from '../../core/ids.js';
import type { Queryable } from '../../store/db.js';
import { accountsByIds } from '../../store/repos/accounts.js';
import { accountLevelEvents, itemsByAuthor, outcomesOfItems } from '../../store/repos/traces.js';
import { toSteps } from './steps.js';
import type { AccountTrace, AccountTraceItem } from './types.js';

/**
 * An account's enforcement history: its items as author, newest first, each with its verdict, actions and review
 * outcome; and the events about the account itself (actions against it, holds, reports). Null for no such account.
 */
export async function buildAccountTrace(q: Queryable, accountId: string, opts: { limit: number }): Promise<AccountTrace | null> {
  const [account] = await accountsByIds(q, [accountId as AccountId]);
  if (!account) return null;
  const limit = Math.max(1, Math.floor(opts.limit));
  const rows = await itemsByAuthor(q, account.id, limit + 1);
  const page = rows.slice(0, limit);
  // An action leaves a few events (requested, failed, delivered or dead): room for them beside the items.
  const [outcomes, { events, actionTypes }] = await Promise.all([
    outcomesOfItems(q, page.map((r) => r.id)), accountLevelEvents(q, account.id, Math.min(limit * 10, 5000)),
  ]);
  const items: AccountTraceItem[] = page.map((r) => {
    const decision = outcomes.decisions.filter((d) => d.itemId === r.id).at(-1) ?? null;
    const task = outcomes.tasks.filter((t) => t.itemId === r.id && t.kind !== 'qa').at(-1) ?? null;
    const reviewed = task ? (outcomes.reviewDecisions.filter((d) => d.taskId === task.id).at(-1) ?? null) : null;
    return {
      itemId: r.id, externalId: r.externalId, surface: r.surface, kind: r.kind, createdAt: r.createdAt,
      verdict: decision?.verdict ?? null, category: decision?.category ?? null, decidedBy: decision?.by ?? null,
      actions: outcomes.actions.filter((a) => a.itemId === r.id).map((a) => ({ type: a.type, status: a.status })),
      review: task ? { queue: task.queue, status: task.status, verdict: reviewed?.verdict ?? null, reviewer: reviewed?.reviewer ?? null } : null,
    };
  });
  return {
    accountId: account.id, externalId: account.externalId, ageBand: account.ageBand, createdAt: account.createdAt, flags: account.flags,
    items, truncated: rows.length > limit, events: toSteps(events, actionTypes),
  };
}
