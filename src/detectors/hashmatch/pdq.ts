import type { BankEntryId, BankId } from '../../core/ids.js';
import type { PdqIndex } from '../../hashing/index/index.js';
import { DIHEDRAL_NAMES } from '../../hashing/pdq/index.js';
import type { Detector, DetectionInput, SignalDraft } from '../types.js';
import type { IndexedEntry } from './digest-index.js';

export interface PdqMatchOptions {
  /** A match: Hamming distance at most this (31 is the industry convention for PDQ). */
  matchRadius: number;
  /** Distances above the match radius up to this are near misses: recorded, never acted on. */
  nearMissRadius: number;
  /** Hashes of flat, featureless images are unreliable; below this quality Haven does not match them. */
  minQuality: number;
}

export const DEFAULT_PDQ_MATCH: PdqMatchOptions = { matchRadius: 31, nearMissRadius: 48, minQuality: 50 };

/** Perceptual score of a PDQ match: 1 at distance 0, 0.52 at 31, so the policy can act on close matches only. */
export function pdqScore(distance: number): number {
  return Math.round((1 - distance / 64) * 1e4) / 1e4;
}

/**
 * Matches each image's PDQ, in all 8 dihedral variants (rotated and mirrored copies), against every PDQ bank
 * entry through the multi-index. A match names the bank, entry, labels, distance and variant; a near miss is
 * an informational signal that analytics uses to see hash evasion.
 */
export class PdqMatchDetector implements Detector {
  readonly id = 'hashmatch.pdq';
  readonly inputs = ['image'] as const;
  readonly cost = 3;
  static readonly VERSION = '1';

  constructor(
    /** The index, or a function returning it for a replica that may swap in a rebuilt one. */
    private readonly index: PdqIndex | (() => PdqIndex),
    private readonly entries: ReadonlyMap<number, IndexedEntry>,
    /** A fixed stamp, or a function for an index that changes in place (a replica). */
    private readonly banksVersion: string | (() => string),
    private readonly opts: PdqMatchOptions = DEFAULT_PDQ_MATCH,
  ) {}

  versions() {
    const banks = typeof this.banksVersion === 'string' ? this.banksVersion : this.banksVersion();
    return { [this.id]: PdqMatchDetector.VERSION, banks, pdq_radius: this.opts.matchRadius };
  }

  detect({ item }: DetectionInput): SignalDraft[] {
    const out: SignalDraft[] = [];
    const index = typeof this.index === 'function' ? this.index() : this.index;
    for (const m of item.media) {
      if (!m.pdq || !m.pdqDihedral || (m.pdqQuality ?? 0) < this.opts.minQuality) continue;
      for (const hit of index.searchAny(m.pdqDihedral, this.opts.nearMissRadius)) {
        const e = this.entries.get(hit.id);
        if (!e) continue;
        const variant = DIHEDRAL_NAMES[hit.query] ?? 'orig';
        const near = hit.distance > this.opts.matchRadius;
        out.push({
          category: e.category,
          score: pdqScore(hit.distance),
          evidence: {
            summary: near
              ? `near miss: PDQ of media part ${m.index} is ${hit.distance} bits from entry ${e.entryId} of bank "${e.bankName}" (match radius ${this.opts.matchRadius})`
              : `PDQ of media part ${m.index}${variant === 'orig' ? '' : ` (${variant})`} is ${hit.distance} bits from entry ${e.entryId} of bank "${e.bankName}"`,
            bankId: e.bankId as BankId,
            bankEntryId: e.entryId as BankEntryId,
            bankName: e.bankName,
            hashType: 'pdq',
            hash: e.hash,
            queryHash: m.pdq,
            distance: hit.distance,
            dihedral: variant,
            quality: m.pdqQuality,
            mediaId: m.id,
            classification: e.classification,
            label: e.label,
            bankMode: e.matchMode,
            ...(near ? { nearMiss: true, informational: true } : {}),
          },
        });
      }
    }
    return out;
  }
}
