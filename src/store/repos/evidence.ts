import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { SealedBlob } from '../../enforcement/media-vault.js';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import type { Database, EvidenceHoldsTable, EvidenceRecordsTable } from '../schema.js';

// The evidence vault's tables: preserved records, the media they refer to, and the holds that keep them.

export type HoldKind = 'preservation' | 'legal';

export interface EvidenceHold {
  id: string;
  kind: HoldKind;
  itemId: string | null;
  accountId: string | null;
  evidenceId: string | null;
  reason: string;
  createdAt: number;
  createdBy: string;
  /** Null for a legal hold: it lasts until a person lifts it. */
  expiresAt: number | null;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

export interface EvidenceMediaRef {
  mediaId: string;
  index: number;
  sha256: string;
  mime: string;
  bytes: number;
  /** Whether the sealed bytes were held when the record was made. */
  blobHeld: boolean;
}

export interface EvidenceRecord {
  id: string;
  itemId: string;
  decisionId: string | null;
  actionId: string | null;
  reason: string;
  createdAt: number;
  createdBy: string;
  mediaNote: string | null;
  snapshotSha256: string;
  /** True when the snapshot is encrypted at rest (false only in hash-only mode). */
  sealed: boolean;
  purgedAt: number | null;
  media: EvidenceMediaRef[];
}

/** A record as written: the snapshot itself (sealed, or plain in hash-only mode) rather than whether it is sealed. */
export interface NewEvidenceRecord extends Omit<EvidenceRecord, 'sealed' | 'purgedAt'> {
  snapshot: { sealed: SealedBlob } | { plain: unknown };
}

export function toHold(r: Selectable<EvidenceHoldsTable>): EvidenceHold {
  return {
    id: r.id, kind: r.kind as HoldKind, itemId: r.item_id, accountId: r.account_id, evidenceId: r.evidence_id,
    reason: r.reason, createdAt: r.created_at, createdBy: r.created_by, expiresAt: r.expires_at, releasedAt: r.released_at,
    releasedBy: r.released_by, releaseReason: r.release_reason,
  };
}

function toRecord(r: Selectable<EvidenceRecordsTable>, media: EvidenceMediaRef[]): EvidenceRecord {
  return {
    id: r.id, itemId: r.item_id, decisionId: r.decision_id, actionId: r.action_id, reason: r.reason, createdAt: r.created_at,
    createdBy: r.created_by, mediaNote: r.media_note, snapshotSha256: r.snapshot_sha256, sealed: r.snapshot_key_id !== null,
    purgedAt: r.purged_at, media,
  };
}

export async function insertEvidenceRecord(q: Queryable, e: NewEvidenceRecord): Promise<void> {
  const s = 'sealed' in e.snapshot ? e.snapshot.sealed : null;
  await q
    .insertInto('evidence_records')
    .values({
      id: e.id, item_id: e.itemId, decision_id: e.decisionId, action_id: e.actionId, reason: e.reason, created_at: e.createdAt,
      created_by: e.createdBy, media_note: e.mediaNote, snapshot_sha256: e.snapshotSha256,
      snapshot_key_id: s?.keyId ?? null, snapshot_wrapped_key: s?.wrappedKey ?? null, snapshot_iv: s?.iv ?? null,
      snapshot_tag: s?.tag ?? null, snapshot_ciphertext: s?.ciphertext ?? null,
      snapshot_plain: 'plain' in e.snapshot ? toJson(e.snapshot.plain) : null, purged_at: null,
    })
    .execute();
  if (e.media.length === 0) return;
  await q
    .insertInto('evidence_media')
    .values(e.media.map((m) => ({
      evidence_id: e.id, media_id: m.mediaId, idx: m.index, sha256: m.sha256, mime: m.mime, bytes: m.bytes, blob_held: m.blobHeld ? 1 : 0,
    })))
    .execute();
}

async function mediaOf(q: Queryable, ids: readonly string[]): Promise<Map<string, EvidenceMediaRef[]>> {
  const out = new Map<string, EvidenceMediaRef[]>();
  if (ids.length === 0) return out;
  const rows = await q.selectFrom('evidence_media').selectAll().where('evidence_id', 'in', [...ids]).orderBy('idx').execute();
  for (const r of rows) {
    const list = out.get(r.evidence_id) ?? [];
    list.push({ mediaId: r.media_id, index: r.idx, sha256: r.sha256, mime: r.mime, bytes: r.bytes, blobHeld: r.blob_held === 1 });
    out.set(r.evidence_id, list);
  }
  return out;
}

export async function getEvidenceRecord(q: Queryable, id: string): Promise<EvidenceRecord | null> {
  const r = await q.selectFrom('evidence_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  return toRecord(r, (await mediaOf(q, [id])).get(id) ?? []);
}

export async function evidenceRecordsForItem(q: Queryable, itemId: string): Promise<EvidenceRecord[]> {
  const rows = await q.selectFrom('evidence_records').selectAll().where('item_id', '=', itemId).orderBy('created_at').orderBy('id').execute();
  const media = await mediaOf(q, rows.map((r) => r.id));
  return rows.map((r) => toRecord(r, media.get(r.id) ?? []));
}

/** The stored snapshot: sealed, plain (hash-only mode), or null once retention purged it. */
export async function getEvidenceSnapshot(q: Queryable, id: string): Promise<{ sealed: SealedBlob } | { plain: unknown } | null> {
  const r = await q.selectFrom('evidence_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || r.purged_at !== null) return null;
  if (r.snapshot_key_id && r.snapshot_wrapped_key && r.snapshot_iv && r.snapshot_tag && r.snapshot_ciphertext) {
    return {
      sealed: {
        keyId: r.snapshot_key_id, wrappedKey: Buffer.from(r.snapshot_wrapped_key), iv: Buffer.from(r.snapshot_iv),
        tag: Buffer.from(r.snapshot_tag), ciphertext: Buffer.from(r.snapshot_ciphertext),
      },
    };
  }
  return r.snapshot_plain === null ? null : { plain: fromJson(r.snapshot_plain) };
}

export async function insertHold(q: Queryable, h: EvidenceHold): Promise<void> {
  await q
    .insertInto('evidence_holds')
    .values({
      id: h.id, kind: h.kind, item_id: h.itemId, account_id: h.accountId, evidence_id: h.evidenceId, reason: h.reason,
      created_at: h.createdAt, created_by: h.createdBy, expires_at: h.expiresAt, released_at: h.releasedAt,
      released_by: h.releasedBy, release_reason: h.releaseReason,
    })
    .execute();
}

export async function getHold(q: Queryable, id: string): Promise<EvidenceHold | null> {
  const r = await q.selectFrom('evidence_holds').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toHold(r) : null;
}

/** Releases a hold that is still in force; false when it was already released. */
export async function releaseHold(q: Queryable, id: string, by: string, reason: string, now: number): Promise<boolean> {
  const r = await q
    .updateTable('evidence_holds')
    .set({ released_at: now, released_by: by, release_reason: reason })
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Every hold naming the item, or naming its author's account (an account hold covers all its items). */
export async function holdsForItem(q: Queryable, itemId: string): Promise<EvidenceHold[]> {
  const item = await q.selectFrom('items').select('author_id').where('id', '=', itemId).executeTakeFirst();
  const rows = await q
    .selectFrom('evidence_holds')
    .selectAll()
    .where((eb) => {
      const named = [eb('item_id', '=', itemId)];
      if (item?.author_id) named.push(eb('account_id', '=', item.author_id));
      return eb.or(named);
    })
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toHold);
}

/**
 * Serialises hold placement against the retention job on Postgres (SQLite transactions already hold the write lock),
 * so a hold placed while retention runs is either seen by it or placed after its deletions.
 */
export async function lockHolds(q: Queryable): Promise<void> {
  if (isPostgres(q)) await sql`SELECT pg_advisory_xact_lock(7311008)`.execute(q);
}

/** Ids of items under a hold in force at `now`: named directly, or authored by a held account. A subquery. */
function heldItemIds(q: Queryable, now: number) {
  const inForce = (eb: ExpressionBuilder<Database, 'evidence_holds'>) =>
    eb.and([
      eb('evidence_holds.released_at', 'is', null),
      eb.or([eb('evidence_holds.expires_at', 'is', null), eb('evidence_holds.expires_at', '>', now)]),
    ]);
  return q
    .selectFrom('evidence_holds')
    .select('evidence_holds.item_id as id')
    .where('evidence_holds.item_id', 'is not', null)
    .where(inForce)
    .union(
      q.selectFrom('items')
        .innerJoin('evidence_holds', 'evidence_holds.account_id', 'items.author_id')
        .select('items.id as id')
        .where((eb) => inForce(eb as unknown as ExpressionBuilder<Database, 'evidence_holds'>)),
    );
}

/**
 * Sealed media due for deletion: stored before `cutoff`, referenced by no item ingested since, and by no item under
 * a hold in force (a file shared by several items stays while any of them is held).
 */
export async function expiredBlobs(q: Queryable, opts: { now: number; cutoff: number; limit: number }): Promise<string[]> {
  const rows = await q
    .selectFrom('media_blobs as b')
    .select('b.sha256')
    .where('b.created_at', '<', opts.cutoff)
    .where((eb) =>
      eb.not(eb.exists(
        eb.selectFrom('media as m')
          .innerJoin('items as i', 'i.id', 'm.item_id')
          .select('m.id')
          .whereRef('m.sha256', '=', 'b.sha256')
          .where((x) => x.or([x('i.ingested_at', '>=', opts.cutoff), x('i.id', 'in', heldItemIds(q, opts.now))])),
      )),
    )
    .orderBy('b.created_at')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => r.sha256);
}

/** Evidence snapshots due for deletion: made before `cutoff`, not yet purged, and for an item under no hold in force. */
export async function expiredSnapshots(q: Queryable, opts: { now: number; cutoff: number; limit: number }): Promise<string[]> {
  const rows = await q
    .selectFrom('evidence_records as e')
    .select('e.id')
    .where('e.purged_at', 'is', null)
    .where('e.created_at', '<', opts.cutoff)
    .where((eb) => eb.not(eb('e.item_id', 'in', heldItemIds(q, opts.now))))
    .orderBy('e.created_at')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function deleteBlobs(q: Queryable, sha256s: readonly string[]): Promise<number> {
  if (sha256s.length === 0) return 0;
  const r = await q.deleteFrom('media_blobs').where('sha256', 'in', [...sha256s]).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Clears the snapshot (sealed or plain) and marks the record purged; the record itself and its hashes remain. */
export async function purgeSnapshots(q: Queryable, ids: readonly string[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await q
    .updateTable('evidence_records')
    .set({
      snapshot_wrapped_key: null, snapshot_iv: null, snapshot_tag: null, snapshot_ciphertext: null, snapshot_plain: null,
      purged_at: now,
    })
    .where('id', 'in', [...ids])
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A preserve action is carried out inside Haven: done once its evidence record exists. */
export async function markPreserveDone(q: Queryable, actionId: string, now: number): Promise<void> {
  await q
    .updateTable('actions')
    .set({ status: 'done', delivered_at: now })
    .where('id', '=', actionId)
    .where('type', '=', 'preserve')
    .execute();
}
