import { type AgeBand, isMinorBand } from '../../core/types.js';
import type { SignalDraft } from '../types.js';
import type { BehaviourConfig } from './config.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Version of the behaviour rules; changes when their logic does, not when the configuration does. */
export const BEHAVIOUR_SIGNALS_VERSION = '1';

/**
 * A count of distinct accounts in a window, with a bounded sample of them (most recent first).
 * `countBefore`, the same count without the item being evaluated, makes a rule fire only on the item that reaches
 * its threshold; without it, a rule fires on every item at or above the threshold.
 */
export interface AccountAggregate {
  count: number;
  countBefore?: number | undefined;
  accountIds: readonly string[];
}

export interface OutreachInput {
  authorId: string;
  authorBand: AgeBand;
  /** Epoch ms of the item being evaluated; windows end here. */
  at: number;
  /** Distinct minors the author contacted since `behaviourWindowStarts(...).minorOutreach` (or `.newAccountOutreach`). */
  minorRecipients: AccountAggregate;
}

export interface NewAccountOutreachInput extends OutreachInput {
  accountCreatedAt: number;
}

export interface ConvergenceInput {
  recipientId: string;
  recipientBand: AgeBand;
  at: number;
  /** Distinct adults who contacted the recipient since `behaviourWindowStarts(...).convergence`. */
  adultSenders: AccountAggregate;
}

export interface FriendRequestBurstInput {
  authorId: string;
  authorBand: AgeBand;
  at: number;
  /** Distinct minors the author sent friend requests to since `behaviourWindowStarts(...).friendRequestBurst`. */
  minorFriendRequests: AccountAggregate;
}

/** Where each rule's window starts for an item at `at`: the `since` to pass to the aggregate queries. */
export function behaviourWindowStarts(config: BehaviourConfig, at: number) {
  return {
    minorOutreach: at - config.minorOutreach.windowHours * HOUR_MS,
    newAccountOutreach: at - config.newAccountOutreach.windowHours * HOUR_MS,
    convergence: at - config.convergence.windowHours * HOUR_MS,
    friendRequestBurst: at - config.friendRequestBurst.windowHours * HOUR_MS,
  };
}

export function evaluateMinorOutreach(input: OutreachInput, config: BehaviourConfig, configVersion?: number | string): SignalDraft[] {
  const r = config.minorOutreach;
  if (!r.enabled || !r.authorBands.includes(input.authorBand) || !fires(input.minorRecipients, r.minDistinctMinors)) return [];
  const agg = input.minorRecipients;
  return [draft(r, agg, r.minDistinctMinors, config, {
    summary: `${input.authorBand} account ${input.authorId} contacted ${agg.count} distinct minor accounts in ${r.windowHours} h `
      + `(threshold ${r.minDistinctMinors})${listed(agg, config)}`,
    kind: 'minor_outreach',
    accountId: input.authorId,
    accountBand: input.authorBand,
  }, input.at, configVersion)];
}

export function evaluateNewAccountOutreach(
  input: NewAccountOutreachInput,
  config: BehaviourConfig,
  configVersion?: number | string,
): SignalDraft[] {
  const r = config.newAccountOutreach;
  const ageMs = input.at - input.accountCreatedAt;
  if (!r.enabled || !r.authorBands.includes(input.authorBand) || ageMs >= r.maxAccountAgeDays * DAY_MS) return [];
  if (!fires(input.minorRecipients, r.minDistinctMinors)) return [];
  const agg = input.minorRecipients;
  const ageDays = Math.max(0, ageMs) / DAY_MS;
  return [draft(r, agg, r.minDistinctMinors, config, {
    summary: `account ${input.authorId} (${input.authorBand}), ${ageDays.toFixed(1)} days old (< ${r.maxAccountAgeDays}), contacted `
      + `${agg.count} distinct minor accounts in ${r.windowHours} h (threshold ${r.minDistinctMinors})${listed(agg, config)}`,
    kind: 'new_account_outreach',
    accountId: input.authorId,
    accountBand: input.authorBand,
    accountCreatedAt: input.accountCreatedAt,
    accountAgeDays: Math.round(ageDays * 100) / 100,
    maxAccountAgeDays: r.maxAccountAgeDays,
  }, input.at, configVersion)];
}

export function evaluateConvergence(input: ConvergenceInput, config: BehaviourConfig, configVersion?: number | string): SignalDraft[] {
  const r = config.convergence;
  if (!r.enabled || !isMinorBand(input.recipientBand) || !fires(input.adultSenders, r.minDistinctAdults)) return [];
  const agg = input.adultSenders;
  return [draft(r, agg, r.minDistinctAdults, config, {
    summary: `${agg.count} distinct adult accounts contacted minor account ${input.recipientId} in ${r.windowHours} h `
      + `(threshold ${r.minDistinctAdults})${listed(agg, config)}`,
    kind: 'adult_convergence',
    accountId: input.recipientId,
    accountBand: input.recipientBand,
  }, input.at, configVersion)];
}

export function evaluateFriendRequestBurst(
  input: FriendRequestBurstInput,
  config: BehaviourConfig,
  configVersion?: number | string,
): SignalDraft[] {
  const r = config.friendRequestBurst;
  if (!r.enabled || !r.authorBands.includes(input.authorBand) || !fires(input.minorFriendRequests, r.minDistinctMinors)) return [];
  const agg = input.minorFriendRequests;
  return [draft(r, agg, r.minDistinctMinors, config, {
    summary: `${input.authorBand} account ${input.authorId} sent friend requests to ${agg.count} distinct minor accounts in `
      + `${r.windowHours} h (threshold ${r.minDistinctMinors})${listed(agg, config)}`,
    kind: 'friend_request_burst',
    accountId: input.authorId,
    accountBand: input.authorBand,
  }, input.at, configVersion)];
}

function fires(agg: AccountAggregate, threshold: number): boolean {
  return agg.count >= threshold && (agg.countBefore === undefined || agg.countBefore < threshold);
}

/** The rule's score at its threshold, rising toward 1 as the count grows: halfway there at twice the threshold. */
export function behaviourScore(base: number, count: number, threshold: number): number {
  const s = base + (1 - base) * Math.max(0, 1 - threshold / count);
  return Math.round(Math.min(0.99, Math.max(base, s)) * 1e4) / 1e4;
}

function draft(
  r: { windowHours: number; score: number; category: string },
  agg: AccountAggregate,
  threshold: number,
  config: BehaviourConfig,
  fields: { summary: string; kind: string; accountId: string; [key: string]: unknown },
  at: number,
  configVersion: number | string | undefined,
): SignalDraft {
  const accountIds = agg.accountIds.slice(0, config.maxAccountIdsInEvidence);
  return {
    category: r.category,
    score: behaviourScore(r.score, agg.count, threshold),
    evidence: {
      ...fields,
      count: agg.count,
      threshold,
      windowHours: r.windowHours,
      windowStart: at - r.windowHours * HOUR_MS,
      windowEnd: at,
      accountIds,
      accountIdsTruncated: agg.count > accountIds.length,
      algorithmVersion: BEHAVIOUR_SIGNALS_VERSION,
      ...(configVersion === undefined ? {} : { configVersion }),
    },
  };
}

function listed(agg: AccountAggregate, config: BehaviourConfig): string {
  const ids = agg.accountIds.slice(0, Math.min(5, config.maxAccountIdsInEvidence));
  if (ids.length === 0) return '';
  const more = agg.count - ids.length;
  return `: ${ids.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}
