import { z } from 'zod';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { AGE_BANDS } from '../../core/types.js';

const hours = z.number().positive().max(24 * 90);
const score = z.number().gt(0).max(1);
const count = z.number().int().min(1).max(100_000);
const bands = z.array(z.enum(AGE_BANDS)).min(1);

// Every rule reports inappropriate adult-minor interaction (CSE-13) by default: contact patterns show boundary
// violations, not yet grooming or abuse, and are meant for review alongside the conversations behind them.
const rule = {
  enabled: z.boolean().default(true),
  windowHours: hours,
  /** Score at exactly the threshold; it rises toward 1 as the count grows past it. */
  score: score.default(0.6),
  category: categoryIdSchema.default('CSE-13'),
};

export const behaviourConfigSchema = z.strictObject({
  /** One account writing to many distinct minors. */
  minorOutreach: z
    .strictObject({ ...rule, windowHours: hours.default(24), minDistinctMinors: count.default(10), authorBands: bands.default(['adult']) })
    .prefault({}),
  /** A young account writing to several distinct minors: a lower bar than `minorOutreach`. */
  newAccountOutreach: z
    .strictObject({
      ...rule,
      windowHours: hours.default(24),
      maxAccountAgeDays: z.number().positive().max(365).default(7),
      minDistinctMinors: count.default(4),
      score: score.default(0.7),
      authorBands: bands.default(['adult', 'unknown']),
    })
    .prefault({}),
  /** Many distinct adults writing to one minor. */
  convergence: z.strictObject({ ...rule, windowHours: hours.default(72), minDistinctAdults: count.default(5) }).prefault({}),
  /** Friend requests to many distinct minors in a short time. */
  friendRequestBurst: z
    .strictObject({ ...rule, windowHours: hours.default(1), minDistinctMinors: count.default(8), authorBands: bands.default(['adult', 'unknown']) })
    .prefault({}),
  /** Account ids listed in one signal's evidence. */
  maxAccountIdsInEvidence: z.number().int().min(1).max(1000).default(20),
});

export type BehaviourConfig = z.infer<typeof behaviourConfigSchema>;
export type BehaviourConfigInput = z.input<typeof behaviourConfigSchema>;

/** Validates a configuration document, filling defaults; throws an error naming every problem. */
export function parseBehaviourConfig(input: unknown): BehaviourConfig {
  const parsed = behaviourConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid behaviour signal configuration: ${problems}`);
  }
  return parsed.data;
}

export const DEFAULT_BEHAVIOUR_CONFIG: BehaviourConfig = parseBehaviourConfig({});
