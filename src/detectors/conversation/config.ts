import { z } from 'zod';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { INDICATORS, type Indicator } from '../indicators.js';

/** How much one occurrence of each indicator weighs, before decay and the distinct-indicator bonus. */
export const DEFAULT_INDICATOR_WEIGHTS: Readonly<Record<Indicator, number>> = {
  age_probing: 0.15,
  flattery: 0.08,
  secrecy: 0.2,
  isolation: 0.15,
  platform_move: 0.15,
  gift_offer: 0.15,
  photo_request: 0.25,
  meeting_request: 0.25,
  threat: 0.3,
  payment_demand: 0.2,
};

const weight = z.number().min(0).max(1);
const weightsSchema = z.strictObject(
  Object.fromEntries(INDICATORS.map((i) => [i, weight.default(DEFAULT_INDICATOR_WEIGHTS[i])])) as Record<
    Indicator,
    z.ZodDefault<typeof weight>
  >,
);

export const conversationRiskConfigSchema = z
  .strictObject({
    weights: weightsSchema.prefault({}),
    /** Time for an indicator's presence to halve: old indicators fade, a burst over a few days does not. */
    halfLifeHours: z.number().positive().max(24 * 365).default(72),
    /** Score at or above which the conversation is flagged (CSE-05). */
    threshold: z.number().gt(0).max(1).default(0.7),
    /** After a crossing, the score must decay below threshold × rearmFraction before it can cross again. */
    rearmFraction: z.number().min(0).max(1).default(0.5),
    /** Each distinct indicator beyond the first raises the score by this fraction: multiplier 1 + distinctBonus·(D − 1). */
    distinctBonus: z.number().min(0).max(5).default(0.25),
    /** The most presence one indicator can hold, in occurrences: repeating it past this adds nothing. */
    maxRepeatPresence: z.number().min(1).max(10).default(1.5),
    /** Whether an author of unknown age writing to a minor counts as an adult. Off: only declared adults accumulate. */
    unknownAuthorAccumulates: z.boolean().default(false),
    /** A threat and a payment demand from the same author to a minor within this window are sextortion (CSE-06). */
    sextortionWindowHours: z.number().positive().max(24 * 90).default(48),
    sextortionScore: z.number().gt(0).max(1).default(0.95),
    groomingCategory: categoryIdSchema.default('CSE-05'),
    sextortionCategory: categoryIdSchema.default('CSE-06'),
    /** Item ids kept per indicator for evidence: the first occurrence and the most recent ones. */
    maxItemIdsPerIndicator: z.number().int().min(1).max(100).default(10),
  })
  .superRefine((c, ctx) => {
    // The design promise: one indicator, however often repeated, never crosses on its own.
    for (const i of INDICATORS) {
      if (c.weights[i] * c.maxRepeatPresence >= c.threshold) {
        ctx.addIssue({
          code: 'custom',
          path: ['weights', i],
          message: `weight ${c.weights[i]} × maxRepeatPresence ${c.maxRepeatPresence} reaches the threshold ${c.threshold}: one indicator alone must not cross`,
        });
      }
    }
  });

export type ConversationRiskConfig = z.infer<typeof conversationRiskConfigSchema>;
export type ConversationRiskConfigInput = z.input<typeof conversationRiskConfigSchema>;

/** Validates a configuration document, filling defaults; throws an error naming every problem. */
export function parseConversationRiskConfig(input: unknown): ConversationRiskConfig {
  const parsed = conversationRiskConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid conversation risk configuration: ${problems}`);
  }
  return parsed.data;
}

export const DEFAULT_CONVERSATION_RISK_CONFIG: ConversationRiskConfig = parseConversationRiskConfig({});
