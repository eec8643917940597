import { z } from 'zod';
import { ACTION_TYPES, type ActionType } from './actions.js';
import type { DecisionReason, Signal, Verdict } from './types.js';
import { type CategoryId, categoryIdSchema, findCategory, type Severity, type Taxonomy, worseSeverity } from './taxonomy.js';

const thresholdsSchema = z.strictObject({
  actionThreshold: z.number().min(0).max(1),
  reviewThreshold: z.number().min(0).max(1),
});

const categoryPolicySchema = thresholdsSchema.partial().extend({
  /** Overrides the taxonomy's default actions for this category. */
  actions: z.array(z.enum(ACTION_TYPES)).optional(),
  /** Per-surface thresholds, e.g. stricter in direct messages. */
  surfaces: z.record(z.string().min(1).max(64), thresholdsSchema.partial()).optional(),
});

export const policySchema = z
  .strictObject({
    defaults: thresholdsSchema,
    categories: z.record(categoryIdSchema, categoryPolicySchema),
  })
  .superRefine((p, ctx) => {
    const check = (t: { actionThreshold?: number; reviewThreshold?: number }, path: (string | number)[]) => {
      if (t.actionThreshold !== undefined && t.reviewThreshold !== undefined && t.reviewThreshold > t.actionThreshold) {
        ctx.addIssue({ code: 'custom', path, message: 'reviewThreshold must not exceed actionThreshold' });
      }
    };
    check(p.defaults, ['defaults']);
    for (const [id, c] of Object.entries(p.categories)) {
      check(c, ['categories', id]);
      for (const [s, t] of Object.entries(c.surfaces ?? {})) check(t, ['categories', id, 'surfaces', s]);
    }
  });
export type Policy = z.infer<typeof policySchema>;

export interface Thresholds {
  actionThreshold: number;
  reviewThreshold: number;
}

export function thresholdsFor(policy: Policy, category: CategoryId, surface: string): Thresholds {
  const c = policy.categories[category];
  const s = c?.surfaces?.[surface];
  return {
    actionThreshold: s?.actionThreshold ?? c?.actionThreshold ?? policy.defaults.actionThreshold,
    reviewThreshold: s?.reviewThreshold ?? c?.reviewThreshold ?? policy.defaults.reviewThreshold,
  };
}

export interface PolicyContext {
  policy: Policy;
  policyVersion: number;
  taxonomy: Taxonomy;
  taxonomyVersion: number;
}

export interface DecisionOutcome {
  verdict: Verdict;
  category: CategoryId | null;
  severity: Severity;
  actions: ActionType[];
  reasons: DecisionReason[];
}

/**
 * Turns signals into one decision. Every signal that crosses a threshold becomes a reason that names the score,
 * the threshold and the policy version, so the decision explains itself.
 */
export interface DecideOptions {
  /** Categories that may open a review but not act automatically, with why (e.g. the LLM did not confirm). */
  capToReview?: ReadonlyMap<CategoryId, string>;
}

export function decide(signals: readonly Signal[], surface: string, ctx: PolicyContext, opts: DecideOptions = {}): DecisionOutcome {
  const reasons: DecisionReason[] = [];
  let verdict: Verdict = 'no_violation';
  let category: CategoryId | null = null;
  let severity: Severity = 'NONE';
  let bestScore = -1;
  const actions = new Set<ActionType>();

  for (const s of signals) {
    const cat = findCategory(ctx.taxonomy, s.category);
    if (!cat || cat.severity === 'NONE') continue;
    // Informational signals (near misses) and shadow banks are recorded for analysis but never decide.
    if (s.evidence.informational === true || s.evidence.bankMode === 'shadow') continue;
    const t = thresholdsFor(ctx.policy, s.category, surface);
    let kind: 'action' | 'review' | null = s.score >= t.actionThreshold ? 'action' : s.score >= t.reviewThreshold ? 'review' : null;
    // A bank of shared leads or a review-only detector (the local model) may open a review but never enforce by
    // itself; nor may a category the cascade holds back.
    const bankCap = kind === 'action' && (s.evidence.bankMode === 'review' || s.evidence.reviewOnly === true);
    const cascadeCap = kind === 'action' ? opts.capToReview?.get(s.category) : undefined;
    if (bankCap || cascadeCap) kind = 'review';
    if (!kind) continue;
    const threshold = kind === 'action' ? t.actionThreshold : t.reviewThreshold;
    reasons.push({
      category: s.category,
      signalId: s.id,
      detector: s.detector,
      score: s.score,
      threshold,
      thresholdKind: kind,
      text: `${s.detector} score ${s.score.toFixed(2)} >= ${kind} threshold ${threshold} of ${s.category} on ${surface} in policy v${ctx.policyVersion}: ${s.evidence.summary}${bankCap ? ` (review-only ${s.evidence.bankMode === 'review' ? 'bank' : 'signal'}: a person decides)` : ''}${cascadeCap ? ` (held for review: ${cascadeCap})` : ''}`,
    });
    if (kind === 'action') {
      for (const a of ctx.policy.categories[s.category]?.actions ?? cat.defaultActions) actions.add(a);
    }
    const candidate: Verdict = kind === 'action' ? 'violating' : 'needs_review';
    const better =
      rank(candidate) > rank(verdict) ||
      (candidate === verdict && (worseSeverity(cat.severity, severity) !== severity || (cat.severity === severity && s.score > bestScore)));
    if (better) {
      verdict = candidate;
      category = s.category;
      severity = cat.severity;
      bestScore = s.score;
    }
  }
  if (verdict === 'needs_review') actions.add('review');
  return { verdict, category, severity, actions: [...actions], reasons };
}

function rank(v: Verdict): number {
  return v === 'violating' ? 2 : v === 'needs_review' ? 1 : 0;
}

export const DEFAULT_POLICY: Policy = {
  defaults: { actionThreshold: 0.9, reviewThreshold: 0.5 },
  categories: {
    // An exact match against a vetted list is certain; anything less goes to a person first.
    'CSE-01': { actionThreshold: 1, reviewThreshold: 0.5 },
    'CSE-05': { actionThreshold: 0.9, reviewThreshold: 0.4, surfaces: { direct_message: { reviewThreshold: 0.3 } } },
    'CSE-13': { actionThreshold: 0.95, reviewThreshold: 0.4 },
  },
};
