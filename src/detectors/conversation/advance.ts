import { type AgeBand, isMinorBand } from '../../core/types.js';
import { INDICATORS, type Indicator } from '../indicators.js';
import type { ConversationRiskConfig } from './config.js';
import type {
  ConversationMessage, ConversationState, ConversationStep, IndicatorContribution, IndicatorTrack, SextortionFinding,
  SextortionMark,
} from './state.js';

const HOUR_MS = 3_600_000;
/** Presence below this has faded out (about ten half-lives); the track is dropped to keep the state small. */
const FADED = 1e-3;
const MAX_PARTICIPANTS = 32;
const MAX_RECENT_ITEMS = 50;

export function emptyConversationState(at: number): ConversationState {
  return {
    version: 1, updatedAt: at, score: 0, crossedAt: null, alerted: false, indicators: {}, participants: {}, sextortionMarks: [],
    recentItemIds: [],
  };
}

/**
 * Applies one message to a conversation's state. Pure: the same states and messages in the same order give the
 * same result. A message older than the state (out of order) is added without decay and does not move time back.
 */
export function advanceConversation(
  prev: ConversationState | null,
  message: ConversationMessage,
  config: ConversationRiskConfig,
): ConversationStep {
  const start = prev?.version === 1 ? prev : emptyConversationState(message.at);
  if (start.recentItemIds.includes(message.itemId)) {
    return { ...view(start.indicators, config), state: start, crossed: false, accumulated: false, duplicate: true, sextortion: null };
  }

  const at = Math.max(start.updatedAt, message.at);
  const decayed = decayTracks(start.indicators, at - start.updatedAt, config);
  const before = view(decayed, config).score;

  const toMinor = targetsMinor(message, start.participants);
  const adultAuthor = message.authorBand === 'adult' || (message.authorBand === 'unknown' && config.unknownAuthorAccumulates);
  const accumulated = toMinor && adultAuthor && message.indicators.length > 0;
  const indicators = accumulated ? addIndicators(decayed, message, config) : decayed;

  const { marks, finding } = toMinor && message.authorId
    ? sextortionCheck(start.sextortionMarks, message, message.authorId, at, config)
    : { marks: pruneMarks(start.sextortionMarks, at, config), finding: null };

  const v = view(indicators, config);
  // Hysteresis: after a crossing, the conversation must cool below threshold × rearmFraction before it can cross
  // again, so an active conversation raises one alert rather than one per new indicator.
  const armed = !start.alerted || before < config.threshold * config.rearmFraction;
  const crossed = armed && v.score >= config.threshold;
  const state: ConversationState = {
    version: 1,
    updatedAt: at,
    score: v.score,
    crossedAt: crossed ? message.at : start.crossedAt,
    alerted: crossed || !armed,
    indicators,
    participants: withParticipant(start.participants, message.authorId, message.authorBand),
    sextortionMarks: marks,
    recentItemIds: [...start.recentItemIds, message.itemId].slice(-MAX_RECENT_ITEMS),
  };
  return { ...v, state, crossed, accumulated, duplicate: false, sextortion: finding };
}

/** The conversation's score at a later time, with the decay since its last message applied. */
export function scoreAt(state: ConversationState, at: number, config: ConversationRiskConfig): number {
  return view(decayTracks(state.indicators, Math.max(0, at - state.updatedAt), config), config).score;
}

/** A minor is among the recipients, or another participant of the conversation is known to be a minor. */
function targetsMinor(message: ConversationMessage, participants: Record<string, AgeBand>): boolean {
  if (message.recipientBands.some(isMinorBand)) return true;
  return Object.entries(participants).some(([id, band]) => id !== message.authorId && isMinorBand(band));
}

function withParticipant(participants: Record<string, AgeBand>, authorId: string | null, band: AgeBand): Record<string, AgeBand> {
  if (!authorId || participants[authorId] === band) return participants;
  // A band once declared is not forgotten by a later 'unknown'; a full list takes no newcomers.
  if (band === 'unknown' && authorId in participants) return participants;
  if (!(authorId in participants) && Object.keys(participants).length >= MAX_PARTICIPANTS) return participants;
  return { ...participants, [authorId]: band };
}

