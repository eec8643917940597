import type { ItemId } from '../core/ids.js';
import { listItemHolds } from '../enforcement/evidence/holds.js';
import type { Store } from '../store/db.js';
import { accountsByIds } from '../store/repos/accounts.js';
import { eventsForItem } from '../store/repos/events.js';
import { getItem } from '../store/repos/items.js';
import { jobsForItem } from '../store/repos/reports.js';
import { resultsForItem } from '../store/repos/results.js';
import { reviewTasksForItem } from '../store/repos/review.js';

/** Everything Haven knows and did about one item: the basis of the item page, `haven item` and traces. */
export async function itemView(store: Store, id: string, now = Date.now()) {
  const item = await getItem(store.db, id);
  if (!item) return null;
  const [accounts, results, events, reviewTasks, holds, reports] = await Promise.all([
    accountsByIds(store.db, [...(item.authorId ? [item.authorId] : []), ...item.recipientIds]),
    resultsForItem(store.db, item.id as ItemId),
    eventsForItem(store.db, item.id as ItemId),
    reviewTasksForItem(store.db, item.id),
    listItemHolds(store.db, item.id, now),
    jobsForItem(store.db, item.id),
  ]);
  const byId = new Map(accounts.map((a) => [a.id as string, a]));
  return {
    item,
    author: item.authorId ? (byId.get(item.authorId) ?? null) : null,
    recipients: item.recipientIds.flatMap((r) => byId.get(r) ?? []),
    signals: results.signals,
    decision: results.decisions.at(-1) ?? null,
    decisions: results.decisions,
    actions: results.actions,
    reviewTasks: reviewTasks.map((t) => ({
      id: t.id, queue: t.queue, category: t.category, severity: t.severity, status: t.status, slaDueAt: t.sla_due_at, createdAt: t.created_at,
    })),
    /** Preservation and legal holds on the item or its author's account (see enforcement/evidence). */
    holds,
    /** CyberTipline report jobs holding this item (see enforcement/ncmec). */
    reports: reports.map((r) => ({ id: r.id, status: r.status, ncmecReportId: r.ncmec_report_id })),
    events,
  };
}
export type ItemView = NonNullable<Awaited<ReturnType<typeof itemView>>>;
