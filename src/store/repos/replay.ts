import type { Decision, Signal } from '../../core/types.js';
import { fromJson, type Queryable } from '../db.js';
import { toDecision, toSignal } from './results.js';

// Read-only queries the replay engine needs: the items of a window, what the pipeline recorded for them, and the
// labels people gave them. Nothing here writes.

/** Ids of the items ingested in [from, to), oldest created first; the latest `limit` of them when given. */
export async function itemIdsIngestedBetween(q: Queryable, from: number, to: number, limit?: number): Promise<string[]> {
  const rows = await q.selectFrom('items').select(['id', 'created_at'])
    .where('ingested_at', '>=', from).where('ingested_at', '<', to).execute();
  const sorted = rows.map((r) => ({ id: r.id, at: Number(r.created_at) })).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return (limit !== undefined && sorted.length > limit ? sorted.slice(-limit) : sorted).map((r) => r.id);
}

/** The pipeline's decision on each item: its first one (reviewers' decisions come later). */
export async function pipelineDecisions(q: Queryable, itemIds: readonly string[]): Promise<Map<string, Decision>> {
  const out = new Map<string, Decision>();
  for (let i = 0; i < itemIds.length; i += 500) {
    const rows = await q.selectFrom('decisions').selectAll().where('item_id', 'in', itemIds.slice(i, i + 500)).orderBy('id').execute();
    for (const r of rows) if (!out.has(r.item_id)) out.set(r.item_id, toDecision(r));
  }
  return out;
}

/** Signals a detector recorded for each item (e.g. the LLM's verdicts, replayed instead of calling it again). */
export async function recordedSignals(q: Queryable, itemIds: readonly string[], detector: string): Promise<Map<string, Signal[]>> {
  const out = new Map<string, Signal[]>();
  for (let i = 0; i < itemIds.length; i += 500) {
    const rows = await q.selectFrom('signals').selectAll().where('item_id', 'in', itemIds.slice(i, i + 500)).where('detector', '=', detector).execute();
    for (const r of rows) {
      const list = out.get(r.item_id) ?? [];
      list.push(toSignal(r));
      out.set(r.item_id, list);
    }
  }
  return out;
}

export type LabelSource = 'review' | 'appeal' | 'metadata';

/** What a person (or the demo's ground truth) says an item is. */
export interface HumanLabel {
  violating: boolean;
  category: string | null;
  source: LabelSource;
}

/**
 * The human label of each item that has one. An appeal's outcome (the last word on an actioned item) wins over a
 * final review decision, which wins over the item's own metadata.labels (present only in synthetic/demo data).
 */
export async function humanLabels(q: Queryable, itemIds: readonly string[]): Promise<Map<string, HumanLabel>> {
  const out = new Map<string, HumanLabel>();
  for (let i = 0; i < itemIds.length; i += 500) {
    const chunk = itemIds.slice(i, i + 500);
    const items = await q.selectFrom('items').select(['id', 'metadata']).where('id', 'in', chunk).execute();
    for (const r of items) {
      const labels = fromJson<Record<string, unknown> | null>(r.metadata)?.labels;
      if (Array.isArray(labels) && labels.every((l) => typeof l === 'string')) {
        out.set(r.id, { violating: labels.length > 0, category: (labels[0] as string | undefined) ?? null, source: 'metadata' });
      }
    }
    const reviews = await q.selectFrom('review_decisions').select(['item_id', 'verdict', 'category'])
      .where('item_id', 'in', chunk).where('outcome', 'in', ['final', 'confirmed', 'recorded'])
      .where('verdict', 'in', ['violating', 'not_violating']).orderBy('created_at').execute();
    for (const r of reviews) out.set(r.item_id, { violating: r.verdict === 'violating', category: r.category, source: 'review' });
    const appeals = await q.selectFrom('appeals').innerJoin('decisions', 'decisions.id', 'appeals.decision_id')
      .select(['appeals.item_id', 'appeals.status', 'decisions.category'])
      .where('appeals.item_id', 'in', chunk).where('appeals.status', 'in', ['upheld', 'overturned']).orderBy('appeals.resolved_at').execute();
    for (const r of appeals) {
      out.set(r.item_id, { violating: r.status === 'upheld', category: r.status === 'upheld' ? r.category : null, source: 'appeal' });
    }
  }
  return out;
}

