import type { ItemView } from '../pipeline/item-view.js';
import type { ItemSummary } from '../store/repos/items.js';

// Times leave the API as ISO strings; inside Haven they are epoch milliseconds.
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentSummary(s: ItemSummary) {
  return { ...s, createdAt: iso(s.createdAt), ingestedAt: iso(s.ingestedAt) };
}

export function presentItemView(v: ItemView) {
  return {
    item: {
      ...v.item, createdAt: iso(v.item.createdAt), ingestedAt: iso(v.item.ingestedAt),
    },
    author: v.author ? { ...v.author, createdAt: iso(v.author.createdAt) } : null,
    recipients: v.recipients.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
    signals: v.signals.map((s) => ({ ...s, createdAt: iso(s.createdAt) })),
    decision: v.decision ? { ...v.decision, createdAt: iso(v.decision.createdAt) } : null,
    decisions: v.decisions.map((d) => ({ ...d, createdAt: iso(d.createdAt) })),
    actions: v.actions.map((a) => ({
      id: a.id, type: a.type, delivery: a.delivery, status: a.status, idempotencyKey: a.idempotencyKey, accountId: a.accountId,
      createdAt: iso(a.createdAt), deliveredAt: iso(a.deliveredAt), attempts: a.attempts, lastError: a.lastError,
    })),
    reviewTasks: v.reviewTasks.map((t) => ({ ...t, slaDueAt: iso(t.slaDueAt), createdAt: iso(t.createdAt) })),
    holds: v.holds.map((h) => ({
      ...h, createdAt: iso(h.createdAt), expiresAt: iso(h.expiresAt), releasedAt: iso(h.releasedAt),
    })),
    reports: v.reports,
    events: v.events.map((e) => ({ ...e, at: iso(e.at) })),
  };
}
