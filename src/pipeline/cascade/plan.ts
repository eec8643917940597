import { thresholdsFor, type PolicyContext } from '../../core/policy.js';
import type { Item, Signal } from '../../core/types.js';
import { type CascadeConfig, ruleFor } from './config.js';

/** Whether to ask the LLM about an item, and why (recorded in the trace either way). */
export interface LlmPlan {
  ask: boolean;
  reasons: string[];
  /** Categories whose automatic action waits for the LLM to agree ('confirm' mode). */
  confirm: string[];
  shadow: boolean;
}

const fmt = (n: number): string => n.toFixed(2);

/**
 * Decides from the cheap detectors' signals whether the item is worth an LLM call. Pure: the same signals, item and
 * configuration give the same plan, so a trace can be replayed.
 */
export function planLlm(signals: readonly Signal[], item: Item, config: CascadeConfig, policy: PolicyContext, llmAvailable: boolean): LlmPlan {
  const plan: LlmPlan = { ask: false, reasons: [], confirm: [], shadow: config.shadow };
  if (!llmAvailable) return { ...plan, reasons: ['no LLM provider is configured'] };
  if (config.alwaysSurfaces.includes(item.surface)) {
    return { ...plan, ask: true, reasons: [`surface ${item.surface} is always classified by the LLM`] };
  }
  const best = new Map<string, number>();
  for (const s of signals) {
    if (s.evidence.informational === true || s.evidence.bankMode === 'shadow') continue;
    best.set(s.category, Math.max(best.get(s.category) ?? 0, s.score));
  }
  for (const [category, score] of best) {
    const rule = ruleFor(config, category);
    const surfaceOk = !rule.surfaces || rule.surfaces.includes(item.surface);
    if (rule.mode === 'never' || !surfaceOk) {
      plan.reasons.push(`${category} ${fmt(score)}: cascade mode ${rule.mode === 'never' ? 'never' : `${rule.mode} not on ${item.surface}`}`);
      continue;
    }
    if (rule.mode === 'always') {
      plan.ask = true;
      plan.reasons.push(`${category} ${fmt(score)}: always asked`);
    } else if (rule.mode === 'uncertain') {
      const b = rule.band ?? { min: 0.3, max: 0.9 };
      const inBand = score >= b.min && score < b.max;
      if (inBand) plan.ask = true;
      plan.reasons.push(`${category} ${fmt(score)} ${inBand ? 'in' : 'outside'} the uncertain band [${b.min}, ${b.max})`);
    } else {
      const t = thresholdsFor(policy.policy, category, item.surface);
      const acts = score >= t.actionThreshold;
      if (acts) {
        plan.ask = true;
        plan.confirm.push(category);
      }
      plan.reasons.push(acts
        ? `${category} ${fmt(score)} >= action threshold ${t.actionThreshold}: the LLM must confirm before acting`
        : `${category} ${fmt(score)} < action threshold ${t.actionThreshold}: nothing to confirm`);
    }
  }
  if (best.size === 0) {
    const media = item.media.some((m) => m.mime.startsWith('image/') || m.mime.startsWith('video/'));
    if (config.unmatchedMedia && media) {
      plan.ask = true;
      plan.reasons.push('media that no bank or cheap detector flagged: asked (unmatchedMedia)');
    } else {
      plan.reasons.push('no cheap signal: not asked');
    }
  }
  return plan;
}
