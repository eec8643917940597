import { z } from 'zod';
import { categoryIdSchema } from '../../core/taxonomy.js';

/**
 * When the LLM is asked, per category:
 * - never: cheap detectors decide alone;
 * - uncertain: when the category's best cheap score falls in [band.min, band.max): too high to ignore, too low
 *   to act on;
 * - confirm: when a cheap signal would take an automatic action; if the LLM does not agree, the item goes to a
 *   person instead of being actioned;
 * - always: on every item of the listed surfaces (or every surface) that has any signal of the category.
 */
export const CASCADE_MODES = ['never', 'uncertain', 'confirm', 'always'] as const;
export type CascadeMode = (typeof CASCADE_MODES)[number];

const band = z
  .strictObject({ min: z.number().min(0).max(1), max: z.number().min(0).max(1) })
  .refine((b) => b.min < b.max, { message: 'band.min must be below band.max' });

const categoryRuleSchema = z.strictObject({
  mode: z.enum(CASCADE_MODES),
  band: band.optional(),
  surfaces: z.array(z.string().min(1).max(64)).max(50).optional(),
});
export type CategoryRule = z.infer<typeof categoryRuleSchema>;

export const cascadeConfigSchema = z.strictObject({
  /** Shadow (dry run): the LLM is asked as configured, its verdicts are recorded, and nothing it says acts. */
  shadow: z.boolean().default(false),
  default: categoryRuleSchema.default({ mode: 'uncertain', band: { min: 0.3, max: 0.9 } }),
  categories: z.record(categoryIdSchema, categoryRuleSchema).default({}),
  /** Surfaces where every item is classified by the LLM, signals or not (e.g. prompts to a generative AI product). */
  alwaysSurfaces: z.array(z.string().min(1).max(64)).max(50).default([]),
  /** Ask about images and videos that no bank matched and no cheap detector flagged: how new imagery is found. */
  unmatchedMedia: z.boolean().default(false),
});
export type CascadeConfig = z.infer<typeof cascadeConfigSchema>;

export const DEFAULT_CASCADE_CONFIG: CascadeConfig = cascadeConfigSchema.parse({
  categories: {
    // A hash match against a vetted list is certain; an LLM adds cost and nothing else.
    'CSE-01': { mode: 'never' },
  },
  alwaysSurfaces: ['genai_prompt', 'genai_output'],
});

export function ruleFor(config: CascadeConfig, category: string): CategoryRule {
  return config.categories[category] ?? config.default;
}
