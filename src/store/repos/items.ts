import type { Selectable } from 'kysely';
import type { AccountId, ItemId, MediaId } from '../../core/ids.js';
import type { Item, ItemKind, ItemStatus, MediaPart, Verdict } from '../../core/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { ItemsTable, MediaTable } from '../schema.js';

export function toMedia(r: Selectable<MediaTable>): MediaPart {
  return {
    id: r.id as MediaId, index: r.idx, mime: r.mime, bytes: r.bytes, md5: r.md5, sha256: r.sha256,
    width: r.width, height: r.height, stored: r.stored === 1, pdq: r.pdq, pdqQuality: r.pdq_quality,
    pdqDihedral: r.pdq_dihedral === null ? null : fromJson(r.pdq_dihedral), vpdq: r.vpdq === null ? null : fromJson(r.vpdq),
    hashError: r.hash_error,
  };
}

export function toItem(r: Selectable<ItemsTable>, media: MediaPart[]): Item {
  return {
    id: r.id as ItemId,
    externalId: r.external_id,
    contentDigest: r.content_digest,
    surface: r.surface,
    kind: r.kind as ItemKind,
    text: r.text,
    media,
    authorId: r.author_id as AccountId | null,
    conversationId: r.conversation_id,
    recipientIds: fromJson(r.recipient_ids),
    createdAt: r.created_at,
    ingestedAt: r.ingested_at,
    metadata: fromJson(r.metadata),
    status: r.status as ItemStatus,
  };
}

/** Writes items and their media rows, many per statement. */
export async function insertItems(q: Queryable, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    const chunk = items.slice(i, i + 200);
    if (chunk.length === 0) break;
    await q
      .insertInto('items')
      .values(chunk.map((item) => ({
        id: item.id, external_id: item.externalId, content_digest: item.contentDigest, surface: item.surface,
        kind: item.kind, text: item.text, author_id: item.authorId, conversation_id: item.conversationId,
        recipient_ids: toJson(item.recipientIds), created_at: item.createdAt, ingested_at: item.ingestedAt,
        metadata: toJson(item.metadata), status: item.status,
      })))
      .execute();
  }
  const media = items.flatMap((item) => item.media.map((m) => ({
    id: m.id, item_id: item.id, idx: m.index, mime: m.mime, bytes: m.bytes, md5: m.md5, sha256: m.sha256,
    width: m.width, height: m.height, stored: m.stored ? 1 : 0, pdq: m.pdq, pdq_quality: m.pdqQuality,
    pdq_dihedral: m.pdqDihedral ? toJson(m.pdqDihedral) : null, vpdq: m.vpdq ? toJson(m.vpdq) : null, hash_error: m.hashError,
  })));
  for (let i = 0; i < media.length; i += 300) await q.insertInto('media').values(media.slice(i, i + 300)).execute();
}

/** Ids of the items already stored under these (external id, content digest) pairs, keyed `externalId\0digest`. */
export async function findItemIdsByContent(
  q: Queryable,
  keys: readonly { externalId: string; contentDigest: string }[],
): Promise<Map<string, ItemId>> {
  const wanted = new Set(keys.map((k) => `${k.externalId}\u0000${k.contentDigest}`));
  const externalIds = [...new Set(keys.map((k) => k.externalId))];
  const found = new Map<string, ItemId>();
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await q
      .selectFrom('items')
      .select(['id', 'external_id', 'content_digest'])
      .where('external_id', 'in', externalIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const key = `${r.external_id}\u0000${r.content_digest}`;
      if (wanted.has(key)) found.set(key, r.id as ItemId);
    }
  }
  return found;
}

/** Every version of an item the platform knows by this id, newest first. */
export async function findItemIdsByExternalId(q: Queryable, externalId: string): Promise<ItemId[]> {
  const rows = await q.selectFrom('items').select('id').where('external_id', '=', externalId).orderBy('id', 'desc').execute();
  return rows.map((r) => r.id as ItemId);
}

