import { z } from 'zod';
import { type Policy, policySchema } from '../../core/policy.js';
import type { Taxonomy } from '../../core/taxonomy.js';
import type { LlmPolicy } from '../../detectors/llm/policy/index.js';
import { llmPolicySchema } from '../../detectors/llm/policy/schema.js';
import { defaultRulesDocument } from '../../detectors/text/rules/default-rules.js';
import { RULE_SOURCE_FORMATS, type RuleFile, type RulesDocument, ruleSchema } from '../../detectors/text/rules/format.js';
import { formatIssue, parseRuleFile, RuleFileError } from '../../detectors/text/rules/parse.js';
import type { Queryable } from '../../store/db.js';
import { getBank } from '../../store/repos/banks.js';
import { latestConfig } from '../../store/repos/config.js';
import { getItems } from '../../store/repos/items.js';
import type { ProposalKind } from '../../store/repos/proposals.js';
import type { ExtraBankEntry, SetupOverrides } from '../replay/setup.js';

// The change each kind of proposal carries, validated on the way in, and resolved against the configuration in
// force when it is backtested or deployed (a patch applies to whatever is current then).

const category = z.string().regex(/^CSE-\d{2}$/, 'a category id looks like CSE-05');
const hashEntry = z.strictObject({
  hashType: z.enum(['pdq', 'md5', 'sha256'], { error: 'hashType is pdq, md5 or sha256' }),
  hash: z.string().trim().toLowerCase().regex(/^[0-9a-f]{32}$|^[0-9a-f]{64}$/, 'a hash is 32 (md5) or 64 (sha256, pdq) hex characters'),
  category,
  label: z.string().max(500).optional(),
});

export const bankHashesChange = z.strictObject({
  bankId: z.string().min(1).max(64),
  entries: z.array(hashEntry).min(1).max(10_000).optional(),
  /** Bank every hash of these items' media (MD5, SHA-256, PDQ), under `category`. */
  fromItems: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
  category: category.optional(),
  label: z.string().max(500).optional(),
}).superRefine((c, ctx) => {
  if (!c.entries && !c.fromItems) ctx.addIssue({ code: 'custom', path: ['entries'], message: 'give entries or fromItems' });
  if (c.fromItems && !c.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'fromItems needs the category to bank them under' });
});

export const ruleChange = z.strictObject({
  rules: z.strictObject({ source: z.string().min(1).max(2_000_000), format: z.enum(RULE_SOURCE_FORMATS) }).optional(),
  patch: z.strictObject({
    add: z.array(ruleSchema).max(100).optional(),
    replace: z.array(ruleSchema).max(100).optional(),
    remove: z.array(z.string().min(1).max(100)).max(100).optional(),
  }).optional(),
}).refine((c) => (c.rules ? 1 : 0) + (c.patch ? 1 : 0) === 1, { message: 'give exactly one of rules (a whole rule file) or patch', path: ['rules'] });

export const thresholdChange = z.strictObject({
  policy: policySchema.optional(),
  patch: z.strictObject({
    category,
    surface: z.string().min(1).max(64).optional(),
    actionThreshold: z.number().min(0).max(1).optional(),
    reviewThreshold: z.number().min(0).max(1).optional(),
  }).refine((p) => p.actionThreshold !== undefined || p.reviewThreshold !== undefined, { message: 'give actionThreshold, reviewThreshold or both', path: ['actionThreshold'] }).optional(),
}).refine((c) => (c.policy ? 1 : 0) + (c.patch ? 1 : 0) === 1, { message: 'give exactly one of policy (a whole policy document) or patch', path: ['policy'] });

export const evalExamplesChange = z.strictObject({
  set: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a set name is 1-64 letters, digits, _ . -'),
  itemIds: z.array(z.string().min(1).max(64)).min(1).max(10_000),
  /** The category the items show; null: benign. */
  label: category.nullable(),
});

export const promptChange = z.strictObject({ llmPolicy: llmPolicySchema });

export const CHANGE_SCHEMAS = {
  bank_hashes: bankHashesChange, rule_change: ruleChange, threshold_change: thresholdChange,
  eval_examples: evalExamplesChange, prompt_change: promptChange,
} as const;

export type BankHashesChange = z.infer<typeof bankHashesChange>;
export type RuleChange = z.infer<typeof ruleChange>;
export type ThresholdChange = z.infer<typeof thresholdChange>;
export type EvalExamplesChange = z.infer<typeof evalExamplesChange>;
export type PromptChange = z.infer<typeof promptChange>;

export class ProposalError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

/** What a proposal would deploy, resolved against the configuration in force now. */
export type ResolvedChange =
  | { kind: 'bank_hashes'; bankId: string; entries: ExtraBankEntry[]; provenance: Map<string, string> }
  | { kind: 'rule_change'; document: RulesDocument }
  | { kind: 'threshold_change'; policy: Policy; categories: string[] }
  | { kind: 'eval_examples'; set: string; itemIds: string[]; labels: string[] }
  | { kind: 'prompt_change'; llmPolicy: LlmPolicy };

async function knownCategories(q: Queryable): Promise<Set<string>> {
  return new Set(((await latestConfig<Taxonomy>(q, 'taxonomy'))?.document.categories ?? []).map((c) => c.id));
}

function parseRules(source: string, format: 'yaml' | 'json', categories: Set<string>): RuleFile {
  try {
    return parseRuleFile(source, format, { categories });
  } catch (e) {
    if (e instanceof RuleFileError) throw new ProposalError(400, 'invalid_rules', `the proposed rules: ${e.issues.slice(0, 5).map(formatIssue).join('; ')}`);
    throw e;
  }
}

