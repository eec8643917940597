// The fixed vocabularies of investigations as the server defines them (src/investigations/*.ts,
// src/learning/proposals/service.ts), with the labels people read, and small display helpers.

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const PRIORITY_SLA: Record<string, string> = { P0: '4 hours', P1: '24 hours', P2: '3 days', P3: '7 days' };
export const SOURCES = ['law_enforcement', 'ncmec', 'press', 'executive', 'user_reports', 'internal', 'other'] as const;
export const STATUSES = ['new', 'investigating', 'mitigated', 'resolved'] as const;
export const OUTCOMES = ['false_positive', 'confirmed', 'valuable_signal'] as const;
/** Mirrors ALLOWED_TRANSITIONS in src/investigations/escalations.ts: the buttons offered for each status. */
export const NEXT_STATUSES: Record<string, readonly string[]> = {
  new: ['investigating', 'resolved'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: [],
};
export const TEAMS = ['product', 'data_science', 'data_engineering', 'engineering', 'legal', 'policy', 'operations'] as const;
export const REMEDIATION_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;

/** The root-cause taxonomy (src/investigations/root-causes.ts), with the labels people read. */
export const ROOT_CAUSES: Record<string, { label: string; definition: string }> = {
  detection_gap: { label: 'Detection gap', definition: 'No detector covers this category on this surface or media type.' },
  threshold: { label: 'Threshold', definition: 'A detector scored the item but below the threshold in force.' },
  hash_not_banked: { label: 'Hash not banked', definition: 'Known violating media whose hash was in no enabled bank.' },
  evasion_obfuscation: { label: 'Evasion by obfuscation', definition: 'Disguised text that rules and classifiers missed.' },
  evasion_perturbation: { label: 'Evasion by perturbation', definition: 'Banked media altered until its hash fell outside the match distance.' },
  classifier_miss: { label: 'Classifier miss', definition: 'A model or LLM classifier judged the item wrongly.' },
  reviewer_error: { label: 'Reviewer error', definition: 'A human reviewer decided the item wrongly.' },
  queue_delay: { label: 'Queue or SLA delay', definition: 'The item waited in a review queue past its SLA.' },
  delivery_failure: { label: 'Action delivery failure', definition: 'An action did not reach the platform, or reached it late.' },
  policy_gap: { label: 'Policy gap', definition: 'The policy did not say this content is violating.' },
  tooling_bug: { label: 'Tooling bug', definition: 'A defect in Haven or its integrations.' },
};
export const rootCauseLabel = (cause: string) => ROOT_CAUSES[cause]?.label ?? cause;

export const LABELS = ['known_evader', 'repeat_offender', 'watchlist', 'trusted_reporter'] as const;
/** Which entities each label goes on (LABEL_DEFINITIONS in src/investigations/labels.ts). */
export const LABEL_ENTITY_TYPES: Record<string, readonly string[]> = {
  known_evader: ['account', 'device'],
  repeat_offender: ['account', 'device'],
  watchlist: ['account', 'device', 'conversation'],
  trusted_reporter: ['account'],
};

/** The permission that approves each kind of proposal (APPROVE_PERMISSION in src/learning/proposals/service.ts). */
export const APPROVE_PERMISSION: Record<string, string> = {
  bank_hashes: 'banks:write',
  rule_change: 'proposals:approve',
  threshold_change: 'proposals:approve',
  prompt_change: 'proposals:approve',
  eval_examples: 'proposals:write',
};
/** Kinds that must be backtested before they can be approved. */
export const NEEDS_BACKTEST = new Set(['bank_hashes', 'rule_change', 'threshold_change']);

/** The label the server records people under (principalLabel): compare with proposedBy. */
export const userLabel = (email: string) => `user:${email}`;

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.round(ms / 60_000)} min`;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} days`;
}
