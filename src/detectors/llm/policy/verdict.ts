import { z } from 'zod';
import type { CategoryId } from '../../../core/taxonomy.js';
import { type LlmPolicy, VERDICT_SEVERITIES, type VerdictSeverity } from './schema.js';

/** What a model concluded about one item, in either answer format. */
export interface LlmVerdict {
  violates: boolean;
  category: CategoryId | null;
  severity: VerdictSeverity | null;
  confidence: number;
  rationale: string;
  evidence: string[];
}

export type ParseOutcome =
  | { ok: true; verdict: LlmVerdict }
  | { ok: false; outcome: 'refused' | 'malformed'; problem: string };

export const MAX_RATIONALE_CHARS = 4000;
export const MAX_EVIDENCE_QUOTES = 20;
export const MAX_EVIDENCE_CHARS = 1000;

/** The structured answer, exactly: extra fields, wrong types, an out-of-range confidence or a category outside the policy are refused. */
export function structuredVerdictSchema(policy: LlmPolicy) {
  const ids = policy.categories.map((c) => c.id) as [string, ...string[]];
  return z
    .strictObject({
      violates: z.boolean(),
      category: z.enum(ids, { error: `category must be one of ${ids.join(', ')} or null` }).nullable(),
      severity: z.enum(VERDICT_SEVERITIES).nullable(),
      confidence: z.number().min(0).max(1),
      rationale: z.string().max(MAX_RATIONALE_CHARS),
      evidence: z.array(z.string().max(MAX_EVIDENCE_CHARS)).max(MAX_EVIDENCE_QUOTES),
    })
    .superRefine((v, ctx) => {
      if (v.violates && v.category === null) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a violating verdict names a category' });
      if (v.violates && v.severity === null) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'a violating verdict names a severity' });
      if (!v.violates && v.category !== null) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a non-violating verdict has category null' });
      if (!v.violates && v.severity !== null) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'a non-violating verdict has severity null' });
    });
}

const REFUSAL = /^\s*(i['’]m sorry|i am sorry|sorry,|i can(?:no|['’])t|i am unable|i['’]m unable|i won['’]t|i will not)\b/i;

/** A plain-language refusal instead of an answer (providers flag most refusals themselves; some only say so). */
export function looksLikeRefusal(answer: string): boolean {
  return REFUSAL.test(answer);
}

/** One JSON object, optionally inside a single ```json fence (a habit of many models); nothing else around it. */
export function parseStructuredAnswer(answer: string, policy: LlmPolicy): ParseOutcome {
  const trimmed = answer.trim();
  if (!trimmed) return { ok: false, outcome: 'malformed', problem: 'empty answer' };
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  const body = fenced ? fenced[1]!.trim() : trimmed;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    if (looksLikeRefusal(trimmed)) return { ok: false, outcome: 'refused', problem: 'the model refused to answer' };
    return { ok: false, outcome: 'malformed', problem: 'the answer is not a single JSON object' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, outcome: 'malformed', problem: 'the answer is not a JSON object' };
  }
  const parsed = structuredVerdictSchema(policy).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, outcome: 'malformed', problem: problems };
  }
  return { ok: true, verdict: parsed.data };
}
