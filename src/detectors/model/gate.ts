import type { CategoryId } from '../../core/taxonomy.js';
import type { CategoryMetrics } from './metrics.js';

export interface CategoryComparison {
  category: CategoryId;
  candidateF1: number | null;
  liveF1: number;
  /** Positives of the category in the shared held-out set. */
  support: number;
  ok: boolean;
  note: string;
}

export interface GateResult {
  /** True when the candidate may go live on its metrics alone. */
  pass: boolean;
  liveVersion: number | null;
  comparisons: CategoryComparison[];
  /** One line for people: why it went live or not. */
  summary: string;
}

/**
 * The promotion gate. With no live model, a candidate with metrics passes. Otherwise, for every category the live
 * model covers, the candidate's held-out F1 must be at least the live model's F1 on the same held-out set; a
 * category the candidate does not cover fails.
 */
export function promotionGate(
  candidate: Record<CategoryId, CategoryMetrics>,
  live: { version: number; metrics: Record<CategoryId, CategoryMetrics> } | null,
): GateResult {
  if (!live) {
    const has = Object.keys(candidate).length > 0;
    return {
      pass: has, liveVersion: null, comparisons: [],
      summary: has ? 'first model: no live model to compare with' : 'the candidate has no metrics',
    };
  }
  const comparisons: CategoryComparison[] = [];
  for (const category of Object.keys(live.metrics).sort()) {
    const l = live.metrics[category]!;
    const c = candidate[category];
    if (!c) {
      comparisons.push({ category, candidateF1: null, liveF1: l.f1, support: l.support, ok: false, note: 'not covered by the candidate' });
      continue;
    }
    // F1s are rounded to 4 places on both sides, so equal models compare equal.
    const ok = c.f1 >= l.f1;
    comparisons.push({
      category, candidateF1: c.f1, liveF1: l.f1, support: c.support, ok,
      note: ok ? (c.f1 > l.f1 ? 'better' : 'equal') : `worse by ${(l.f1 - c.f1).toFixed(4)}`,
    });
  }
  const failed = comparisons.filter((x) => !x.ok);
  return {
    pass: failed.length === 0,
    liveVersion: live.version,
    comparisons,
    summary: failed.length === 0
      ? `held-out F1 at least live v${live.version}'s on all ${comparisons.length} categor${comparisons.length === 1 ? 'y' : 'ies'} it covers`
      : `held-out F1 below live v${live.version}'s on ${failed.map((f) => `${f.category} (${f.candidateF1 === null ? 'not covered' : `${f.candidateF1.toFixed(4)} < ${f.liveF1.toFixed(4)}`})`).join(', ')}`,
  };
}
