import { z } from 'zod';
import { type CategoryId, categoryIdSchema, type Taxonomy } from '../../../core/taxonomy.js';

/** Severities a violating verdict may carry (NONE is the absence of a violation, so it is not one of them). */
export const VERDICT_SEVERITIES = ['S0', 'S1', 'S2', 'S3'] as const;
export type VerdictSeverity = (typeof VERDICT_SEVERITIES)[number];

const line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const examples = z.array(line(500)).max(20, 'at most 20 entries').default([]);

export const llmPolicyCategorySchema = z.strictObject({
  id: categoryIdSchema,
  name: line(200),
  /** The severity a violation of this category usually carries; the model may say otherwise with a reason. */
  severity: z.enum(VERDICT_SEVERITIES),
  definition: line(2000),
  violating: examples,
  notViolating: examples,
  edgeCases: examples,
});
export type LlmPolicyCategory = z.infer<typeof llmPolicyCategorySchema>;

/**
 * The policy an LLM classifies against, written for a model to read: a preamble, per category a definition with
 * neutral examples and edge cases, and how to answer. Versioned as config kind 'llm_policy'.
 */
export const llmPolicySchema = z
  .strictObject({
    preamble: line(4000),
    categories: z.array(llmPolicyCategorySchema).min(1, 'at least one category').max(40, 'at most 40 categories'),
    outputInstructions: line(4000),
    /** Llama Guard style answers carry no confidence; a violating one is given this. */
    llamaGuardConfidence: z.number().gt(0).max(1).default(0.8),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of p.categories.entries()) {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `duplicate category ${c.id}` });
      seen.add(c.id);
    }
  });
export type LlmPolicy = z.infer<typeof llmPolicySchema>;
export type LlmPolicyInput = z.input<typeof llmPolicySchema>;

/** Validates an LLM policy document; the error names the path of every problem (e.g. `categories.2.definition`). */
export function parseLlmPolicy(input: unknown): LlmPolicy {
  const parsed = llmPolicySchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid LLM policy: ${problems}`);
  }
  return parsed.data;
}

/** Policy categories the taxonomy does not know: the LLM could name a category no decision can use. */
export function categoriesMissingFromTaxonomy(policy: LlmPolicy, taxonomy: Taxonomy): CategoryId[] {
  const known = new Set(taxonomy.categories.map((c) => c.id));
  return policy.categories.filter((c) => !known.has(c.id)).map((c) => c.id);
}
