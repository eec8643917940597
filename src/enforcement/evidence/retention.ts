import type { Db } from '../../store/db.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import { deleteBlobs, expiredBlobs, expiredSnapshots, lockHolds, purgeSnapshots } from '../../store/repos/evidence.js';
import { DAY_MS } from './snapshot.js';

export interface RetentionReport {
  dryRun: boolean;
  /** Media stored and evidence preserved before this instant (and under no hold) is deleted. */
  cutoff: number;
  blobsDeleted: number;
  snapshotsPurged: number;
  /** SHA-256 of the deleted (or, on a dry run, deletable) media, at most the first 1000. */
  blobs: string[];
}

const BATCH = 500;
const DRY_RUN_LIMIT = 100_000;

/**
 * Deletes sealed media and evidence snapshots older than the retention period that no hold in force covers. Each
 * batch is chosen and deleted in one transaction that also excludes hold placement, so nothing held is ever deleted.
 * A run that deleted something leaves an audit line and a 'retention_ran' event with the counts.
 */
export async function runRetention(
  db: Db,
  opts: { now: number; retentionDays: number; dryRun?: boolean; actor?: string },
): Promise<RetentionReport> {
  const cutoff = opts.now - opts.retentionDays * DAY_MS;
  const dryRun = opts.dryRun === true;
  const report: RetentionReport = { dryRun, cutoff, blobsDeleted: 0, snapshotsPurged: 0, blobs: [] };
  const args = { now: opts.now, cutoff, limit: dryRun ? DRY_RUN_LIMIT : BATCH };
  if (dryRun) {
    const blobs = await expiredBlobs(db, args);
    report.blobsDeleted = blobs.length;
    report.blobs = blobs.slice(0, 1000);
    report.snapshotsPurged = (await expiredSnapshots(db, args)).length;
    return report;
  }
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      await lockHolds(trx);
      const blobs = await expiredBlobs(trx, args);
      const deleted = await deleteBlobs(trx, blobs);
      report.blobsDeleted += deleted;
      if (report.blobs.length < 1000) report.blobs.push(...blobs.slice(0, 1000 - report.blobs.length));
      const snapshots = await expiredSnapshots(trx, args);
      report.snapshotsPurged += await purgeSnapshots(trx, snapshots, opts.now);
      return Math.max(blobs.length, snapshots.length);
    });
    if (n < BATCH) break;
  }
  if (report.blobsDeleted + report.snapshotsPurged > 0) {
    const actor = opts.actor ?? 'retention';
    const details = { cutoff, retentionDays: opts.retentionDays, blobsDeleted: report.blobsDeleted, snapshotsPurged: report.snapshotsPurged };
    await db.transaction().execute(async (trx) => {
      await appendAudit(trx, { actor, action: 'evidence.retention', targetType: 'media', targetId: null, details: { ...details, blobs: report.blobs } }, opts.now);
      await appendEvents(trx, [{ type: 'retention_ran', itemId: null, accountId: null, actor, versions: {}, payload: details }], opts.now);
    });
  }
  return report;
}
