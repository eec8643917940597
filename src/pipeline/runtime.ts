import type { PolicyContext, Policy } from '../core/policy.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import { DEFAULT_TAXONOMY } from '../core/taxonomy-default.js';
import type { Taxonomy } from '../core/taxonomy.js';
import { DigestIndex } from '../detectors/hashmatch/digest-index.js';
import { ExactHashDetector } from '../detectors/hashmatch/exact.js';
import { PdqMatchDetector } from '../detectors/hashmatch/pdq.js';
import { type VpdqEntry, VpdqMatchDetector } from '../detectors/hashmatch/vpdq.js';
import { PdqIndex } from '../hashing/index/index.js';
import { defaultRulesDocument } from '../detectors/text/rules/default-rules.js';
import { RuleDetector } from '../detectors/text/rules/detector.js';
import type { RulesDocument } from '../detectors/text/rules/format.js';
import { RuleSet } from '../detectors/text/rules/rule-set.js';
import type { Detector } from '../detectors/types.js';
import { type BehaviourConfig, DEFAULT_BEHAVIOUR_CONFIG, parseBehaviourConfig } from '../detectors/behaviour/config.js';
import { BehaviourDetector } from '../detectors/behaviour/detector.js';
import { DEFAULT_CONVERSATION_RISK_CONFIG, parseConversationRiskConfig } from '../detectors/conversation/config.js';
import { ConversationRiskDetector } from '../detectors/conversation/detector.js';
import { EntityLabelDetector } from '../detectors/labels/detector.js';
import { type CascadeConfig, cascadeConfigSchema, DEFAULT_CASCADE_CONFIG } from './cascade/config.js';
import { DEFAULT_LLM_POLICY } from '../detectors/llm/policy/index.js';
import { DEFAULT_REVIEW_CONFIG, type ReviewConfig, reviewConfigSchema } from '../review/config.js';
import { DEFAULT_OPS_TARGETS } from '../review/ops/targets.js';
import type { LlmStage } from './llm-stage.js';
import type { ModelDetector } from '../detectors/model/detector.js';
import { loadLiveModelDetector } from '../detectors/model/service.js';
import { liveModelVersion } from '../store/repos/models.js';
import type { Queryable } from '../store/db.js';
import { activeEntriesOfTypes, banksVersion, HASH_TYPES } from '../store/repos/banks.js';
import { latestConfig, saveConfigVersion } from '../store/repos/config.js';

/** Writes version 1 of each configuration into a new database. */
export async function ensureDefaultConfig(q: Queryable, now: number): Promise<void> {
  await q.transaction().execute(async (trx) => {
    const defaults = [
      ['taxonomy', DEFAULT_TAXONOMY],
      ['policy', DEFAULT_POLICY],
      ['rules', defaultRulesDocument()],
      ['conversation_risk', DEFAULT_CONVERSATION_RISK_CONFIG],
      ['behaviour', DEFAULT_BEHAVIOUR_CONFIG],
      ['cascade', DEFAULT_CASCADE_CONFIG],
      ['llm_policy', DEFAULT_LLM_POLICY],
      ['review', DEFAULT_REVIEW_CONFIG],
      ['ops_targets', DEFAULT_OPS_TARGETS],
    ] as const;
    for (const [kind, doc] of defaults) {
      if (!(await latestConfig(trx, kind))) await saveConfigVersion(trx, kind, doc, 'system', 'initial version', now);
    }
  });
}

export interface DetectionSetup {
  detectors: Detector[];
  policy: PolicyContext;
  /** Windows the pipeline loads contact counts for. */
  behaviour: BehaviourConfig;
  /** When cascade-stage detectors (LLMs) are asked. */
  cascade: { config: CascadeConfig; version: number };
  /** Queues, routing and QA sampling. */
  review: { config: ReviewConfig; version: number };
}

/**
 * The configuration the pipeline runs with, re-read before each batch: a policy, taxonomy, term-list or bank
 * change made through the API applies to the next batch without a restart.
 */
export class DetectionRuntime {
  private readonly index = new DigestIndex();
  private rules: { version: number; detector: RuleDetector } | null = null;
  private pdqDetector: PdqMatchDetector | null = null;
  private vpdqDetector: VpdqMatchDetector | null = null;
  private conversationDetector: { version: number; detector: ConversationRiskDetector } | null = null;
  private behaviourDetector: { version: number; detector: BehaviourDetector; config: BehaviourConfig } | null = null;
  /** The live local model; `version` null when none is live. */
  private model: { version: number | null; detector: ModelDetector | null } = { version: null, detector: null };
  private modelLoaded = false;

  /** `llm`: the configured LLM, asked through the cascade; null runs without one. */
  constructor(private readonly llm: LlmStage | null = null) {}

  async current(q: Queryable): Promise<DetectionSetup> {
    const [taxonomy, policy, rules, bankStamp, conversationRisk, behaviour, modelVersion, cascade, review] = await Promise.all([
      latestConfig<Taxonomy>(q, 'taxonomy'),
      latestConfig<Policy>(q, 'policy'),
      latestConfig<RulesDocument>(q, 'rules'),
      banksVersion(q),
      latestConfig<unknown>(q, 'conversation_risk'),
      latestConfig<unknown>(q, 'behaviour'),
      liveModelVersion(q),
      latestConfig<unknown>(q, 'cascade'),
      latestConfig<ReviewConfig>(q, 'review'),
    ]);
    if (!taxonomy || !policy || !rules || !conversationRisk || !behaviour || !cascade) throw new Error('configuration is missing: run migrations and ensureDefaultConfig first');
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
    if (this.rules?.version !== rules.version) {
      this.rules = { version: rules.version, detector: new RuleDetector(RuleSet.compile(rules.document.rules, rules.version)) };
    }
    if (this.conversationDetector?.version !== conversationRisk.version) {
      const config = parseConversationRiskConfig(conversationRisk.document);
      this.conversationDetector = { version: conversationRisk.version, detector: new ConversationRiskDetector(config, conversationRisk.version) };
    }
    if (this.behaviourDetector?.version !== behaviour.version) {
      const config = parseBehaviourConfig(behaviour.document);
      this.behaviourDetector = { version: behaviour.version, config, detector: new BehaviourDetector(config, behaviour.version) };
    }
    if (!this.modelLoaded || this.model.version !== modelVersion) {
      const detector = modelVersion === null ? null : await loadLiveModelDetector(q);
      this.model = { version: detector?.modelVersion ?? null, detector };
      this.modelLoaded = true;
    }
    return {
      detectors: [
        new ExactHashDetector(this.index), this.pdqDetector, this.vpdqDetector, this.rules.detector,
        this.conversationDetector.detector, this.behaviourDetector.detector, new EntityLabelDetector(),
        ...(this.model.detector ? [this.model.detector] : []),
        ...(this.llm ? [await this.llm.detector(q)] : []),
      ],
      behaviour: this.behaviourDetector.config,
      cascade: { config: cascadeConfigSchema.parse(cascade.document), version: cascade.version },
      review: review ? { config: reviewConfigSchema.parse(review.document), version: review.version } : { config: DEFAULT_REVIEW_CONFIG, version: 0 },
      policy: { policy: policy.document, policyVersion: policy.version, taxonomy: taxonomy.document, taxonomyVersion: taxonomy.version },
    };
  }
}
