import type { Evidence } from '../../../core/types.js';
import type { DetectionContext, DetectionInput, Detector, DetectorResult, SignalDraft } from '../../types.js';
import { ruleContextFromInput } from './context.js';
import type { RuleHit, RuleSet } from './rule-set.js';

/**
 * Text rules as a detector: one signal per category, scored 1 - prod(1 - weight) over the distinct rules that
 * fired (each rule is independent weak evidence). Replaces text.terms once the pipeline switches to it.
 */
export class RuleDetector implements Detector {
  readonly id = 'text.rules';
  readonly inputs = ['text'] as const;
  readonly cost = 2;
  static readonly VERSION = '1';

  constructor(readonly rules: RuleSet) {}

  versions() {
    return { [this.id]: RuleDetector.VERSION, rules: this.rules.version };
  }

  /** Without snoozes in the context the answer is always plain signals (the rule tester and tests rely on it). */
  detect(input: DetectionInput & { context?: (DetectionContext & { snoozes?: undefined }) | undefined }): SignalDraft[];
  detect(input: DetectionInput): SignalDraft[] | DetectorResult;
  detect(input: DetectionInput): SignalDraft[] | DetectorResult {
    const text = input.item.text;
    if (!text) return [];
    const hits = this.rules.evaluate(text, ruleContextFromInput(input));
    const snoozes = input.context?.snoozes ?? [];
    if (snoozes.length === 0 || hits.length === 0) return signalsFromHits(hits, this.rules.version);
    // A rule snoozed for this author or conversation is dropped after it matched, so the trace can say it would have fired.
    const kept: RuleHit[] = [];
    const skipped: Record<string, unknown>[] = [];
    for (const h of hits) {
      const snooze = snoozes.find((s) => s.ruleId === h.ruleId);
      if (!snooze) {
        kept.push(h);
        continue;
      }
      skipped.push({
        ruleId: h.ruleId, category: h.category, weight: h.weight, snoozeId: snooze.id, entityType: snooze.entityType,
        entityId: snooze.entityId, reason: snooze.reason, createdBy: snooze.createdBy, expiresAt: snooze.expiresAt,
      });
    }
    const signals = signalsFromHits(kept, this.rules.version);
    return skipped.length === 0 ? signals : { signals, details: { snoozed: skipped } };
  }
}

/** Groups hits by category into signal drafts (exported for the rule tester, which shows the same scores). */
export function signalsFromHits(hits: readonly RuleHit[], rulesVersion: number): SignalDraft[] {
  const byCategory = new Map<string, RuleHit[]>();
  for (const h of hits) byCategory.set(h.category, [...(byCategory.get(h.category) ?? []), h]);
  const out: SignalDraft[] = [];
  for (const [category, list] of byCategory) {
    const score = Math.round((1 - list.reduce((p, h) => p * (1 - h.weight), 1)) * 1e4) / 1e4;
    const evidence: Evidence = {
      summary: `rules ${list.map((h) => h.ruleId).join(', ')} (rules v${rulesVersion})`,
      rules: list.map((h) => ({ id: h.ruleId, weight: h.weight, indicator: h.indicator, spans: h.spans })),
      terms: list.flatMap((h) => h.terms),
      tactics: list[0]?.tactics ?? [],
    };
    out.push({ category, score, evidence });
  }
  return out;
}
