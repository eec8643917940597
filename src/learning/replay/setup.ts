import { z } from 'zod';
import { type Policy, policySchema } from '../../core/policy.js';
import { isMinorBand, type AgeBand, type Signal } from '../../core/types.js';
import { DigestIndex, type IndexedEntry } from '../../detectors/hashmatch/digest-index.js';
import { ExactHashDetector } from '../../detectors/hashmatch/exact.js';
import { PdqMatchDetector } from '../../detectors/hashmatch/pdq.js';
import { LlmClassifier } from '../../detectors/llm/classifier.js';
import { LlmDetector } from '../../detectors/llm/detector.js';
import { type LlmPolicy, llmPolicySchema, type PromptFormat, templateFor } from '../../detectors/llm/policy/index.js';
import { RuleDetector } from '../../detectors/text/rules/detector.js';
import type { RuleFile } from '../../detectors/text/rules/format.js';
import { RuleSet } from '../../detectors/text/rules/rule-set.js';
import type { DetectionInput, Detector, SignalDraft } from '../../detectors/types.js';
import { PdqIndex } from '../../hashing/index/index.js';
import type { LlmStage } from '../../pipeline/llm-stage.js';
import { type DetectionSetup, DetectionRuntime } from '../../pipeline/runtime.js';
import type { Queryable } from '../../store/db.js';
import { latestConfig } from '../../store/repos/config.js';

/** A PDQ, MD5 or SHA-256 to hold in the replay's index as if it were banked. */
export const extraBankEntrySchema = z.strictObject({
  hashType: z.enum(['pdq', 'md5', 'sha256']),
  hash: z.string().trim().toLowerCase().regex(/^[0-9a-f]{32}$|^[0-9a-f]{64}$/, 'a hash is 32 (md5) or 64 (sha256, pdq) hex characters'),
  category: z.string().regex(/^CSE-\d{2}$/, 'a category id looks like CSE-05'),
  label: z.string().max(500).nullable().optional(),
  /** What a match may do: the target bank's mode (enforce unless the bank says otherwise). */
  matchMode: z.enum(['enforce', 'review', 'shadow']).default('enforce'),
});
export type ExtraBankEntry = z.infer<typeof extraBankEntrySchema>;

/** What a replay changes against the configuration in force; nothing here touches the database. */
export interface SetupOverrides {
  policy?: Policy | undefined;
  /** A parsed rule file (see learning/proposals/changes.ts for patches). */
  rules?: RuleFile | undefined;
  bankEntries?: readonly ExtraBankEntry[] | undefined;
  llmPolicy?: LlmPolicy | undefined;
}

export const setupOverridesSchema = z.strictObject({
  policy: policySchema.optional(),
  bankEntries: z.array(extraBankEntrySchema).max(10_000).optional(),
  llmPolicy: llmPolicySchema.optional(),
});

/**
 * How the LLM stage is treated: 'off' leaves LLM detectors out (as a Haven without an LLM runs); 'recorded' replays
 * the LLM verdicts recorded for each item when the replayed cascade asks (an item the live cascade never asked
 * counts as "not confirmed"); 'live' calls the configured LLM, only when explicitly asked.
 */
export type LlmMode = 'off' | 'recorded' | 'live';

export interface ReplaySetup {
  setup: DetectionSetup;
  llm: LlmMode;
  /** What was overridden, for the report. */
  overridden: string[];
  /** Recorded LLM signals by item, filled by the engine per page when llm is 'recorded'. */
  recorded: Map<string, Signal[]>;
}

const PROPOSED_BANK = { bankId: 'proposed', bankName: 'proposed change' } as const;

/** Stands in for the LLM: answers with the verdicts recorded for the item, never calls a model. */
class RecordedLlmDetector implements Detector {
  readonly id = 'llm.policy';
  readonly inputs = ['text', 'image'] as const;
  readonly cost = 1000;
  readonly stage = 'cascade' as const;
  constructor(private readonly recorded: ReadonlyMap<string, Signal[]>) {}
  versions() {
    return { [this.id]: 'recorded' };
  }
  detect({ item }: DetectionInput): SignalDraft[] {
    return (this.recorded.get(item.id) ?? []).map((s) => ({ category: s.category, score: s.score, evidence: { ...s.evidence, replayed: true } }));
  }
}

