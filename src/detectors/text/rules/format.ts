import { z } from 'zod';
import { AGE_BANDS } from '../../../core/types.js';
import { INDICATORS } from '../../indicators.js';

/**
 * The rule file format (YAML or JSON), version 1:
 *
 *   formatVersion: 1
 *   lists:                       # named term lists, referenced by name
 *     secrecy_phrases: [our little secret, keep this between us]
 *   rules:
 *     - id: secrecy-request
 *       description: asks to keep the contact secret
 *       category: CSE-05
 *       weight: 0.4              # (0, 1]
 *       indicator: secrecy       # optional, one of INDICATORS
 *       match:                   # exactly one of: terms, regex, near, any, all
 *         any:
 *           - terms: secrecy_phrases            # a list name ...
 *           - terms: [delete this chat]         # ... or inline terms
 *           - regex: "don'?t tell (your )?parents"
 *           - near: { a: [keep], b: [secret], within: 3 }
 *       when:                    # optional; every condition given must hold
 *         authorAgeBands: [adult]
 *         recipientAgeBands: [under_13, 13_15, 16_17]   # any recipient in one of these
 *         authorAccountAgeDays: { max: 30 }
 *         surfaces: [direct_message]
 *         conversationMessageCount: { min: 3 }
 */
export const RULE_FORMAT_VERSION = 1;
export const RULE_SOURCE_FORMATS = ['yaml', 'json'] as const;
export type RuleSourceFormat = (typeof RULE_SOURCE_FORMATS)[number];

export const RULE_LIMITS = {
  sourceChars: 2_000_000,
  rules: 1_000,
  lists: 500,
  termsPerList: 20_000,
  totalTerms: 100_000,
  termChars: 200,
  regexes: 200,
  regexChars: 500,
  /** Nesting of any/all inside each other. */
  matchDepth: 4,
  /** Largest N in "A within N words of B". */
  proximityWords: 50,
} as const;

export interface Range {
  min?: number | undefined;
  max?: number | undefined;
}

/** A term reference: the name of a list in `lists`, or terms written inline. */
export type TermRef = string | string[];

export interface MatchNode {
  terms?: TermRef | undefined;
  regex?: string | undefined;
  near?: { a: TermRef; b: TermRef; within: number } | undefined;
  any?: MatchNode[] | undefined;
  all?: MatchNode[] | undefined;
}

export const MATCH_KINDS = ['terms', 'regex', 'near', 'any', 'all'] as const;

const listName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a list name is lower-case letters, digits and _, starting with a letter');
const term = z.string().trim().min(1, 'a term is empty').max(RULE_LIMITS.termChars);

const termRef: z.ZodType<TermRef> = z.union(
  [listName, z.array(term).min(1, 'an inline term list is empty').max(RULE_LIMITS.termsPerList)],
  { error: 'expected a list name or an array of terms' },
);

const range: z.ZodType<Range> = z
  .strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
  .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both')
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min is above max');

const matchNode: z.ZodType<MatchNode> = z.lazy(() =>
  z
    .strictObject({
      terms: termRef.optional(),
      regex: z.string().min(1, 'the regular expression is empty').max(RULE_LIMITS.regexChars).optional(),
      near: z
        .strictObject({ a: termRef, b: termRef, within: z.number().int().nonnegative().max(RULE_LIMITS.proximityWords) })
        .optional(),
      any: z.array(matchNode).min(1).max(100).optional(),
      all: z.array(matchNode).min(1).max(100).optional(),
    })
    .superRefine((node, ctx) => {
      const kinds = MATCH_KINDS.filter((k) => node[k] !== undefined);
      if (kinds.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: kinds.length === 0
            ? `a match needs one of ${MATCH_KINDS.join(', ')}`
            : `a match has exactly one of ${MATCH_KINDS.join(', ')}; this one has ${kinds.join(' and ')} (wrap them in any: or all:)`,
        });
      }
    }),
);

const conditions = z.strictObject({
  authorAgeBands: z.array(z.enum(AGE_BANDS)).min(1).optional(),
  recipientAgeBands: z.array(z.enum(AGE_BANDS)).min(1).optional(),
  authorAccountAgeDays: range.optional(),
  surfaces: z.array(z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/, 'a surface is lower-case letters, digits, _ . -')).min(1).optional(),
  conversationMessageCount: range.optional(),
});
export type RuleConditions = z.infer<typeof conditions>;

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'a rule id is lower-case letters, digits, _ . - (up to 100)'),
  description: z.string().trim().min(1).max(1000),
  category: z.string().regex(/^CSE-\d{2}$/, 'a category id looks like CSE-05'),
  weight: z.number().gt(0, 'weight must be above 0').max(1, 'weight must be at most 1'),
  indicator: z.enum(INDICATORS).optional(),
  match: matchNode,
  when: conditions.optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

/** The structure of a rule file. Cross-references (list names, categories, regexes, ids) are checked in parse.ts. */
export const ruleFileSchema = z.strictObject({
  formatVersion: z.literal(RULE_FORMAT_VERSION, { error: `formatVersion must be ${RULE_FORMAT_VERSION}` }),
  lists: z.record(listName, z.array(term).min(1, 'a list is empty').max(RULE_LIMITS.termsPerList)).optional(),
  rules: z.array(ruleSchema).min(1, 'a rule file needs at least one rule').max(RULE_LIMITS.rules),
});
export type RuleFile = z.infer<typeof ruleFileSchema>;

/** What config kind 'rules' stores: the source as written (so its line numbers survive) and its parsed form. */
export const rulesDocumentSchema = z.strictObject({
  source: z.string().min(1).max(RULE_LIMITS.sourceChars),
  format: z.enum(RULE_SOURCE_FORMATS),
  rules: ruleFileSchema,
});
export type RulesDocument = z.infer<typeof rulesDocumentSchema>;
