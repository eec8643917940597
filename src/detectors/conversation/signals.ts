import type { Evidence } from '../../core/types.js';
import type { SignalDraft } from '../types.js';
import type { ConversationRiskConfig } from './config.js';
import type { ConversationStep, IndicatorContribution } from './state.js';

/** Version of the scoring rule; changes when the formula changes, not when the configuration does. */
export const CONVERSATION_RISK_VERSION = '1';

export interface ConversationSignalContext {
  conversationId: string;
  /** Version of the conversation risk configuration document the step was computed with. */
  configVersion: number | string;
  config: ConversationRiskConfig;
}

/**
 * Signal drafts for one step: a grooming draft on the message that crosses the threshold (not on every message
 * while above, so one conversation raises one review), and a sextortion draft on every message that completes a
 * threat + payment demand pair.
 */
export function conversationSignalDrafts(step: ConversationStep, ctx: ConversationSignalContext): SignalDraft[] {
  const out: SignalDraft[] = [];
  if (step.crossed) {
    out.push({ category: ctx.config.groomingCategory, score: step.score, evidence: groomingEvidence(step, ctx) });
  }
  if (step.sextortion) {
    const s = step.sextortion;
    const apart = Math.abs(s.threat.at - s.paymentDemand.at) / 3_600_000;
    const pair = s.threat.itemId === s.paymentDemand.itemId
      ? `a threat and a payment demand in the same message (item ${s.threat.itemId})`
      : `a threat (item ${s.threat.itemId}) and a payment demand (item ${s.paymentDemand.itemId}) ${formatHours(apart)} apart`;
    out.push({
      category: ctx.config.sextortionCategory,
      score: ctx.config.sextortionScore,
      evidence: {
        summary: `sextortion: ${pair} from account ${s.authorId} to a minor, within ${s.windowHours} h (conversation risk config v${ctx.configVersion})`,
        kind: 'sextortion_pair',
        conversationId: ctx.conversationId,
        authorId: s.authorId,
        threat: s.threat,
        paymentDemand: s.paymentDemand,
        windowHours: s.windowHours,
        configVersion: ctx.configVersion,
        algorithmVersion: CONVERSATION_RISK_VERSION,
      },
    });
  }
  return out;
}

function groomingEvidence(step: ConversationStep, ctx: ConversationSignalContext): Evidence {
  return {
    summary: conversationRiskSummary(step, ctx.config.threshold, ctx.configVersion),
    kind: 'conversation_risk',
    conversationId: ctx.conversationId,
    score: step.score,
    threshold: ctx.config.threshold,
    distinctIndicators: step.distinctIndicators,
    bonusMultiplier: step.bonusMultiplier,
    halfLifeHours: ctx.config.halfLifeHours,
    indicators: step.explanation.map((e) => ({ ...e, itemIds: [...e.itemIds] })),
    configVersion: ctx.configVersion,
    algorithmVersion: CONVERSATION_RISK_VERSION,
  };
}

/** e.g. "conversation risk 0.82 ≥ 0.7: secrecy ×2 (+0.31), platform_move (+0.22); 4 distinct indicators (×1.75) over 3.0 days, config v3". */
export function conversationRiskSummary(step: ConversationStep, threshold: number, configVersion: number | string): string {
  const cmp = step.score >= threshold ? '≥' : '<';
  const parts = step.explanation.filter((e) => e.contribution > 0).map(describe);
  const first = Math.min(...step.explanation.map((e) => e.firstAt));
  const last = Math.max(...step.explanation.map((e) => e.lastAt));
  const span = step.explanation.length > 0 ? ` over ${((last - first) / 86_400_000).toFixed(1)} days` : '';
  return `conversation risk ${fmt(step.score)} ${cmp} ${threshold}: ${parts.join(', ') || 'no indicators'}; `
    + `${fmt(step.distinctIndicators)} distinct indicators (×${step.bonusMultiplier.toFixed(2)})${span}, config v${configVersion}`;
}

function describe(e: IndicatorContribution): string {
  return `${e.indicator}${e.count > 1 ? ` ×${e.count}` : ''} (+${e.contribution.toFixed(2)})`;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function formatHours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${Math.round(h * 10) / 10} h`;
}
