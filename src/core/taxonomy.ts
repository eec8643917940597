import { z } from 'zod';
import { ACTION_TYPES } from './actions.js';

export const SEVERITIES = ['S0', 'S1', 'S2', 'S3', 'NONE'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const NCMEC_INCIDENT_TYPES = [
  'Child Pornography',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;

export const categoryIdSchema = z.string().regex(/^CSE-\d{2}$/, 'a category id looks like CSE-01');
export type CategoryId = string;

export const categorySchema = z.strictObject({
  id: categoryIdSchema,
  name: z.string().min(1).max(200),
  definition: z.string().min(1).max(2000),
  severity: z.enum(SEVERITIES),
  defaultActions: z.array(z.enum(ACTION_TYPES)),
  ncmecIncidentType: z.enum(NCMEC_INCIDENT_TYPES).nullable(),
  ncmecAnnotations: z.array(z.string().max(100)),
  notes: z.string().max(2000).optional(),
});
export type Category = z.infer<typeof categorySchema>;

export const taxonomySchema = z
  .strictObject({
    slaMsBySeverity: z.strictObject({
      S0: z.number().int().positive(),
      S1: z.number().int().positive(),
      S2: z.number().int().positive(),
      S3: z.number().int().positive(),
    }),
    categories: z.array(categorySchema).min(1),
  })
  .superRefine((tax, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of tax.categories.entries()) {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `duplicate category ${c.id}` });
      seen.add(c.id);
    }
  });
export type Taxonomy = z.infer<typeof taxonomySchema>;

export function findCategory(taxonomy: Taxonomy, id: string): Category | undefined {
  return taxonomy.categories.find((c) => c.id === id);
}

export function slaMs(taxonomy: Taxonomy, severity: Severity): number | null {
  return severity === 'NONE' ? null : taxonomy.slaMsBySeverity[severity];
}

const SEVERITY_RANK: Record<Severity, number> = { S0: 0, S1: 1, S2: 2, S3: 3, NONE: 4 };
/** The more severe of two severities (S0 is the most severe). */
export function worseSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}