export async function getItems(q: Queryable, ids: readonly string[]): Promise<Item[]> {
  if (ids.length === 0) return [];
  const rows = await q.selectFrom('items').selectAll().where('id', 'in', [...ids]).execute();
  const media = await q.selectFrom('media').selectAll().where('item_id', 'in', [...ids]).orderBy('idx').execute();
  const byItem = new Map<string, MediaPart[]>();
  for (const m of media) {
    const list = byItem.get(m.item_id) ?? [];
    list.push(toMedia(m));
    byItem.set(m.item_id, list);
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.map((r) => toItem(r, byItem.get(r.id) ?? [])).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export async function getItem(q: Queryable, id: string): Promise<Item | null> {
  return (await getItems(q, [id]))[0] ?? null;
}

export async function setItemStatus(q: Queryable, ids: readonly string[], status: ItemStatus): Promise<void> {
  if (ids.length > 0) await q.updateTable('items').set({ status }).where('id', 'in', [...ids]).execute();
}

export interface ItemSearch {
  q?: string | undefined;
  verdict?: Verdict | undefined;
  status?: ItemStatus | undefined;
  category?: string | undefined;
  limit: number;
  /** Items with ids below this one (the list runs newest first). */
  before?: string | undefined;
}

export interface ItemSummary {
  id: ItemId;
  externalId: string;
  surface: string;
  kind: ItemKind;
  textPreview: string | null;
  authorExternalId: string | null;
  createdAt: number;
  ingestedAt: number;
  status: ItemStatus;
  verdict: Verdict | null;
  category: string | null;
  severity: string | null;
  mediaCount: number;
}

export async function searchItems(q: Queryable, s: ItemSearch): Promise<ItemSummary[]> {
  let query = q
    .selectFrom('items as i')
    .leftJoin('accounts as a', 'a.id', 'i.author_id')
    .leftJoin('decisions as d', (j) =>
      j.onRef('d.item_id', '=', 'i.id').on('d.id', '=', (eb) =>
        eb.selectFrom('decisions as d2').select((e) => e.fn.max('d2.id').as('m')).whereRef('d2.item_id', '=', 'i.id'),
      ),
    )
    .select([
      'i.id', 'i.external_id', 'i.surface', 'i.kind', 'i.text', 'i.created_at', 'i.ingested_at', 'i.status',
      'a.external_id as author_external_id', 'd.verdict', 'd.category', 'd.severity',
    ])
    .select((eb) =>
      eb.selectFrom('media as m').select((e) => e.fn.countAll<number>().as('n')).whereRef('m.item_id', '=', 'i.id').as('media_count'),
    );
  if (s.q) {
    const like = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('i.external_id', '=', s.q as string),
        eb('i.id', '=', s.q as string),
        eb('a.external_id', '=', s.q as string),
        eb('i.conversation_id', '=', s.q as string),
        eb('i.text', 'like', like),
      ]),
    );
  }
  if (s.verdict) query = query.where('d.verdict', '=', s.verdict);
  if (s.status) query = query.where('i.status', '=', s.status);
  if (s.category) query = query.where('d.category', '=', s.category);
  if (s.before) query = query.where('i.id', '<', s.before);
  const rows = await query.orderBy('i.id', 'desc').limit(s.limit).execute();
  return rows.map((r) => ({
    id: r.id as ItemId,
    externalId: r.external_id,
    surface: r.surface,
    kind: r.kind as ItemKind,
    textPreview: r.text === null ? null : r.text.length > 160 ? `${r.text.slice(0, 157)}...` : r.text,
    authorExternalId: r.author_external_id ?? null,
    createdAt: r.created_at,
    ingestedAt: r.ingested_at,
    status: r.status as ItemStatus,
    verdict: (r.verdict as Verdict | null) ?? null,
    category: r.category ?? null,
    severity: r.severity ?? null,
    mediaCount: Number(r.media_count ?? 0),
  }));
}
