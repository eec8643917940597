import { createHash } from 'node:crypto';
import type { Account, Decision, Item, Signal } from '../../core/types.js';
import { canonicalJson } from '../../store/db.js';

/** What Haven knew about an item when it preserved it: the basis of a report made later, months after the fact. */
export interface EvidenceSnapshot {
  version: 1;
  preservedAt: number;
  /** The item row with its media rows (hashes, sizes, perceptual hashes); never the media bytes. */
  item: Item;
  accounts: Account[];
  signals: Signal[];
  decision: Decision | null;
  actions: { id: string; type: string; status: string; delivery: string; createdAt: number }[];
}

/** Stable bytes for a snapshot, so its hash does not depend on how a database returned the rows. */
export function snapshotBytes(s: EvidenceSnapshot): Buffer {
  return Buffer.from(canonicalJson(s), 'utf8');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const DAY_MS = 86_400_000;

/** The REPORT Act asks providers to keep reported material for a year. */
export const DEFAULT_PRESERVATION_DAYS = 365;
