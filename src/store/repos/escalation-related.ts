import { sql } from 'kysely';
import { fromJson, isPostgres, type Queryable } from '../db.js';

// Lookups behind escalation intake (do the named entities exist?) and behind pulling in related entities.

const CHUNK = 500;

async function chunked<T, R>(values: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(...(await fn(values.slice(i, i + CHUNK))));
  return out;
}

export async function existingItemIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(ids, (c) => q.selectFrom('items').select('id').where('id', 'in', c).execute());
  return new Set(rows.map((r) => r.id));
}

/** Every stored version of the items the platform knows by these external ids. */
export async function itemIdsByExternalIds(q: Queryable, externalIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await chunked(externalIds, (c) => q.selectFrom('items').select(['id', 'external_id']).where('external_id', 'in', c).orderBy('id').execute());
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.external_id, [...(out.get(r.external_id) ?? []), r.id]);
  return out;
}

export async function existingAccountIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(ids, (c) => q.selectFrom('accounts').select('id').where('id', 'in', c).execute());
  return new Set(rows.map((r) => r.id));
}

export async function accountIdsByExternalIds(q: Queryable, externalIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await chunked(externalIds, (c) => q.selectFrom('accounts').select(['id', 'external_id']).where('external_id', 'in', c).execute());
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/** The conversation ids some stored item carries. */
export async function existingConversations(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const id of ids) {
    const r = await q.selectFrom('items').select('conversation_id').where('conversation_id', '=', id).limit(1).executeTakeFirst();
    if (r?.conversation_id) found.add(r.conversation_id);
  }
  return found;
}

export async function existingBankEntries(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(ids, (c) => q.selectFrom('bank_entries').select('id').where('id', 'in', c).execute());
  return new Set(rows.map((r) => r.id));
}

export interface ItemLink {
  id: string;
  authorId: string | null;
  conversationId: string | null;
}

export async function itemLinks(q: Queryable, ids: readonly string[]): Promise<ItemLink[]> {
  const rows = await chunked(ids, (c) => q.selectFrom('items').select(['id', 'author_id', 'conversation_id']).where('id', 'in', c).execute());
  return rows.map((r) => ({ id: r.id, authorId: r.author_id, conversationId: r.conversation_id }));
}

/** The newest items of one author (bounded). */
export async function itemIdsOfAuthor(q: Queryable, authorId: string, limit: number): Promise<string[]> {
  const rows = await q.selectFrom('items').select('id').where('author_id', '=', authorId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** The newest items of one conversation (bounded). */
export async function itemIdsInConversation(q: Queryable, conversationId: string, limit: number): Promise<string[]> {
  const rows = await q.selectFrom('items').select('id').where('conversation_id', '=', conversationId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => r.id);
}

export interface BankEntryHit {
  itemId: string;
  bankEntryId: string;
  category: string;
  nearMiss: boolean;
}

/** The bank entries the signals of these items name (matches and near misses). */
export async function bankEntryHitsOfItems(q: Queryable, itemIds: readonly string[]): Promise<BankEntryHit[]> {
  const rows = await chunked(itemIds, (c) => q.selectFrom('signals').select(['item_id', 'category', 'evidence']).where('item_id', 'in', c).execute());
  const out: BankEntryHit[] = [];
  for (const r of rows) {
    const ev = fromJson<{ bankEntryId?: unknown; nearMiss?: unknown }>(r.evidence);
    if (typeof ev.bankEntryId === 'string') out.push({ itemId: r.item_id, bankEntryId: ev.bankEntryId, category: r.category, nearMiss: ev.nearMiss === true });
  }
  return out;
}

/**
 * Items whose signals name this bank entry (bounded). Narrowed by the entry's category first (indexed), then by
 * the evidence's bankEntryId.
 */
export async function itemsMatchingBankEntry(q: Queryable, entry: { id: string; category: string }, limit: number): Promise<BankEntryHit[]> {
  const entryOf = isPostgres(q) ? sql<string>`evidence ->> 'bankEntryId'` : sql<string>`json_extract(evidence, '$.bankEntryId')`;
  const nearOf = isPostgres(q) ? sql<string>`evidence ->> 'nearMiss'` : sql<string>`json_extract(evidence, '$.nearMiss')`;
  const rows = await q
    .selectFrom('signals')
    .select(['item_id', nearOf.as('near_miss')])
    .where('category', '=', entry.category)
    .where(entryOf, '=', entry.id)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    itemId: r.item_id, bankEntryId: entry.id, category: entry.category, nearMiss: String(r.near_miss) === 'true' || String(r.near_miss) === '1',
  }));
}

export interface MediaHash {
  id: string;
  itemId: string;
  pdq: string;
  dihedral: string[] | null;
}

export async function pdqOfItems(q: Queryable, itemIds: readonly string[]): Promise<MediaHash[]> {
  const rows = await chunked(itemIds, (c) => q.selectFrom('media').select(['id', 'item_id', 'pdq', 'pdq_dihedral']).where('item_id', 'in', c).where('pdq', 'is not', null).execute());
  return rows.map((r) => ({ id: r.id, itemId: r.item_id, pdq: r.pdq as string, dihedral: r.pdq_dihedral === null ? null : fromJson<string[]>(r.pdq_dihedral) }));
}

/** One page of the newest media with a PDQ, below `beforeId` (media ids sort by ingest time). */
export async function recentPdqPage(q: Queryable, beforeId: string | null, limit: number): Promise<{ id: string; itemId: string; pdq: string }[]> {
  let query = q.selectFrom('media').select(['id', 'item_id', 'pdq']).orderBy('id', 'desc').limit(limit);
  if (beforeId) query = query.where('id', '<', beforeId);
  const rows = await query.execute();
  // Rows without a PDQ still count towards the scan bound; they are skipped here.
  return rows.map((r) => ({ id: r.id, itemId: r.item_id, pdq: r.pdq ?? '' }));
}

export async function categoriesOfEntries(q: Queryable, entryIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await chunked(entryIds, (c) => q.selectFrom('bank_entries').select(['id', 'category']).where('id', 'in', c).execute());
  return new Map(rows.map((r) => [r.id, r.category]));
}

/** The latest decision category of each item, if any (a fallback label for confirmed escalations). */
export async function latestDecisionCategories(q: Queryable, itemIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await chunked(itemIds, (c) => q.selectFrom('decisions').select(['item_id', 'category', 'created_at', 'id']).where('item_id', 'in', c).execute());
  const best = new Map<string, { at: number; id: string; category: string | null }>();
  for (const r of rows) {
    const b = best.get(r.item_id);
    if (!b || Number(r.created_at) > b.at || (Number(r.created_at) === b.at && r.id > b.id)) best.set(r.item_id, { at: Number(r.created_at), id: r.id, category: r.category });
  }
  const out = new Map<string, string>();
  for (const [itemId, b] of best) if (b.category) out.set(itemId, b.category);
  return out;
}