function extraHashDetectors(entries: readonly ExtraBankEntry[]): Detector[] {
  const indexed: IndexedEntry[] = entries.map((e, i) => ({
    ...PROPOSED_BANK, entryId: `proposed-${i + 1}`, hashType: e.hashType, hash: e.hash, category: e.category,
    classification: null, label: e.label ?? null, matchMode: e.matchMode,
  }));
  const out: Detector[] = [];
  const digests = indexed.filter((e) => e.hashType !== 'pdq');
  if (digests.length > 0) {
    const index = new DigestIndex();
    index.replace(digests, 'proposed');
    out.push(new ExactHashDetector(index));
  }
  const pdq = indexed.filter((e) => e.hashType === 'pdq');
  if (pdq.length > 0) {
    out.push(new PdqMatchDetector(PdqIndex.build(pdq.map((e, i) => ({ id: i, hash: e.hash }))), new Map(pdq.map((e, i) => [i, e])), 'proposed'));
  }
  return out;
}

function bandOf(v: string | null): AgeBand {
  return v && (isMinorBand(v as AgeBand) || v === 'adult' || v === 'unknown') ? (v as AgeBand) : 'unknown';
}

/** An LLM detector for a proposed prompt/policy: no cache (nothing written but the provider's spend), text only. */
function proposedLlmDetector(q: Queryable, stage: LlmStage, policy: LlmPolicy, version: number, format: PromptFormat): Detector {
  const classifier = new LlmClassifier({ provider: stage.provider, template: templateFor(format), policy, policyVersion: version });
  return new LlmDetector(classifier, {
    loadPrevious: async ({ item }) => {
      if (!item.conversationId) return [];
      const rows = await q.selectFrom('items').leftJoin('accounts', 'accounts.id', 'items.author_id')
        .select(['items.text', 'accounts.age_band']).where('items.conversation_id', '=', item.conversationId)
        .where('items.created_at', '<', item.createdAt).orderBy('items.created_at', 'desc').limit(5).execute();
      return rows.reverse().map((r) => ({ authorBand: bandOf(r.age_band), text: r.text ?? '' }));
    },
  });
}

/**
 * The detection setup the live pipeline would use now (the same DetectionRuntime builds it), with the overrides
 * applied in memory: a proposed policy replaces the policy (numbered as the version deploying it would make),
 * proposed rules replace the rule detector, extra bank entries are matched by extra hash detectors alongside the
 * banks (their signals name the bank "proposed change"), and the LLM stage follows `llm`.
 */
export async function buildReplaySetup(
  q: Queryable,
  overrides: SetupOverrides,
  opts: { llm: LlmMode; stage?: LlmStage | null; promptFormat?: PromptFormat | undefined },
): Promise<ReplaySetup> {
  if (opts.llm === 'live' && !opts.stage) throw new Error('no LLM is configured: a replay cannot call one');
  const live = opts.llm === 'live' ? (opts.stage ?? null) : null;
  const base = await new DetectionRuntime(live).current(q);
  const overridden: string[] = [];
  const recorded = new Map<string, Signal[]>();
  let detectors = base.detectors.filter((d) => d.stage !== 'cascade' || opts.llm === 'live');
  if (opts.llm === 'recorded' && opts.stage) detectors.push(new RecordedLlmDetector(recorded));
  let policy = base.policy;
  if (overrides.policy) {
    policy = { ...policy, policy: overrides.policy, policyVersion: policy.policyVersion + 1 };
    overridden.push(`policy (as v${policy.policyVersion})`);
  }
  if (overrides.rules) {
    const version = ((await latestConfig(q, 'rules'))?.version ?? 0) + 1;
    const replacement = new RuleDetector(RuleSet.compile(overrides.rules, version));
    detectors = detectors.map((d) => (d instanceof RuleDetector ? replacement : d));
    if (!detectors.includes(replacement)) detectors.push(replacement);
    overridden.push(`rules (as v${version}, ${overrides.rules.rules.length} rules)`);
  }
  if (overrides.bankEntries && overrides.bankEntries.length > 0) {
    detectors.push(...extraHashDetectors(overrides.bankEntries));
    overridden.push(`${overrides.bankEntries.length} extra bank entr${overrides.bankEntries.length === 1 ? 'y' : 'ies'}`);
  }
  if (overrides.llmPolicy) {
    if (live && opts.stage) {
      const version = ((await latestConfig(q, 'llm_policy'))?.version ?? 0) + 1;
      detectors = detectors.filter((d) => d.stage !== 'cascade');
      detectors.push(proposedLlmDetector(q, opts.stage, overrides.llmPolicy, version, opts.promptFormat ?? 'structured'));
      overridden.push(`llm policy (as v${version})`);
    } else {
      overridden.push('llm policy (not assessed: the LLM stage is not called in this replay)');
    }
  }
  return { setup: { ...base, detectors, policy }, llm: opts.llm, overridden, recorded };
}
