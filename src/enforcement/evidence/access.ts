import type { Db } from '../../store/db.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import {
  type EvidenceMediaRef, type EvidenceRecord, evidenceRecordsForItem, getEvidenceRecord, getEvidenceSnapshot,
} from '../../store/repos/evidence.js';
import { getBlob } from '../../store/repos/media-blobs.js';
import { type KeyProvider, open } from '../media-vault.js';
import { EvidenceError } from './errors.js';
import type { EvidenceSnapshot } from './snapshot.js';

export { evidenceRecordsForItem, getEvidenceRecord };

async function audited(db: Db, record: EvidenceRecord, opts: { actor: string; now: number; purpose?: string | undefined }, what: Record<string, unknown>) {
  await db.transaction().execute(async (trx) => {
    const details = { itemId: record.itemId, ...what, ...(opts.purpose ? { purpose: opts.purpose } : {}) };
    await appendAudit(trx, { actor: opts.actor, action: 'evidence.view', targetType: 'evidence', targetId: record.id, details }, opts.now);
    await appendEvents(trx, [{
      type: 'evidence_viewed', itemId: record.itemId, accountId: null, actor: opts.actor, versions: {}, payload: { evidenceId: record.id, ...what },
    }], opts.now);
  });
}

/**
 * Opens an evidence record's snapshot. Every call is audited (audit_log and an 'evidence_viewed' event on the item)
 * before the content is returned.
 */
export async function openEvidence(
  db: Db,
  keys: KeyProvider | null,
  opts: { evidenceId: string; actor: string; now: number; purpose?: string },
): Promise<{ record: EvidenceRecord; snapshot: EvidenceSnapshot }> {
  const record = await getEvidenceRecord(db, opts.evidenceId);
  if (!record) throw new EvidenceError('not_found', `evidence ${opts.evidenceId} not found`);
  const stored = await getEvidenceSnapshot(db, record.id);
  if (!stored) throw new EvidenceError('purged', `the snapshot of evidence ${record.id} was deleted by retention`);
  let snapshot: EvidenceSnapshot;
  if ('sealed' in stored) {
    if (!keys) throw new EvidenceError('not_stored', 'this snapshot is sealed and Haven runs without a key (hash-only mode)');
    snapshot = JSON.parse(open(keys, stored.sealed).toString('utf8')) as EvidenceSnapshot;
  } else {
    snapshot = stored.plain as EvidenceSnapshot;
  }
  await audited(db, record, opts, { part: 'snapshot' });
  return { record, snapshot };
}

/** Opens one media file an evidence record refers to (by SHA-256). Audited on every call, like the snapshot. */
export async function openEvidenceFile(
  db: Db,
  keys: KeyProvider | null,
  opts: { evidenceId: string; sha256: string; actor: string; now: number; purpose?: string },
): Promise<{ record: EvidenceRecord; file: EvidenceMediaRef; bytes: Buffer }> {
  const record = await getEvidenceRecord(db, opts.evidenceId);
  if (!record) throw new EvidenceError('not_found', `evidence ${opts.evidenceId} not found`);
  const sha = opts.sha256.toLowerCase();
  const file = record.media.find((m) => m.sha256 === sha);
  if (!file) throw new EvidenceError('not_found', `evidence ${record.id} refers to no file with sha256 ${sha}`);
  if (!keys) throw new EvidenceError('not_stored', 'Haven keeps only the hashes of media (hash-only mode)');
  const blob = await getBlob(db, sha);
  if (!blob) throw new EvidenceError('not_stored', `the bytes of ${sha} are not held (${record.mediaNote ?? 'deleted by retention'})`);
  const bytes = open(keys, blob);
  await audited(db, record, opts, { part: 'file', sha256: sha, mediaId: file.mediaId });
  return { record, file, bytes };
}
