import type { BankEntryId, BankId } from '../../core/ids.js';
import type { VideoFrameHash } from '../../core/types.js';
import { vpdqCompare } from '../../hashing/vpdq/index.js';
import type { Detector, DetectionInput, SignalDraft } from '../types.js';
import type { IndexedEntry } from './digest-index.js';

export interface VpdqEntry extends IndexedEntry {
  frames: VideoFrameHash[];
}

/** Compares each video's frame hashes with every vPDQ bank entry (per-frame distance, then shares of frames). */
export class VpdqMatchDetector implements Detector {
  readonly id = 'hashmatch.vpdq';
  readonly inputs = ['video'] as const;
  readonly cost = 20;
  static readonly VERSION = '1';

  constructor(
    /** Re-iterable: an array, or a live view of a replica's entries. */
    private readonly entries: Iterable<VpdqEntry>,
    /** A fixed stamp, or a function for entries that change in place (a replica). */
    private readonly banksVersion: string | (() => string),
    private readonly opts = { distance: 31, queryMatchPercent: 80, targetMatchPercent: 80, qualityThreshold: 50 },
  ) {}

  versions() {
    return { [this.id]: VpdqMatchDetector.VERSION, banks: typeof this.banksVersion === 'string' ? this.banksVersion : this.banksVersion() };
  }

  detect({ item }: DetectionInput): SignalDraft[] {
    const out: SignalDraft[] = [];
    for (const m of item.media) {
      if (!m.vpdq || m.vpdq.length === 0) continue;
      for (const e of this.entries) {
        const c = vpdqCompare(m.vpdq, e.frames, this.opts);
        if (!c.match) continue;
        out.push({
          category: e.category,
          score: Math.round((Math.min(c.queryMatchPercent, c.targetMatchPercent) / 100) * 1e4) / 1e4,
          evidence: {
            summary: `vPDQ of media part ${m.index}: ${c.queryMatchPercent.toFixed(0)}% of its frames and ${c.targetMatchPercent.toFixed(0)}% of entry ${e.entryId}'s frames of bank "${e.bankName}" match`,
            bankId: e.bankId as BankId,
            bankEntryId: e.entryId as BankEntryId,
            bankName: e.bankName,
            hashType: 'vpdq',
            hash: e.hash,
            mediaId: m.id,
            queryMatchPercent: c.queryMatchPercent,
            targetMatchPercent: c.targetMatchPercent,
            classification: e.classification,
            label: e.label,
            bankMode: e.matchMode,
          },
        });
      }
    }
    return out;
  }
}
