import { z } from 'zod';
import { ACTION_TYPES, type ActionType } from '../core/actions.js';
import type { Policy } from '../core/policy.js';
import { categoryIdSchema, findCategory, type Severity, type Taxonomy } from '../core/taxonomy.js';
import { REVIEW_VERDICTS, type ReviewConfig, type ReviewVerdict } from './config.js';

/**
 * What a reviewer's decision does, decided without I/O: which enforcement actions it carries (the policy's for
 * the category, as for an automatic decision), whether it must wait for a second reviewer, and whether two
 * reviewers agree.
 */

export const reviewDecisionInputSchema = z
  .strictObject({
    verdict: z.enum(REVIEW_VERDICTS),
    /** The taxonomy category the reviewer confirms; required when violating. */
    category: categoryIdSchema.nullish(),
    /** Further taxonomy labels that also apply (e.g. sextortion alongside grooming). */
    labels: z.array(categoryIdSchema).max(20).default([]),
    /** The policy clause the decision rests on, e.g. "CSE-05 §2 move to private app". */
    policyClause: z.string().trim().max(200).nullish(),
    note: z.string().trim().max(4000).nullish(),
    /** Escalate to this colleague (email) instead of the queue's escalation target. */
    escalateTo: z.string().email().nullish(),
  })
  .superRefine((d, ctx) => {
    if (d.verdict === 'violating' && !d.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a violating decision names its taxonomy category' });
  });
export type ReviewDecisionInput = z.input<typeof reviewDecisionInputSchema>;
export type ReviewDecisionFields = z.output<typeof reviewDecisionInputSchema>;

/** Actions a human decision never carries itself: review is what is happening, urgency is a routing hint. */
const NOT_FROM_REVIEW: ReadonlySet<ActionType> = new Set(['review', 'urgent']);

export interface PlannedDecision {
  verdict: ReviewVerdict;
  category: string | null;
  severity: Severity;
  actions: ActionType[];
  /** The decision waits for a second reviewer before any action runs. */
  needsSecondReview: boolean;
}

export function planReviewDecision(
  fields: ReviewDecisionFields,
  ctx: { policy: Policy; taxonomy: Taxonomy; review: ReviewConfig; secondReviewApplies: boolean },
): PlannedDecision {
  if (fields.verdict !== 'violating' || !fields.category) {
    return { verdict: fields.verdict, category: null, severity: 'NONE', actions: [], needsSecondReview: false };
  }
  const cat = findCategory(ctx.taxonomy, fields.category);
  if (!cat) throw new Error(`unknown taxonomy category ${fields.category}`);
  const configured = ctx.policy.categories[fields.category]?.actions ?? cat.defaultActions;
  const actions = configured.filter((a) => !NOT_FROM_REVIEW.has(a) && (ACTION_TYPES as readonly string[]).includes(a));
  const needsSecondReview =
    ctx.secondReviewApplies &&
    ((ctx.review.secondReview.severities as readonly string[]).includes(cat.severity) || actions.some((a) => ctx.review.secondReview.actions.includes(a)));
  return { verdict: 'violating', category: fields.category, severity: cat.severity, actions, needsSecondReview };
}

/** Two decisions agree when both find a violation of the same category, or both find none. */
export function decisionsAgree(a: { verdict: string; category?: string | null }, b: { verdict: string; category?: string | null }): boolean {
  const av = a.verdict === 'violating';
  const bv = b.verdict === 'violating';
  if (av !== bv) return false;
  return !av || (a.category ?? null) === (b.category ?? null);
}

/** An enforcement decision's verdict in reviewer terms (the pipeline says 'no_violation', a reviewer 'not_violating'). */
export function asReviewVerdict(verdict: string): 'violating' | 'not_violating' {
  return verdict === 'violating' ? 'violating' : 'not_violating';
}
