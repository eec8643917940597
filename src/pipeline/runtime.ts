import { sql } from 'kysely';
import type { PolicyContext, Policy } from '../core/policy.js';
import { DEFAULT_POLICY } from '../core/policy.js';
import { DEFAULT_TAXONOMY } from '../core/taxonomy-default.js';
import type { Taxonomy } from '../core/taxonomy.js';
import type { BankChangeFeed } from '../banks/change-feed.js';
import { HashIndexReplica } from '../detectors/hashmatch/replica.js';
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
import { isPostgres, type Queryable } from '../store/db.js';
import { bankChangeSeq } from '../store/repos/banks.js';
import { type ConfigKind, type ConfigVersion, LatestConfigCache, latestConfig, saveConfigVersion } from '../store/repos/config.js';

const DEFAULT_CONFIG_LOCK = 7311011;

/** Writes version 1 of each configuration into a new database. */
export async function ensureDefaultConfig(q: Queryable, now: number): Promise<void> {
  await q.transaction().execute(async (trx) => {
    // Processes starting together on a new database would each write version 1; one at a time, the later ones find it.
    if (isPostgres(trx)) await sql`SELECT pg_advisory_xact_lock(${DEFAULT_CONFIG_LOCK})`.execute(trx);
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
  /** The hash index, loaded once and then kept current change by change (see HashIndexReplica). */
  readonly hashIndex = new HashIndexReplica();
  private rules: { version: number; detector: RuleDetector } | null = null;
  private conversationDetector: { version: number; detector: ConversationRiskDetector } | null = null;
  private behaviourDetector: { version: number; detector: BehaviourDetector; config: BehaviourConfig } | null = null;
  /** The live local model; `version` null when none is live. */
  private model: { version: number | null; detector: ModelDetector | null } = { version: null, detector: null };
  private modelLoaded = false;
  private readonly configs = new LatestConfigCache();
  private parsed: { cascade: { config: CascadeConfig; version: number } | null; review: { config: ReviewConfig; version: number } | null } = { cascade: null, review: null };

  /** `llm`: the configured LLM, asked through the cascade; null runs without one. */
  constructor(private readonly llm: LlmStage | null = null) {}

  /**
   * Catches the hash index up in the background whenever the feed announces a change it has not applied, so a new
   * bank entry matches before the next batch starts. Errors are only logged: the check before each batch heals a
   * missed or failed catch-up. Returns a function that stops following.
   */
  follow(feed: BankChangeFeed, q: Queryable, onError: (err: unknown) => void = logFollowError): () => void {
    return feed.listen((notice) => {
      if (notice.seq <= this.hashIndex.appliedSeq) return;
      this.hashIndex.catchUp(q).catch(onError);
    });
  }

  async current(q: Queryable): Promise<DetectionSetup> {
    const [docs, bankSeq, modelVersion] = await Promise.all([this.configs.read(q, RUNTIME_KINDS), bankChangeSeq(q), liveModelVersion(q)]);
    const doc = <T>(kind: ConfigKind) => docs.get(kind) as ConfigVersion<T> | undefined;
    const [taxonomy, policy, rules, conversationRisk, behaviour, cascade, review] = [
      doc<Taxonomy>('taxonomy'), doc<Policy>('policy'), doc<RulesDocument>('rules'), doc<unknown>('conversation_risk'),
      doc<unknown>('behaviour'), doc<unknown>('cascade'), doc<ReviewConfig>('review'),
    ];
    if (!taxonomy || !policy || !rules || !conversationRisk || !behaviour || !cascade) throw new Error('configuration is missing: run migrations and ensureDefaultConfig first');
    // Loaded whole once; after that only the changes since the applied number are read and applied.
    if (bankSeq !== this.hashIndex.appliedSeq) await this.hashIndex.catchUp(q);
    const hash = this.hashIndex.detectors();
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
        hash.exact, hash.pdq, hash.vpdq, this.rules.detector,
        this.conversationDetector.detector, this.behaviourDetector.detector, new EntityLabelDetector(),
        ...(this.model.detector ? [this.model.detector] : []),
        ...(this.llm ? [await this.llm.detector(q)] : []),
      ],
      behaviour: this.behaviourDetector.config,
      cascade: this.cascadeOf(cascade),
      review: this.reviewOf(review),
      policy: { policy: policy.document, policyVersion: policy.version, taxonomy: taxonomy.document, taxonomyVersion: taxonomy.version },
    };
  }

  private cascadeOf(doc: ConfigVersion<unknown>): { config: CascadeConfig; version: number } {
    if (this.parsed.cascade?.version !== doc.version) this.parsed.cascade = { config: cascadeConfigSchema.parse(doc.document), version: doc.version };
    return this.parsed.cascade;
  }

  private reviewOf(doc: ConfigVersion<ReviewConfig> | undefined): { config: ReviewConfig; version: number } {
    if (!doc) return { config: DEFAULT_REVIEW_CONFIG, version: 0 };
    if (this.parsed.review?.version !== doc.version) this.parsed.review = { config: reviewConfigSchema.parse(doc.document), version: doc.version };
    return this.parsed.review;
  }
}

/** The configuration kinds the pipeline reads before each batch. */
const RUNTIME_KINDS: readonly ConfigKind[] = ['taxonomy', 'policy', 'rules', 'conversation_risk', 'behaviour', 'cascade', 'review'];

function logFollowError(err: unknown): void {
  console.warn(`hash index catch-up failed (the next batch retries): ${err instanceof Error ? err.message : String(err)}`);
}
