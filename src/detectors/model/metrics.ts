import { type PlattCalibration, sigmoid } from './model.js';

export interface CategoryMetrics {
  /** Positive examples of the category in the held-out split. */
  support: number;
  /** Held-out examples scored. */
  examples: number;
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Average precision over the ranking (area under the precision-recall curve, step-wise); 0 without positives. */
  averagePrecision: number;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Precision, recall and F1 at `threshold`, and average precision, of scores against 0/1 truths. */
export function categoryMetrics(scores: ArrayLike<number>, truth: ArrayLike<number>, threshold: number): CategoryMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let support = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = (scores[i] as number) >= threshold;
    const positive = truth[i] === 1;
    if (positive) support++;
    if (predicted && positive) tp++;
    else if (predicted) fp++;
    else if (positive) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = support > 0 ? tp / support : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    support, examples: scores.length, threshold, truePositives: tp, falsePositives: fp, falseNegatives: fn,
    precision: round4(precision), recall: round4(recall), f1: round4(f1), averagePrecision: round4(averagePrecision(scores, truth)),
  };
}

/** Average precision; tied scores are taken as one step, so the result does not depend on input order. */
export function averagePrecision(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let positives = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) positives++;
  if (positives === 0) return 0;
  let seen = 0;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]!] as number;
    let groupHits = 0;
    let j = i;
    while (j < order.length && scores[order[j]!] === s) {
      if (truth[order[j]!] === 1) groupHits++;
      j++;
    }
    seen += j - i;
    hits += groupHits;
    sum += groupHits * (hits / seen);
    i = j;
  }
  return sum / positives;
}

/**
 * Fits Platt scaling on held-out margins: minimises log loss of sigmoid(a * margin + b) against targets smoothed
 * as Platt recommends ((N+ + 1)/(N+ + 2) and 1/(N- + 2)), by Newton's method with a backtracking line search.
 * `a` is kept at or above a small positive floor so the calibrated score stays monotonic in the margin.
 */
export function fitPlatt(margins: ArrayLike<number>, truth: ArrayLike<number>): PlattCalibration {
  const n = margins.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (truth[i] === 1) pos++;
  const neg = n - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const target = (i: number) => (truth[i] === 1 ? hi : lo);
  const loss = (a: number, b: number) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const z = a * (margins[i] as number) + b;
      const t = target(i);
      // log(1 + e^z) - t z, computed stably.
      l += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    }
    return l;
  };
  let a = 1;
  let b = Math.log((pos + 1) / (neg + 1));
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const m = margins[i] as number;
      const p = sigmoid(a * m + b);
      const d = p - target(i);
      const w = p * (1 - p);
      ga += d * m;
      gb += d;
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) break;
    const det = haa * hbb - hab * hab;
    const da = det > 0 ? -(hbb * ga - hab * gb) / det : -ga;
    const db = det > 0 ? -(haa * gb - hab * ga) / det : -gb;
    let step = 1;
    let improved = false;
    while (step > 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const l = loss(na, nb);
      if (l < current - 1e-12) {
        a = na;
        b = nb;
        current = l;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  const MIN_SLOPE = 1e-3;
  if (!(a >= MIN_SLOPE) || !Number.isFinite(b)) {
    // The margins carry no usable ranking on this split: keep the order, score near the base rate.
    return { a: MIN_SLOPE, b: Math.log((pos + 1) / (neg + 1)) };
  }
  return { a, b };
}
