import type { PolicyContext, Policy } from '../core/policy.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import { DEFAULT_TAXONOMY } from '../core/taxonomy-default.js';
import type { Taxonomy } from '../core/taxonomy.js';
import { DigestIndex } from '../detectors/hashmatch/digest-index.js';
import { ExactHashDetector } from '../detectors/hashmatch/exact.js';
import { PdqMatchDetector } from '../detectors/hashmatch/pdq.js';
import { type VpdqEntry, VpdqMatchDetector } from '../detectors/hashmatch/vpdq.js';
import { PdqIndex } from '../hashing/index/index.js';
import { DEFAULT_TERM_LISTS } from '../detectors/text/default-terms.js';
import { TermListDetector } from '../detectors/text/term-detector.js';
import type { TermList } from '../detectors/text/terms.js';
import type { Detector } from '../detectors/types.js';
import type { Queryable } from '../store/db.js';
import { activeEntriesOfTypes, banksVersion, HASH_TYPES } from '../store/repos/banks.js';
import { latestConfig, saveConfigVersion } from '../store/repos/config.js';

/** Writes version 1 of each configuration into a new database. */
export async function ensureDefaultConfig(q: Queryable, now: number): Promise<void> {
  await q.transaction().execute(async (trx) => {
    const defaults = [
      ['taxonomy', DEFAULT_TAXONOMY],
      ['policy', DEFAULT_POLICY],
      ['term_lists', DEFAULT_TERM_LISTS],
    ] as const;
    for (const [kind, doc] of defaults) {
      if (!(await latestConfig(trx, kind))) await saveConfigVersion(trx, kind, doc, 'system', 'initial version', now);
    }
  });
}

export interface DetectionSetup {
  detectors: Detector[];
  policy: PolicyContext;
}

/**
 * The configuration the pipeline runs with, re-read before each batch: a policy, taxonomy, term-list or bank
 * change made through the API applies to the next batch without a restart.
 */
export class DetectionRuntime {
  private readonly index = new DigestIndex();
  private termDetector: TermListDetector | null = null;
  private termVersion = -1;
  private pdqDetector: PdqMatchDetector | null = null;
  private vpdqDetector: VpdqMatchDetector | null = null;

  async current(q: Queryable): Promise<DetectionSetup> {
    const [taxonomy, policy, terms, bankStamp] = await Promise.all([
      latestConfig<Taxonomy>(q, 'taxonomy'),
      latestConfig<Policy>(q, 'policy'),
      latestConfig<TermList[]>(q, 'term_lists'),
      banksVersion(q),
    ]);
    if (!taxonomy || !policy || !terms) throw new Error('configuration is missing: run migrations and ensureDefaultConfig first');
    if (bankStamp !== this.index.version || !this.pdqDetector || !this.vpdqDetector) {
      // Rebuilt whole on any bank change: seconds for a million entries. Replicas that apply changes one by one
      // come with scale-out.
      const entries = (await activeEntriesOfTypes(q, HASH_TYPES)).map((e) => ({
        bankId: e.bankId, bankName: e.bankName, entryId: e.id, hashType: e.hashType, hash: e.hash, category: e.category,
        classification: e.classification, label: e.label, matchMode: e.matchMode, data: e.data,
      }));
      this.index.replace(entries.filter((e) => e.hashType === 'md5' || e.hashType === 'sha256'), bankStamp);
      const pdq = entries.filter((e) => e.hashType === 'pdq');
      const byNumber = new Map(pdq.map((e, i) => [i, e]));
      this.pdqDetector = new PdqMatchDetector(PdqIndex.build(pdq.map((e, i) => ({ id: i, hash: e.hash }))), byNumber, bankStamp);
      this.vpdqDetector = new VpdqMatchDetector(
        entries
          .filter((e) => e.hashType === 'vpdq')
          .map((e) => ({ ...e, frames: (e.data as { frames?: VpdqEntry['frames'] } | null)?.frames ?? [] })),
        bankStamp,
      );
    }
    if (terms.version !== this.termVersion || !this.termDetector) {
      this.termDetector = new TermListDetector(terms.document, terms.version);
      this.termVersion = terms.version;
    }
    return {
      detectors: [new ExactHashDetector(this.index), this.pdqDetector, this.vpdqDetector, this.termDetector],
      policy: { policy: policy.document, policyVersion: policy.version, taxonomy: taxonomy.document, taxonomyVersion: taxonomy.version },
    };
  }
}
