/**
 * Conversation risk: grooming is a sequence, not a message.
 *
 * Text rules tag each message with neutral indicators (age probing, secrecy, a move to another app, gifts, ...).
 * Each alone is weak and common; what marks grooming is an adult collecting several distinct ones with a minor
 * over days. So the score of a conversation is
 *
 *   score = min(1, Σᵢ wᵢ·pᵢ × (1 + b·(D − 1))),   D = Σᵢ min(1, pᵢ)
 *
 * - pᵢ, the presence of indicator i, goes up by 1 per message carrying it, capped at `maxRepeatPresence` (1.5):
 *   repeating one indicator soon stops adding, and the configuration is rejected if one indicator at its cap could
 *   reach the threshold, so repetition alone never crosses.
 * - every pᵢ decays exponentially, halving every `halfLifeHours` (72 h): a conversation that went quiet for weeks
 *   cools down, while indicators spread over a few days still add up. Decay is applied lazily from the time of the
 *   last message, so time is always passed in and the computation stays pure.
 * - D counts distinct indicators (each fading with its presence), and every one beyond the first raises the whole
 *   score by `distinctBonus` (25%): several distinct stages are worth more than the sum of their weights.
 * - each indicator's contribution is wᵢ·pᵢ times the same multiplier, so the explanation adds up to the score.
 * - `crossed` is true on the message that takes the score to `threshold` (0.7); it fires again only after the score
 *   has decayed below threshold × `rearmFraction` (0.5), so a live conversation raises one alert, not one per message.
 *
 * Who counts: only a message whose author is a declared adult (or unknown, if `unknownAuthorAccumulates`) and
 * that reaches a minor: a minor among its recipients, or another participant already seen as a minor (a group or a
 * conversation whose recipients are not given). A minor's replies, adult-to-adult and minor-to-minor messages, and
 * messages from unknown authors (by default) decay the state but add nothing.
 *
 * Sextortion (CSE-06) is separate and immediate: a threat and a payment demand from the same author to a minor,
 * in one message or within `sextortionWindowHours` (48 h), whatever the grooming score and the author's declared
 * band (offenders often pose as teenagers).
 */
export {
  conversationRiskConfigSchema, type ConversationRiskConfig, type ConversationRiskConfigInput,
  DEFAULT_CONVERSATION_RISK_CONFIG, DEFAULT_INDICATOR_WEIGHTS, parseConversationRiskConfig,
} from './config.js';
export { advanceConversation, emptyConversationState, scoreAt } from './advance.js';
export {
  CONVERSATION_RISK_VERSION, type ConversationSignalContext, conversationRiskSummary, conversationSignalDrafts,
} from './signals.js';
export type {
  ConversationMessage, ConversationState, ConversationStep, IndicatorContribution, IndicatorTrack,
  SextortionFinding, SextortionMark,
} from './state.js';
