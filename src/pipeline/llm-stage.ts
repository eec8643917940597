import { isMinorBand, type AgeBand, type Item } from '../core/types.js';
import { DbLlmCache } from '../detectors/llm/cache.js';
import { LlmClassifier } from '../detectors/llm/classifier.js';
import { describeLlm, type LlmConfig, createProvider } from '../detectors/llm/config.js';
import { LlmDetector } from '../detectors/llm/detector.js';
import { DEFAULT_LLM_POLICY, type LlmPolicy, parseLlmPolicy, type PromptFormat, templateFor } from '../detectors/llm/policy/index.js';
import type { PriorMessage } from '../detectors/llm/policy/item.js';
import type { ResilientProvider } from '../detectors/llm/resilience/resilient-provider.js';
import type { LlmImage } from '../detectors/llm/types.js';
import type { DetectionInput } from '../detectors/types.js';
import { type KeyProvider, open } from '../enforcement/media-vault.js';
import type { Queryable } from '../store/db.js';
import { configVersion, latestConfig } from '../store/repos/config.js';
import { dbSpendLedger } from '../store/repos/llm.js';
import { getBlob } from '../store/repos/media-blobs.js';

const PREVIOUS_MESSAGES = 5;

/** What /readyz and the UI say about the LLM. */
export interface LlmStatus {
  configured: boolean;
  description: string;
  circuit?: string;
  spentTodayUsd?: number | null;
  dailyBudgetUsd?: number;
}

export const NO_LLM_STATUS: LlmStatus = {
  configured: false,
  description: 'no LLM provider configured (set HAVEN_LLM_PROVIDER): rules, hashes, conversation risk and the local model decide alone',
};

/**
 * The LLM as the pipeline uses it: one resilient provider per process (its circuit breaker, rate limit and
 * concurrency are shared by every caller), spend kept in the database so the daily budget holds across processes,
 * verdicts cached in the database, and a detector rebuilt whenever the LLM policy gets a new version.
 */
export class LlmStage {
  readonly provider: ResilientProvider;
  private current: { version: number; detector: LlmDetector } | null = null;
  /** Images of items classified without being stored (dry runs, GenAI checks), by SHA-256, with a use count. */
  private readonly transient = new Map<string, { data: Buffer; uses: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly keys: KeyProvider | null,
    readonly config: LlmConfig,
    private readonly format: PromptFormat,
  ) {
    this.provider = createProvider(config, { ledger: dbSpendLedger(db) });
  }

  async status(): Promise<LlmStatus> {
    return {
      configured: true, description: describeLlm(this.config), circuit: this.provider.circuitState,
      spentTodayUsd: await this.provider.spentTodayUsd(), dailyBudgetUsd: this.config.dailyBudgetUsd,
    };
  }

  /** The detector for the LLM policy in force, or for a stored version (for evaluation). */
  async detector(q: Queryable, policyVersion?: number): Promise<LlmDetector> {
    const policy = policyVersion === undefined ? await latestConfig<LlmPolicy>(q, 'llm_policy') : await configVersion<LlmPolicy>(q, 'llm_policy', policyVersion);
    const version = policy?.version ?? 0;
    if (this.current?.version !== version) {
      const classifier = new LlmClassifier({
        provider: this.provider, template: templateFor(this.format), policy: policy ? parseLlmPolicy(policy.document) : DEFAULT_LLM_POLICY,
        policyVersion: version, cache: new DbLlmCache(this.db),
      });
      this.current = {
        version,
        detector: new LlmDetector(classifier, { loadImages: (item) => this.images(item), loadPrevious: (input) => this.previous(input) }),
      };
    }
    return this.current.detector;
  }

  /** Lends the bytes of an unstored item's images to the LLM while `fn` runs. */
  async withTransientMedia<T>(media: readonly { sha256: string; data: Buffer }[], fn: () => Promise<T>): Promise<T> {
    for (const m of media) {
      const held = this.transient.get(m.sha256);
      this.transient.set(m.sha256, { data: m.data, uses: (held?.uses ?? 0) + 1 });
    }
    try {
      return await fn();
    } finally {
      for (const m of media) {
        const held = this.transient.get(m.sha256);
        if (held && held.uses > 1) held.uses--;
        else this.transient.delete(m.sha256);
      }
    }
  }

  /** The item's images: lent for an unstored item, or opened from the media vault (none when Haven keeps hashes only). */
  private async images(item: Item): Promise<LlmImage[]> {
    const out: LlmImage[] = [];
    for (const m of item.media) {
      if (!m.mime.startsWith('image/')) continue;
      const lent = this.transient.get(m.sha256);
      if (lent) {
        out.push({ mime: m.mime, data: lent.data });
        continue;
      }
      const blob = this.keys ? await getBlob(this.db, m.sha256) : null;
      if (blob && this.keys) out.push({ mime: m.mime, data: open(this.keys, blob) });
    }
    return out;
  }

  /** The last few messages before this one in its conversation, oldest first, with their authors' age bands. */
  private async previous({ item }: DetectionInput): Promise<PriorMessage[]> {
    if (!item.conversationId) return [];
    const rows = await this.db
      .selectFrom('items')
      .leftJoin('accounts', 'accounts.id', 'items.author_id')
      .select(['items.text', 'accounts.age_band'])
      .where('items.conversation_id', '=', item.conversationId)
      .where('items.created_at', '<', item.createdAt)
      .orderBy('items.created_at', 'desc')
      .limit(PREVIOUS_MESSAGES)
      .execute();
    return rows.reverse().map((r) => ({ authorBand: bandOf(r.age_band), text: r.text ?? '' }));
  }
}

function bandOf(v: string | null): AgeBand {
  return v && (isMinorBand(v as AgeBand) || v === 'adult' || v === 'unknown') ? (v as AgeBand) : 'unknown';
}
