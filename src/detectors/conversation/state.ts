import type { AgeBand } from '../../core/types.js';
import type { Indicator } from '../indicators.js';

/** One message as conversation risk sees it: who wrote to whom, when, and which indicators text rules found in it. */
export interface ConversationMessage {
  itemId: string;
  /** Epoch ms: when the message was sent. */
  at: number;
  authorId: string | null;
  authorBand: AgeBand;
  recipientBands: readonly AgeBand[];
  indicators: readonly Indicator[];
}

export interface IndicatorTrack {
  /** Decayed occurrences as of the state's `updatedAt`, capped at `maxRepeatPresence`. */
  presence: number;
  count: number;
  firstAt: number;
  lastAt: number;
  /** The first occurrence and the most recent ones (bounded). */
  itemIds: string[];
}

/** The latest threat or payment demand an author sent to a minor, kept for the sextortion window. */
export interface SextortionMark {
  authorId: string;
  indicator: 'threat' | 'payment_demand';
  at: number;
  itemId: string;
}

/** Everything conversation risk remembers about one conversation. Plain JSON, stored as is. */
export interface ConversationState {
  version: 1;
  /** Time the presences were last brought up to date (the latest message time seen). */
  updatedAt: number;
  /** Score as of `updatedAt`; read it later with `scoreAt`, which applies the decay since. */
  score: number;
  /** When the score last crossed the threshold. */
  crossedAt: number | null;
  /** Set by a crossing; cleared once the score has decayed below threshold × rearmFraction. */
  alerted: boolean;
  indicators: Partial<Record<Indicator, IndicatorTrack>>;
  /** Age band of each author seen (bounded), so a reply tells us the conversation includes a minor. */
  participants: Record<string, AgeBand>;
  sextortionMarks: SextortionMark[];
  /** Items already applied (bounded), so reprocessing an item after a crash does not count it twice. */
  recentItemIds: string[];
}

export interface IndicatorContribution {
  indicator: Indicator;
  /** Share of the score this indicator accounts for, including its share of the distinct-indicator bonus. */
  contribution: number;
  presence: number;
  count: number;
  firstAt: number;
  lastAt: number;
  itemIds: string[];
}

export interface SextortionFinding {
  authorId: string;
  threat: { itemId: string; at: number };
  paymentDemand: { itemId: string; at: number };
  windowHours: number;
}

export interface ConversationStep {
  state: ConversationState;
  /** Score after this message, 0..1. */
  score: number;
  /**
   * True only on the message that takes the score to the threshold or above: the first time, or again after the
   * score had decayed below threshold × rearmFraction.
   */
  crossed: boolean;
  /** Whether this message's indicators counted (an adult writing to a minor). */
  accumulated: boolean;
  /** The item had already been applied: the state is returned unchanged. */
  duplicate: boolean;
  /** Effective number of distinct indicators (each counts up to 1 as its presence decays). */
  distinctIndicators: number;
  /** The distinct-indicator bonus applied to the summed weights. */
  bonusMultiplier: number;
  explanation: IndicatorContribution[];
  /** Set on every message that completes a threat + payment demand pair to a minor. */
  sextortion: SextortionFinding | null;
}