export async function resolveChange(q: Queryable, kind: ProposalKind, change: unknown): Promise<ResolvedChange> {
  switch (kind) {
    case 'bank_hashes': {
      const c = bankHashesChange.parse(change);
      const bank = await getBank(q, c.bankId);
      if (!bank) throw new ProposalError(404, 'not_found', `bank ${c.bankId} not found`);
      const mode = bank.matchMode;
      const entries: ExtraBankEntry[] = (c.entries ?? []).map((e) => ({ ...e, matchMode: mode }));
      const provenance = new Map<string, string>();
      if (c.fromItems) {
        const items = await getItems(q, c.fromItems);
        const missing = c.fromItems.filter((id) => !items.some((i) => i.id === id));
        if (missing.length > 0) throw new ProposalError(404, 'not_found', `no item ${missing.join(', ')}`);
        for (const item of items) {
          if (item.media.length === 0) throw new ProposalError(409, 'no_media', `item ${item.id} has no media to bank`);
          for (const m of item.media) {
            const base = { category: c.category as string, label: c.label ?? null, matchMode: mode };
            const hashes: [ExtraBankEntry['hashType'], string][] = [['sha256', m.sha256], ['md5', m.md5], ...(m.pdq ? [['pdq', m.pdq] as ['pdq', string]] : [])];
            for (const [hashType, hash] of hashes) {
              entries.push({ ...base, hashType, hash });
              provenance.set(`${hashType}:${hash}`, `item:${item.id} (${item.externalId})`);
            }
          }
        }
      }
      const seen = new Set<string>();
      const unique = entries.filter((e) => !seen.has(`${e.hashType}:${e.hash}`) && seen.add(`${e.hashType}:${e.hash}`));
      return { kind, bankId: bank.id, entries: unique, provenance };
    }
    case 'rule_change': {
      const c = ruleChange.parse(change);
      const categories = await knownCategories(q);
      if (c.rules) {
        const rules = parseRules(c.rules.source, c.rules.format, categories);
        return { kind, document: { source: c.rules.source, format: c.rules.format, rules } };
      }
      const current = (await latestConfig<RulesDocument>(q, 'rules'))?.document ?? defaultRulesDocument();
      const patch = c.patch ?? {};
      const ids = new Set(current.rules.rules.map((r) => r.id));
      for (const id of [...(patch.replace ?? []).map((r) => r.id), ...(patch.remove ?? [])]) {
        if (!ids.has(id)) throw new ProposalError(400, 'invalid_rules', `no rule ${id} in the rules in force`);
      }
      for (const r of patch.add ?? []) if (ids.has(r.id)) throw new ProposalError(400, 'invalid_rules', `rule ${r.id} exists already: replace it`);
      const replaced = new Map((patch.replace ?? []).map((r) => [r.id, r]));
      const removed = new Set(patch.remove ?? []);
      const file: RuleFile = {
        ...current.rules,
        rules: [...current.rules.rules.filter((r) => !removed.has(r.id)).map((r) => replaced.get(r.id) ?? r), ...(patch.add ?? [])],
      };
      // A patched file is kept as JSON: the comments of a YAML source do not survive a patch.
      const source = JSON.stringify(file, null, 2);
      return { kind, document: { source, format: 'json', rules: parseRules(source, 'json', categories) } };
    }
    case 'threshold_change': {
      const c = thresholdChange.parse(change);
      if (c.policy) return { kind, policy: c.policy, categories: Object.keys(c.policy.categories) };
      const p = c.patch as NonNullable<typeof c.patch>;
      if (!(await knownCategories(q)).has(p.category)) throw new ProposalError(400, 'invalid_policy', `category ${p.category} is not in the taxonomy`);
      const current = (await latestConfig<Policy>(q, 'policy'))?.document;
      if (!current) throw new ProposalError(409, 'no_policy', 'no policy is deployed');
      const cat = { ...(current.categories[p.category] ?? {}) };
      const t = { ...(p.actionThreshold !== undefined ? { actionThreshold: p.actionThreshold } : {}), ...(p.reviewThreshold !== undefined ? { reviewThreshold: p.reviewThreshold } : {}) };
      if (p.surface) cat.surfaces = { ...(cat.surfaces ?? {}), [p.surface]: { ...(cat.surfaces?.[p.surface] ?? {}), ...t } };
      else Object.assign(cat, t);
      const parsed = policySchema.safeParse({ ...current, categories: { ...current.categories, [p.category]: cat } });
      if (!parsed.success) throw new ProposalError(400, 'invalid_policy', `the patched policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return { kind, policy: parsed.data, categories: [p.category] };
    }
    case 'eval_examples': {
      const c = evalExamplesChange.parse(change);
      return { kind, set: c.set, itemIds: c.itemIds, labels: c.label ? [c.label] : [] };
    }
    case 'prompt_change':
      return { kind, llmPolicy: promptChange.parse(change).llmPolicy };
  }
}

/** The replay overrides a resolved change stands for (eval examples change no detection). */
export function overridesOf(r: ResolvedChange): SetupOverrides {
  switch (r.kind) {
    case 'bank_hashes': return { bankEntries: r.entries };
    case 'rule_change': return { rules: r.document.rules };
    case 'threshold_change': return { policy: r.policy };
    case 'prompt_change': return { llmPolicy: r.llmPolicy };
    case 'eval_examples': return {};
  }
}
