import type { CategoryId } from '../../core/taxonomy.js';
import type { CategoryScore } from './types.js';

/**
 * Precision, recall and F1 of one category. A ratio with a zero denominator is null (nothing was predicted, or
 * the set has no positives): "undefined" is not the same as "0", and the tables show it as '-'.
 */
export interface CategoryMetrics {
  support: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export const BENIGN = 'benign';

/** Rows are true primary labels, columns predicted primaries; `labels` orders both axes ('benign' first). */
export interface ConfusionMatrix {
  labels: string[];
  counts: number[][];
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface EvalMetrics {
  /** Examples in the run, errors included. */
  examples: number;
  /** Examples scored without error: the metrics cover these only. */
  scored: number;
  errors: number;
  categories: Record<CategoryId, CategoryMetrics>;
  /** Every category's counts pooled. */
  micro: CategoryMetrics;
  confusion: ConfusionMatrix;
  cost: { totalUsd: number; perItemUsd: number | null };
  latencyMs: Percentiles;
}

/** One scored example as metrics see it. */
export interface ScoredExample {
  labels: readonly CategoryId[];
  /** Categories predicted positive, with their scores. */
  predicted: readonly CategoryScore[];
  costUsd: number;
  latencyMs: number;
  error: string | null;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function metricsFromCounts(tp: number, fp: number, fn: number): CategoryMetrics {
  return {
    support: tp + fn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp > 0 ? round4(tp / (tp + fp)) : null,
    recall: tp + fn > 0 ? round4(tp / (tp + fn)) : null,
    // 2PR/(P+R) written in counts: defined whenever anything was predicted or expected.
    f1: tp + fp + fn > 0 ? round4((2 * tp) / (2 * tp + fp + fn)) : null,
  };
}

/** Per-category metrics over every category that is labelled or predicted somewhere, plus the pooled (micro) row. */
export function categoryMetrics(rows: readonly Pick<ScoredExample, 'labels' | 'predicted'>[]): { categories: Record<CategoryId, CategoryMetrics>; micro: CategoryMetrics } {
  const counts = new Map<CategoryId, { tp: number; fp: number; fn: number }>();
  const at = (c: CategoryId) => {
    let v = counts.get(c);
    if (!v) counts.set(c, (v = { tp: 0, fp: 0, fn: 0 }));
    return v;
  };
  for (const r of rows) {
    const truth = new Set(r.labels);
    const predicted = new Set(r.predicted.map((p) => p.category));
    for (const c of truth) {
      if (predicted.has(c)) at(c).tp++;
      else at(c).fn++;
    }
    for (const c of predicted) if (!truth.has(c)) at(c).fp++;
  }
  const categories: Record<CategoryId, CategoryMetrics> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const c of [...counts.keys()].sort()) {
    const v = counts.get(c)!;
    categories[c] = metricsFromCounts(v.tp, v.fp, v.fn);
    tp += v.tp;
    fp += v.fp;
    fn += v.fn;
  }
  return { categories, micro: metricsFromCounts(tp, fp, fn) };
}

/** The primary true label: the first one listed, or benign. */
export function truePrimary(labels: readonly CategoryId[]): string {
  return labels[0] ?? BENIGN;
}

/** The primary prediction: the highest score (ties to the lower category id), or benign. */
export function predictedPrimary(predicted: readonly CategoryScore[]): string {
  let best: CategoryScore | null = null;
  for (const p of predicted) {
    if (!best || p.score > best.score || (p.score === best.score && p.category < best.category)) best = p;
  }
  return best?.category ?? BENIGN;
}

export function confusionMatrix(rows: readonly Pick<ScoredExample, 'labels' | 'predicted'>[]): ConfusionMatrix {
  const pairs = rows.map((r) => [truePrimary(r.labels), predictedPrimary(r.predicted)] as const);
  const seen = new Set<string>(pairs.flat());
  seen.delete(BENIGN);
  const labels = [BENIGN, ...[...seen].sort()];
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const [t, p] of pairs) counts[index.get(t)!]![index.get(p)!]!++;
  return { labels, counts };
}

/** Nearest-rank percentile (the smallest value with at least p% of values at or below it); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError('a percentile is in (0, 100]');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const r = (x: number | null) => (x === null ? null : round4(x));
  return { p50: r(percentile(values, 50)), p90: r(percentile(values, 90)), p99: r(percentile(values, 99)) };
}

/** Everything a run reports. Errored examples count towards cost and latency but not towards quality metrics. */
export function evaluationMetrics(rows: readonly ScoredExample[]): EvalMetrics {
  const scored = rows.filter((r) => r.error === null);
  const { categories, micro } = categoryMetrics(scored);
  const totalUsd = rows.reduce((s, r) => s + r.costUsd, 0);
  return {
    examples: rows.length,
    scored: scored.length,
    errors: rows.length - scored.length,
    categories,
    micro,
    confusion: confusionMatrix(scored),
    cost: { totalUsd: Math.round(totalUsd * 1e6) / 1e6, perItemUsd: rows.length ? Math.round((totalUsd / rows.length) * 1e8) / 1e8 : null },
    latencyMs: percentiles(rows.map((r) => r.latencyMs)),
  };
}