/** Messages each conversation had before `from`, and the send times in [from, to], for counting messages before an item. */
export async function conversationCounts(
  q: Queryable, conversationIds: readonly string[], from: number, to: number,
): Promise<{ before: Map<string, number>; span: Map<string, number[]> }> {
  const before = new Map<string, number>();
  const span = new Map<string, number[]>();
  for (let k = 0; k < conversationIds.length; k += 500) {
    const chunk = conversationIds.slice(k, k + 500);
    const counted = await q.selectFrom('items').select((eb) => ['conversation_id', eb.fn.countAll<number>().as('n')])
      .where('conversation_id', 'in', chunk).where('created_at', '<', from).groupBy('conversation_id').execute();
    for (const r of counted) before.set(r.conversation_id as string, Number(r.n));
    const inSpan = await q.selectFrom('items').select(['conversation_id', 'created_at'])
      .where('conversation_id', 'in', chunk).where('created_at', '>=', from).where('created_at', '<=', to).execute();
    for (const r of inSpan) {
      const list = span.get(r.conversation_id as string) ?? [];
      list.push(Number(r.created_at));
      span.set(r.conversation_id as string, list);
    }
  }
  return { before, span };
}

/** Earlier messages of a conversation (ids, newest `limit` within `sinceMs` before `at`), oldest first. */
export async function earlierConversationItemIds(q: Queryable, conversationId: string, at: number, sinceMs: number, limit: number): Promise<string[]> {
  const rows = await q.selectFrom('items').select('id').where('conversation_id', '=', conversationId)
    .where('created_at', '<', at).where('created_at', '>=', at - sinceMs).orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => r.id).reverse();
}

/** Ids of items with media ingested in [from, to), oldest first. */
export async function mediaItemIdsIngestedBetween(q: Queryable, from: number, to: number): Promise<string[]> {
  const rows = await q.selectFrom('items').innerJoin('media', 'media.item_id', 'items.id').select(['items.id', 'items.created_at'])
    .where('items.ingested_at', '>=', from).where('items.ingested_at', '<', to).distinct().execute();
  return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at)).map((r) => r.id);
}

/** Hash-match signals recorded since `since` (exact and PDQ, matches and near misses). */
export async function hashSignalsSince(q: Queryable, since: number): Promise<Signal[]> {
  const rows = await q.selectFrom('signals').selectAll().where('created_at', '>=', since)
    .where('detector', 'in', ['hashmatch.exact', 'hashmatch.pdq']).execute();
  return rows.map(toSignal);
}

/** Hash-match signals recorded on these items. */
export async function hashSignalsOfItems(q: Queryable, itemIds: readonly string[]): Promise<Signal[]> {
  if (itemIds.length === 0) return [];
  const rows = await q.selectFrom('signals').selectAll().where('item_id', 'in', [...itemIds])
    .where('detector', 'in', ['hashmatch.exact', 'hashmatch.pdq']).execute();
  return rows.map(toSignal);
}

/** Items ingested since `since` with the pipeline's decision on each (first decision), for the watch. */
export async function decidedItemsSince(q: Queryable, since: number): Promise<{ itemId: string; verdict: string; category: string | null }[]> {
  const rows = await q.selectFrom('items').innerJoin('decisions', 'decisions.item_id', 'items.id')
    .select(['items.id as item_id', 'decisions.id as decision_id', 'decisions.verdict', 'decisions.category'])
    .where('items.ingested_at', '>=', since).orderBy('decisions.id').execute();
  const first = new Map<string, { itemId: string; verdict: string; category: string | null }>();
  for (const r of rows) if (!first.has(r.item_id)) first.set(r.item_id, { itemId: r.item_id, verdict: r.verdict, category: r.category });
  return [...first.values()];
}
