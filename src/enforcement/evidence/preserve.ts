import type { ItemId } from '../../core/ids.js';
import type { Queryable } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { accountsByIds } from '../../store/repos/accounts.js';
import { appendEvents } from '../../store/repos/events.js';
import { type EvidenceMediaRef, insertEvidenceRecord, insertHold, markPreserveDone } from '../../store/repos/evidence.js';
import { getItem } from '../../store/repos/items.js';
import { existingBlobs } from '../../store/repos/media-blobs.js';
import { resultsForItem } from '../../store/repos/results.js';
import { type KeyProvider, seal } from '../media-vault.js';
import { EvidenceError } from './errors.js';
import { DAY_MS, DEFAULT_PRESERVATION_DAYS, type EvidenceSnapshot, sha256Hex, snapshotBytes } from './snapshot.js';

export interface PreserveRequest {
  itemId: string;
  decisionId: string | null;
  actionId: string | null;
  reason: string;
  now: number;
  /** How long the preservation hold keeps the evidence; one year by default. */
  holdDays?: number;
  actor?: string;
}

export interface Preserved {
  evidenceId: string;
  holdId: string;
  itemId: string;
  expiresAt: number;
  media: EvidenceMediaRef[];
  mediaNote: string | null;
  sealed: boolean;
}

export const HASH_ONLY_NOTE = 'hash-only mode: Haven keeps only the hashes of this media, never the bytes';

/**
 * Preserves an item inside the caller's transaction: a snapshot of its metadata (sealed with the media key), the
 * media it refers to by SHA-256, a preservation hold until now + holdDays, and an 'evidence_preserved' event.
 * `keys` is null in hash-only mode: the snapshot is then kept unsealed and the record says no media is held.
 */
export async function preserveItemEvidence(trx: Queryable, keys: KeyProvider | null, req: PreserveRequest): Promise<Preserved> {
  const holdDays = req.holdDays ?? DEFAULT_PRESERVATION_DAYS;
  if (!(holdDays > 0)) throw new EvidenceError('invalid', 'holdDays must be positive');
  const item = await getItem(trx, req.itemId);
  if (!item) throw new EvidenceError('not_found', `item ${req.itemId} not found`);
  const results = await resultsForItem(trx, item.id as ItemId);
  const accounts = await accountsByIds(trx, [...(item.authorId ? [item.authorId] : []), ...item.recipientIds]);
  const decision = (req.decisionId ? results.decisions.find((d) => d.id === req.decisionId) : results.decisions.at(-1)) ?? null;
  const snapshot: EvidenceSnapshot = {
    version: 1, preservedAt: req.now, item, accounts, signals: results.signals, decision,
    actions: results.actions.map((a) => ({ id: a.id, type: a.type, status: a.status, delivery: a.delivery, createdAt: a.createdAt })),
  };
  const bytes = snapshotBytes(snapshot);

  const held = await existingBlobs(trx, item.media.map((m) => m.sha256));
  const media: EvidenceMediaRef[] = item.media.map((m) => ({
    mediaId: m.id, index: m.index, sha256: m.sha256, mime: m.mime, bytes: m.bytes, blobHeld: held.has(m.sha256),
  }));
  const missing = media.filter((m) => !m.blobHeld).length;
  const mediaNote = missing === 0 ? null
    : !keys || item.media.every((m) => !m.stored) ? HASH_ONLY_NOTE
    : `${missing} of ${media.length} media files are no longer held (retention)`;

  const evidenceId = newId();
  const holdId = newId();
  const expiresAt = req.now + holdDays * DAY_MS;
  const actor = req.actor ?? 'pipeline';
  await insertEvidenceRecord(trx, {
    id: evidenceId, itemId: item.id, decisionId: decision?.id ?? null, actionId: req.actionId, reason: req.reason,
    createdAt: req.now, createdBy: actor, mediaNote, snapshotSha256: sha256Hex(bytes),
    snapshot: keys ? { sealed: seal(keys, bytes) } : { plain: JSON.parse(bytes.toString('utf8')) as unknown },
    media,
  });
  await insertHold(trx, {
    id: holdId, kind: 'preservation', itemId: item.id, accountId: null, evidenceId, reason: req.reason, createdAt: req.now,
    createdBy: actor, expiresAt, releasedAt: null, releasedBy: null, releaseReason: null,
  });
  await appendEvents(trx, [{
    type: 'evidence_preserved', itemId: item.id, accountId: item.authorId, actor, versions: {},
    payload: {
      evidenceId, holdId, actionId: req.actionId, decisionId: decision?.id ?? null, holdExpiresAt: expiresAt,
      media: media.filter((m) => m.blobHeld).map((m) => m.sha256), mediaNote, sealed: keys !== null,
    },
  }], req.now);
  return { evidenceId, holdId, itemId: item.id, expiresAt, media, mediaNote, sealed: keys !== null };
}

/** Carries out the 'preserve' actions among a batch's new actions, in the batch's transaction, and marks them done. */
export async function preserveRequestedActions(
  trx: Queryable,
  keys: KeyProvider | null,
  actions: readonly { id: string; type: string; itemId: string; decisionId: string }[],
  now: number,
): Promise<Preserved[]> {
  const out: Preserved[] = [];
  for (const a of actions) {
    if (a.type !== 'preserve') continue;
    out.push(await preserveItemEvidence(trx, keys, {
      itemId: a.itemId, decisionId: a.decisionId, actionId: a.id, reason: `preserve action of decision ${a.decisionId}`, now,
    }));
    await markPreserveDone(trx, a.id, now);
  }
  return out;
}
