import { z } from 'zod';

/**
 * Why the enforcement system failed on an escalation. Several may apply to one escalation; Haven suggests them
 * from enforcement traces and an investigator confirms or rejects each.
 */
export const ROOT_CAUSES = [
  'detection_gap', 'threshold', 'hash_not_banked', 'evasion_obfuscation', 'evasion_perturbation', 'classifier_miss',
  'reviewer_error', 'queue_delay', 'delivery_failure', 'policy_gap', 'tooling_bug',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export const rootCauseSchema = z.enum(ROOT_CAUSES, { error: `a root cause is one of ${ROOT_CAUSES.join(', ')}` });

export interface RootCauseInfo {
  label: string;
  definition: string;
}

export const ROOT_CAUSE_INFO: Readonly<Record<RootCause, RootCauseInfo>> = {
  detection_gap: { label: 'Detection gap', definition: 'No detector covers this category on this surface or media type.' },
  threshold: { label: 'Threshold', definition: 'A detector scored the item but below the action or review threshold in force.' },
  hash_not_banked: { label: 'Hash not banked', definition: 'The media was known violating content but its hash was not in any enabled bank.' },
  evasion_obfuscation: { label: 'Evasion by obfuscation', definition: 'Text was disguised (spacing, leetspeak, homoglyphs, coded terms) so rules and classifiers missed it.' },
  evasion_perturbation: { label: 'Evasion by perturbation', definition: 'Banked media was altered (crop, filter, noise, re-encode) until its hash fell outside the match distance.' },
  classifier_miss: { label: 'Classifier miss', definition: 'A model or LLM classifier ran on the item and judged it wrongly.' },
  reviewer_error: { label: 'Reviewer error', definition: 'A human reviewer saw the item and decided it wrongly.' },
  queue_delay: { label: 'Queue or SLA delay', definition: 'The item waited in a review queue past its SLA before anyone decided it.' },
  delivery_failure: { label: 'Action delivery failure', definition: 'Haven decided an action but it did not reach the platform, or reached it late.' },
  policy_gap: { label: 'Policy gap', definition: 'The policy or taxonomy did not say this content is violating, so no rule could act on it.' },
  tooling_bug: { label: 'Tooling bug', definition: 'A defect in Haven or its integrations made it behave other than configured.' },
};

/** suggested: by Haven from a trace; confirmed / rejected: by an investigator. */
export const ROOT_CAUSE_STATUSES = ['suggested', 'confirmed', 'rejected'] as const;
export type RootCauseStatus = (typeof ROOT_CAUSE_STATUSES)[number];

/**
 * A link from a root cause to what supports it: a step of an item's enforcement trace (itemId + eventId) or,
 * for a cause added by hand, a plain statement (itemId and eventId null).
 */
export const rootCauseEvidenceSchema = z.strictObject({
  itemId: z.string().min(1).max(64).nullable(),
  eventId: z.string().min(1).max(64).nullable().default(null),
  step: z.string().trim().min(1, 'name the trace step (e.g. hash_match, queue, delivery)').max(100),
  text: z.string().trim().min(1, 'say what the evidence shows').max(2000),
});
export type RootCauseEvidence = z.infer<typeof rootCauseEvidenceSchema>;

export function rootCauseLabel(cause: string): string {
  return (ROOT_CAUSE_INFO as Record<string, RootCauseInfo>)[cause]?.label ?? cause;
}

export function isRootCause(value: string): value is RootCause {
  return (ROOT_CAUSES as readonly string[]).includes(value);
}