function decayTracks(
  tracks: ConversationState['indicators'],
  elapsedMs: number,
  config: ConversationRiskConfig,
): ConversationState['indicators'] {
  if (elapsedMs <= 0) return tracks;
  const factor = 2 ** (-elapsedMs / (config.halfLifeHours * HOUR_MS));
  const out: ConversationState['indicators'] = {};
  for (const i of INDICATORS) {
    const t = tracks[i];
    if (!t) continue;
    const presence = t.presence * factor;
    if (presence >= FADED) out[i] = { ...t, presence };
  }
  return out;
}

function addIndicators(
  tracks: ConversationState['indicators'],
  message: ConversationMessage,
  config: ConversationRiskConfig,
): ConversationState['indicators'] {
  const out = { ...tracks };
  for (const i of new Set(message.indicators)) {
    const t = out[i];
    const next: IndicatorTrack = t
      ? {
          presence: Math.min(config.maxRepeatPresence, t.presence + 1),
          count: t.count + 1,
          firstAt: Math.min(t.firstAt, message.at),
          lastAt: Math.max(t.lastAt, message.at),
          itemIds: boundedItemIds([...t.itemIds, message.itemId], config.maxItemIdsPerIndicator),
        }
      : { presence: 1, count: 1, firstAt: message.at, lastAt: message.at, itemIds: [message.itemId] };
    out[i] = next;
  }
  return out;
}

/** Keeps the first item id (where the indicator began) and the most recent ones. */
function boundedItemIds(ids: string[], max: number): string[] {
  if (ids.length <= max) return ids;
  return max === 1 ? [ids[0]!] : [ids[0]!, ...ids.slice(ids.length - (max - 1))];
}

/**
 * score = min(1, Σ weight·presence × (1 + distinctBonus · (distinct − 1))), where distinct = Σ min(1, presence)
 * over weighted indicators. Each indicator's contribution is its weighted presence times the same multiplier, so
 * the contributions add up to the score.
 */
function view(tracks: ConversationState['indicators'], config: ConversationRiskConfig) {
  let base = 0;
  let distinct = 0;
  for (const i of INDICATORS) {
    const t = tracks[i];
    const w = config.weights[i];
    if (!t || w <= 0) continue;
    base += w * t.presence;
    distinct += Math.min(1, t.presence);
  }
  const bonusMultiplier = 1 + config.distinctBonus * Math.max(0, distinct - 1);
  const raw = base * bonusMultiplier;
  const score = Math.min(1, raw);
  const scale = raw > 0 ? (score / raw) * bonusMultiplier : 0;
  const explanation: IndicatorContribution[] = [];
  for (const i of INDICATORS) {
    const t = tracks[i];
    if (!t) continue;
    explanation.push({
      indicator: i, contribution: round(config.weights[i] * t.presence * scale), presence: round(t.presence),
      count: t.count, firstAt: t.firstAt, lastAt: t.lastAt, itemIds: t.itemIds,
    });
  }
  // Stable sort: ties keep the canonical indicator order.
  explanation.sort((a, b) => b.contribution - a.contribution);
  return { score: round(score), distinctIndicators: round(distinct), bonusMultiplier: round(bonusMultiplier), explanation };
}

function sextortionCheck(
  marks: readonly SextortionMark[],
  message: ConversationMessage,
  authorId: string,
  at: number,
  config: ConversationRiskConfig,
): { marks: SextortionMark[]; finding: SextortionFinding | null } {
  const windowMs = config.sextortionWindowHours * HOUR_MS;
  const own = (['threat', 'payment_demand'] as const).filter((i) => message.indicators.includes(i));
  let next = pruneMarks(marks, at, config);
  for (const indicator of own) {
    next = [
      ...next.filter((m) => !(m.authorId === authorId && m.indicator === indicator)),
      { authorId, indicator, at: message.at, itemId: message.itemId },
    ];
  }
  if (own.length === 0) return { marks: next, finding: null };
  const find = (indicator: Indicator) =>
    next.find((m) => m.authorId === authorId && m.indicator === indicator && Math.abs(m.at - message.at) <= windowMs);
  const threat = find('threat');
  const payment = find('payment_demand');
  const finding = threat && payment
    ? {
        authorId,
        threat: { itemId: threat.itemId, at: threat.at },
        paymentDemand: { itemId: payment.itemId, at: payment.at },
        windowHours: config.sextortionWindowHours,
      }
    : null;
  return { marks: next, finding };
}

function pruneMarks(marks: readonly SextortionMark[], at: number, config: ConversationRiskConfig): SextortionMark[] {
  const windowMs = config.sextortionWindowHours * HOUR_MS;
  return marks.filter((m) => at - m.at <= windowMs);
}

function round(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
