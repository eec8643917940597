import type { BankEntryId, BankId } from '../../core/ids.js';
import type { Detector, DetectionInput, SignalDraft } from '../types.js';
import type { DigestIndex } from './digest-index.js';

/** Matches each media part's MD5 and SHA-256 against every bank. An exact match is certain, so it scores 1. */
export class ExactHashDetector implements Detector {
  readonly id = 'hashmatch.exact';
  readonly inputs = ['image', 'video'] as const;
  readonly cost = 1;
  static readonly VERSION = '1';

  constructor(private readonly index: DigestIndex) {}

  versions() {
    return { [this.id]: ExactHashDetector.VERSION, banks: this.index.version };
  }

  detect({ item }: DetectionInput): SignalDraft[] {
    const out: SignalDraft[] = [];
    const seen = new Set<string>();
    for (const m of item.media) {
      for (const [hashType, hash] of [['sha256', m.sha256], ['md5', m.md5]] as const) {
        for (const e of this.index.lookup(hashType, hash)) {
          if (seen.has(`${m.id}:${e.entryId}`)) continue;
          seen.add(`${m.id}:${e.entryId}`);
          out.push({
            category: e.category,
            score: 1,
            evidence: {
              summary: `${hashType} of media part ${m.index} equals entry ${e.entryId} of bank "${e.bankName}"`,
              bankId: e.bankId as BankId,
              bankEntryId: e.entryId as BankEntryId,
              bankName: e.bankName,
              hashType,
              hash,
              mediaId: m.id,
              classification: e.classification,
              label: e.label,
              bankMode: e.matchMode,
            },
          });
        }
      }
    }
    return out;
  }
}
