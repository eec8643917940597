import type { CategoryId } from '../../core/taxonomy.js';
import { type FeatureKind, type FeatureParams, Featurizer, type SparseVector } from './features.js';

/** Platt scaling: calibrated = sigmoid(a * margin + b), a > 0 so calibration never reverses the model's ranking. */
export interface PlattCalibration {
  a: number;
  b: number;
}

export interface TextModelData {
  featureVersion: number;
  features: FeatureParams;
  categories: CategoryId[];
  /** Per category, parallel to `categories`. */
  bias: number[];
  calibration: PlattCalibration[];
  /** The calibrated score at or above which a category is predicted (metrics are reported at it). */
  threshold: number;
  /** 2^bits rows of `categories.length` weights: weights[index * C + c], so one feature's weights are adjacent. */
  weights: Float32Array;
}

export interface CategoryScore {
  category: CategoryId;
  /** Calibrated probability-like score in [0, 1]. */
  score: number;
  /** The raw linear margin before calibration. */
  margin: number;
}

export interface FeatureContribution {
  feature: string;
  kind: FeatureKind;
  contribution: number;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function calibrate(c: PlattCalibration, margin: number): number {
  return sigmoid(c.a * margin + c.b);
}

/** A trained one-vs-rest linear model over hashed features. Scoring a short text takes microseconds. */
export class TextModel {
  private readonly featurizer: Featurizer;
  private readonly margins: Float64Array;

  constructor(readonly data: TextModelData) {
    const c = data.categories.length;
    if (data.bias.length !== c || data.calibration.length !== c) throw new Error('model bias and calibration must have one entry per category');
    this.featurizer = new Featurizer(data.features);
    if (data.weights.length !== this.featurizer.dims * c) throw new Error(`model weights must hold ${this.featurizer.dims} x ${c} values`);
    this.margins = new Float64Array(c);
  }

  get categories(): readonly CategoryId[] {
    return this.data.categories;
  }

  /** Raw margins of an already featurised vector, written into `out`. */
  marginsOf(v: SparseVector, out: Float64Array = this.margins): Float64Array {
    const { weights, bias } = this.data;
    const c = bias.length;
    for (let k = 0; k < c; k++) out[k] = bias[k] as number;
    for (let j = 0; j < v.length; j++) {
      const x = v.values[j] as number;
      const row = (v.indices[j] as number) * c;
      for (let k = 0; k < c; k++) out[k] = (out[k] as number) + (weights[row + k] as number) * x;
    }
    return out;
  }

  /** Calibrated scores of every category the model covers. */
  predict(text: string): CategoryScore[] {
    const m = this.marginsOf(this.featurizer.featurize(text));
    return this.data.categories.map((category, k) => ({ category, score: calibrate(this.data.calibration[k]!, m[k]!), margin: m[k]! }));
  }

  /** Calibrated scores of a featurised vector, parallel to `categories` (for evaluation). */
  scoreVector(v: SparseVector): number[] {
    const m = this.marginsOf(v);
    return this.data.calibration.map((cal, k) => calibrate(cal, m[k]!));
  }

  featurize(text: string): SparseVector {
    return this.featurizer.featurize(text);
  }

  /** The n-grams that pushed `category`'s score up the most for this text. */
  explain(text: string, category: CategoryId, top = 5): FeatureContribution[] {
    const k = this.data.categories.indexOf(category);
    if (k < 0) return [];
    const c = this.data.categories.length;
    const sums = new Map<string, FeatureContribution>();
    for (const f of this.featurizer.namedFeatures(text)) {
      const add = (this.data.weights[f.index * c + k] as number) * f.value;
      const key = `${f.kind}:${f.name}`;
      const seen = sums.get(key);
      if (seen) seen.contribution += add;
      else sums.set(key, { feature: f.name, kind: f.kind, contribution: add });
    }
    return [...sums.values()]
      .filter((f) => f.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution || (a.feature < b.feature ? -1 : 1))
      .slice(0, top)
      .map((f) => ({ ...f, contribution: Math.round(f.contribution * 1e4) / 1e4 }));
  }
}
