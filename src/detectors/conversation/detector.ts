import type { Signal } from '../../core/types.js';
import { INDICATORS, type Indicator } from '../indicators.js';
import type { Detector, DetectionInput, DetectorResult } from '../types.js';
import { advanceConversation } from './advance.js';
import type { ConversationRiskConfig } from './config.js';
import { CONVERSATION_RISK_VERSION, conversationSignalDrafts } from './signals.js';

const KNOWN = new Set<string>(INDICATORS);

/** The indicators cheaper detectors found in this item: today the text rules' tagged hits. */
export function indicatorsIn(prior: readonly Signal[]): Indicator[] {
  const found = new Set<Indicator>();
  for (const s of prior) {
    const hits = (s.evidence as { rules?: { indicator?: string | null }[] }).rules ?? [];
    for (const h of hits) if (h.indicator && KNOWN.has(h.indicator)) found.add(h.indicator as Indicator);
  }
  return INDICATORS.filter((i) => found.has(i));
}

/**
 * Conversation risk: advances the conversation's state with this message's indicators and raises a grooming signal
 * on the message that takes the score over the threshold, and a sextortion signal on a threat + payment demand.
 * Runs after the text rules (higher cost), whose indicators it reads from `prior`.
 */
export class ConversationRiskDetector implements Detector {
  readonly id = 'conversation.risk';
  readonly inputs = ['contact'] as const;
  readonly cost = 3;

  constructor(private readonly config: ConversationRiskConfig, private readonly configVersion: number) {}

  versions() {
    return { [this.id]: CONVERSATION_RISK_VERSION, conversation_risk: this.configVersion };
  }

  detect({ item, author, recipients, context }: DetectionInput, prior: readonly Signal[]): DetectorResult {
    const conversation = context?.conversation;
    if (!conversation || !author) return { signals: [] };
    const step = advanceConversation(conversation.state, {
      itemId: item.id, at: item.createdAt, authorId: author.id, authorBand: author.ageBand,
      recipientBands: recipients.map((r) => r.ageBand), indicators: indicatorsIn(prior),
    }, this.config);
    if (step.duplicate) return { signals: [], details: { conversationId: conversation.id, duplicate: true } };
    return {
      signals: conversationSignalDrafts(step, { conversationId: conversation.id, configVersion: this.configVersion, config: this.config }),
      updates: [{ kind: 'conversation', conversationId: conversation.id, state: step.state }],
      details: {
        conversationId: conversation.id,
        score: Math.round(step.score * 1e4) / 1e4,
        threshold: this.config.threshold,
        accumulated: step.accumulated,
        indicators: step.explanation.map((e) => ({ indicator: e.indicator, contribution: Math.round(e.contribution * 1e4) / 1e4, count: e.count })),
      },
    };
  }
}
