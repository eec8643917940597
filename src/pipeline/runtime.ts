import type { PolicyContext, Policy } from '../core/policy.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import { DEFAULT_TAXONOMY } from '../core/taxonomy-default.js';
import type { Taxonomy } from '../core/taxonomy.js';
import { DigestIndex } from '../detectors/hashmatch/digest-index.js';
import { ExactHashDetector } from '../detectors/hashmatch/exact.js';
import { DEFAULT_TERM_LISTS } from '../detectors/text/default-terms.js';
import { TermListDetector } from '../detectors/text/term-detector.js';
import type { TermList } from '../detectors/text/terms.js';
import type { Detector } from '../detectors/types.js';
import type { Queryable } from '../store/db.js';
import { allEntriesOfTypes, banksVersion, DIGEST_HASH_TYPES } from '../store/repos/banks.js';
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

  async current(q: Queryable): Promise<DetectionSetup> {
    const [taxonomy, policy, terms, bankStamp] = await Promise.all([
      latestConfig<Taxonomy>(q, 'taxonomy'),
      latestConfig<Policy>(q, 'policy'),
      latestConfig<TermList[]>(q, 'term_lists'),
      banksVersion(q),
    ]);
    if (!taxonomy || !policy || !terms) throw new Error('configuration is missing: run migrations and ensureDefaultConfig first');
    if (bankStamp !== this.index.version) {
      const entries = await allEntriesOfTypes(q, DIGEST_HASH_TYPES);
      this.index.replace(
        entries.map((e) => ({
          bankId: e.bankId, bankName: e.bankName, entryId: e.id, hashType: e.hashType, hash: e.hash, category: e.category,
          classification: e.classification, label: e.label,
        })),
        bankStamp,
      );
    }
    if (terms.version !== this.termVersion || !this.termDetector) {
      this.termDetector = new TermListDetector(terms.document, terms.version);
      this.termVersion = terms.version;
    }
    return {
      detectors: [new ExactHashDetector(this.index), this.termDetector],
      policy: { policy: policy.document, policyVersion: policy.version, taxonomy: taxonomy.document, taxonomyVersion: taxonomy.version },
    };
  }
}
