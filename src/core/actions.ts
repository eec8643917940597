// Enforcement actions, named as in the taxonomy. How each is carried out is decided here, in one place.
export const ACTION_TYPES = [
  'block', 'remove', 'preserve', 'disable', 'restrict', 'warn', 'hash_add', 'review', 'report', 'urgent', 'share',
  'support', 'reinstate', 'lift_restriction', 'enable',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * platform: sent to the host platform's webhook through the outbox.
 * internal: carried out inside Haven (a review queue entry, an evidence hold, a priority bump).
 * approval: drafted and held until a person approves (reports to NCMEC, industry sharing, bank additions).
 */
export type ActionDelivery = 'platform' | 'internal' | 'approval';

export const ACTION_DELIVERY: Record<ActionType, ActionDelivery> = {
  block: 'platform',
  remove: 'platform',
  disable: 'platform',
  restrict: 'platform',
  warn: 'platform',
  support: 'platform',
  // Reversals, sent when an appeal overturns a decision (see enforcement/appeals).
  reinstate: 'platform',
  lift_restriction: 'platform',
  enable: 'platform',
  preserve: 'internal',
  review: 'internal',
  urgent: 'internal',
  hash_add: 'approval',
  report: 'approval',
  share: 'approval',
};

/** Actions against an account rather than a piece of content. */
export const ACCOUNT_ACTIONS: ReadonlySet<ActionType> = new Set([
  'disable', 'restrict', 'warn', 'support', 'enable', 'lift_restriction',
]);
