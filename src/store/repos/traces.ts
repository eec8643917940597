import type { EventType, HavenEvent } from '../../core/types.js';
import { fromJson, type Queryable } from '../db.js';
import { toEvent } from './events.js';

// Reads behind enforcement traces (src/investigations/trace): what an account posted and what happened to it.

/** Categories that enabled entries of these hash types carry, in enabled banks (what a hash detector can raise). */
export async function bankCategoriesOfTypes(q: Queryable, hashTypes: readonly string[]): Promise<string[]> {
  if (hashTypes.length === 0) return [];
  const rows = await q
    .selectFrom('bank_entries')
    .innerJoin('banks', 'banks.id', 'bank_entries.bank_id')
    .select('bank_entries.category')
    .distinct()
    .where('bank_entries.hash_type', 'in', [...hashTypes])
    .where('bank_entries.enabled', '=', 1)
    .where('banks.enabled', '=', 1)
    .execute();
  return rows.map((r) => r.category).sort();
}

export interface AuthoredItemRow {
  id: string;
  externalId: string;
  surface: string;
  kind: string;
  createdAt: number;
}

/** The account's items as author, newest first; one more than `limit` tells the caller there are more. */
export async function itemsByAuthor(q: Queryable, accountId: string, limit: number): Promise<AuthoredItemRow[]> {
  const rows = await q
    .selectFrom('items')
    .select(['id', 'external_id', 'surface', 'kind', 'created_at'])
    .where('author_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, externalId: r.external_id, surface: r.surface, kind: r.kind, createdAt: Number(r.created_at) }));
}

export interface ItemOutcomeRows {
  decisions: { itemId: string; id: string; verdict: string; category: string | null; createdAt: number; by: string }[];
  actions: { itemId: string; decisionId: string; type: string; status: string }[];
  tasks: { itemId: string; id: string; queue: string; status: string; kind: string; createdAt: number }[];
  reviewDecisions: { taskId: string; verdict: string; reviewer: string; createdAt: number }[];
}

/** Decisions (with who made them), actions and review work of several items at once. */
export async function outcomesOfItems(q: Queryable, itemIds: readonly string[]): Promise<ItemOutcomeRows> {
  if (itemIds.length === 0) return { decisions: [], actions: [], tasks: [], reviewDecisions: [] };
  const ids = [...itemIds];
  const [decisions, decisionEvents, actions, tasks, reviewDecisions] = await Promise.all([
    q.selectFrom('decisions').select(['id', 'item_id', 'verdict', 'category', 'created_at']).where('item_id', 'in', ids).orderBy('id').execute(),
    q.selectFrom('events').select(['actor', 'payload']).where('item_id', 'in', ids).where('type', '=', 'decision').execute(),
    q.selectFrom('actions').select(['item_id', 'decision_id', 'type', 'status']).where('item_id', 'in', ids).orderBy('id').execute(),
    q.selectFrom('review_tasks').select(['id', 'item_id', 'queue', 'status', 'kind', 'created_at']).where('item_id', 'in', ids).orderBy('id').execute(),
    q.selectFrom('review_decisions').select(['task_id', 'verdict', 'reviewer', 'created_at']).where('item_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
  ]);
  const byDecision = new Map<string, string>();
  for (const e of decisionEvents) {
    const p = fromJson<{ decisionId?: string; by?: string }>(e.payload);
    if (p.decisionId) byDecision.set(p.decisionId, e.actor === 'pipeline' ? 'pipeline' : (p.by ?? e.actor));
  }
  return {
    decisions: decisions.map((d) => ({
      itemId: d.item_id, id: d.id, verdict: d.verdict, category: d.category, createdAt: Number(d.created_at), by: byDecision.get(d.id) ?? 'pipeline',
    })),
    actions: actions.map((a) => ({ itemId: a.item_id, decisionId: a.decision_id, type: a.type, status: a.status })),
    tasks: tasks.map((t) => ({ itemId: t.item_id, id: t.id, queue: t.queue, status: t.status, kind: t.kind, createdAt: Number(t.created_at) })),
    reviewDecisions: reviewDecisions.map((r) => ({ taskId: r.task_id, verdict: r.verdict, reviewer: r.reviewer, createdAt: Number(r.created_at) })),
  };
}

const ACTION_EVENTS: EventType[] = ['action_requested', 'action_delivered', 'action_failed', 'action_dead', 'action_cancelled'];

/**
 * Events about the account itself, oldest first: those recorded against it with no item (holds, reports), and the
 * life of every action taken against the account (requested, delivered, failed, dead, cancelled).
 */
export async function accountLevelEvents(
  q: Queryable, accountId: string, limit: number,
): Promise<{ events: HavenEvent[]; actionTypes: Map<string, string> }> {
  const actions = await q.selectFrom('actions').select(['id', 'item_id', 'type']).where('account_id', '=', accountId).orderBy('id', 'desc').limit(limit).execute();
  const actionIds = new Set(actions.map((a) => a.id));
  const itemIds = [...new Set(actions.map((a) => a.item_id))];
  const [own, ofActions] = await Promise.all([
    q.selectFrom('events').selectAll().where('account_id', '=', accountId).where('item_id', 'is', null).orderBy('id', 'desc').limit(limit).execute(),
    itemIds.length === 0
      ? Promise.resolve([])
      : q.selectFrom('events').selectAll().where('item_id', 'in', itemIds).where('type', 'in', ACTION_EVENTS).orderBy('id').execute(),
  ]);
  const mine = ofActions.map(toEvent).filter((e) => actionIds.has(String(e.payload.actionId ?? '')));
  const events = [...own.map(toEvent), ...mine].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(-limit);
  return { events, actionTypes: new Map(actions.map((a) => [a.id, a.type])) };
}
