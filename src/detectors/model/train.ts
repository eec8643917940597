import type { CategoryId } from '../../core/taxonomy.js';
import { type LabelledExample, labelCounts } from './data.js';
import { checkFeatureParams, copySparse, DEFAULT_FEATURE_PARAMS, FEATURE_VERSION, type FeatureParams, Featurizer, type SparseVector } from './features.js';
import { seededRandom } from './hash.js';
import { type CategoryMetrics, categoryMetrics, fitPlatt } from './metrics.js';
import { sigmoid, TextModel } from './model.js';
import { DEFAULT_SPLIT, type SplitFractions, splitExamples } from './split.js';

export interface TrainOptions {
  /** Categories that may be learned (the taxonomy's); each needs `minPositives` examples to be trained. */
  categories: readonly CategoryId[];
  features?: Partial<FeatureParams>;
  epochs?: number;
  /** AdaGrad base learning rate. */
  learningRate?: number;
  /** L2 penalty per update, applied to the weights an example touches. */
  l2?: number;
  seed?: number;
  /** Calibrated score at which a category is predicted. */
  threshold?: number;
  minPositives?: number;
  split?: SplitFractions;
  /** Positives are weighted sqrt(negatives / positives), at most this, so rare categories are still learned. */
  maxPositiveWeight?: number;
}

/** Everything that decided how a model was trained, stored with it. */
export interface TrainingParams {
  featureVersion: number;
  features: FeatureParams;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  threshold: number;
  minPositives: number;
  split: SplitFractions;
  maxPositiveWeight: number;
  optimizer: 'adagrad';
  calibration: 'platt';
}

export interface SkippedCategory {
  category: CategoryId;
  positives: number;
  reason: string;
}

export interface TrainingSummary {
  examples: number;
  benign: number;
  countsPerLabel: Record<CategoryId, number>;
  split: { seed: number; train: number; validation: number; test: number };
  skipped: SkippedCategory[];
}

export interface TrainResult {
  model: TextModel;
  params: TrainingParams;
  /** Per category, on the held-out split at the operating threshold. */
  metrics: Record<CategoryId, CategoryMetrics>;
  training: TrainingSummary;
  /** The held-out examples, so another model can be compared on exactly the same set. */
  heldOut: LabelledExample[];
}

export function resolveParams(o: TrainOptions): TrainingParams {
  const features = { ...DEFAULT_FEATURE_PARAMS, ...o.features };
  checkFeatureParams(features);
  const p: TrainingParams = {
    featureVersion: FEATURE_VERSION, features, epochs: o.epochs ?? 6, learningRate: o.learningRate ?? 0.5, l2: o.l2 ?? 1e-6,
    seed: o.seed ?? 1, threshold: o.threshold ?? 0.5, minPositives: o.minPositives ?? 10, split: o.split ?? DEFAULT_SPLIT,
    maxPositiveWeight: o.maxPositiveWeight ?? 10, optimizer: 'adagrad', calibration: 'platt',
  };
  if (!Number.isInteger(p.epochs) || p.epochs < 1 || p.epochs > 100) throw new RangeError('epochs must be an integer from 1 to 100');
  if (!(p.learningRate > 0)) throw new RangeError('learningRate must be > 0');
  if (!(p.l2 >= 0)) throw new RangeError('l2 must be >= 0');
  if (!(p.threshold > 0 && p.threshold < 1)) throw new RangeError('threshold must be between 0 and 1');
  if (!Number.isInteger(p.minPositives) || p.minPositives < 2) throw new RangeError('minPositives must be an integer >= 2');
  return p;
}

/** Thrown when no category has enough positive examples to learn. */
export class NotEnoughDataError extends Error {
  override readonly name = 'NotEnoughDataError';
}

/**
 * Trains a one-vs-rest logistic regression per category with AdaGrad and L2, on the train split, deterministically
 * (same examples, options and seed give the same weights); fits Platt calibration on the validation split;
 * measures on the held-out split.
 */
export function trainModel(examples: readonly LabelledExample[], options: TrainOptions): TrainResult {
  const params = resolveParams(options);
  const counts = labelCounts(examples);
  const allowed = new Set(options.categories);
  const unknown = Object.keys(counts.perLabel).filter((l) => !allowed.has(l));
  if (unknown.length > 0) throw new Error(`labels outside the taxonomy: ${unknown.join(', ')}`);

  const skipped: SkippedCategory[] = [];
  const categories: CategoryId[] = [];
  for (const c of [...allowed].sort()) {
    const positives = counts.perLabel[c] ?? 0;
    if (positives >= params.minPositives) categories.push(c);
    else if (positives > 0) skipped.push({ category: c, positives, reason: `only ${positives} positive example(s); at least ${params.minPositives} needed` });
  }
  if (categories.length === 0) {
    throw new NotEnoughDataError(
      `no category has at least ${params.minPositives} positive examples (${examples.length} examples; ` +
        `${Object.entries(counts.perLabel).map(([c, n]) => `${c}: ${n}`).join(', ') || 'none labelled'})`,
    );
  }

  const split = splitExamples(examples, params.seed, params.split);
  const featurizer = new Featurizer(params.features);
  const C = categories.length;
  const index = new Map(categories.map((c, k) => [c, k]));
  const encode = (list: readonly LabelledExample[]) =>
    list.map((e) => {
      const y = new Uint8Array(C);
      for (const l of e.labels) {
        const k = index.get(l);
        if (k !== undefined) y[k] = 1;
      }
      return { x: copySparse(featurizer.featurize(e.text)), y };
    });
  const train = encode(split.train);

  const positives = new Float64Array(C);
  for (const t of train) for (let k = 0; k < C; k++) positives[k]! += t.y[k]!;
  const positiveWeight = Array.from(positives, (p) => (p > 0 ? Math.min(params.maxPositiveWeight, Math.max(1, Math.sqrt((train.length - p) / p))) : 1));

  const { weights, bias } = sgd(train, C, featurizer.dims, params, positiveWeight);
  const uncalibrated = new TextModel({
    featureVersion: FEATURE_VERSION, features: params.features, categories, bias, calibration: categories.map(() => ({ a: 1, b: 0 })),
    threshold: params.threshold, weights,
  });

  // Platt scaling per category on validation margins.
  const validation = encode(split.validation);
  const margins = categories.map(() => new Float64Array(validation.length));
  const truths = categories.map(() => new Uint8Array(validation.length));
  const scratch = new Float64Array(C);
  for (const [i, v] of validation.entries()) {
    uncalibrated.marginsOf(v.x, scratch);
    for (let k = 0; k < C; k++) {
      margins[k]![i] = scratch[k]!;
      truths[k]![i] = v.y[k]!;
    }
  }
  const calibration = categories.map((_, k) => fitPlatt(margins[k]!, truths[k]!));
  const model = new TextModel({ ...uncalibrated.data, calibration });

  return {
    model,
    params,
    metrics: evaluateModel(model, split.test),
    training: {
      examples: examples.length, benign: counts.benign, countsPerLabel: counts.perLabel,
      split: { seed: params.seed, train: split.train.length, validation: split.validation.length, test: split.test.length },
      skipped,
    },
    heldOut: split.test,
  };
}

function sgd(
  train: readonly { x: SparseVector; y: Uint8Array }[],
  C: number,
  dims: number,
  p: TrainingParams,
  positiveWeight: readonly number[],
): { weights: Float32Array; bias: number[] } {
  const w = new Float64Array(dims * C);
  const g2 = new Float64Array(dims * C);
  const b = new Float64Array(C);
  const gb2 = new Float64Array(C);
  const margin = new Float64Array(C);
  const grad = new Float64Array(C);
  const order = Array.from({ length: train.length }, (_, i) => i);
  const random = seededRandom(p.seed);
  const lr = p.learningRate;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const n of order) {
      const { x, y } = train[n]!;
      margin.set(b);
      for (let j = 0; j < x.length; j++) {
        const row = x.indices[j]! * C;
        const v = x.values[j]!;
        for (let k = 0; k < C; k++) margin[k]! += w[row + k]! * v;
      }
      for (let k = 0; k < C; k++) {
        const target = y[k]!;
        grad[k] = (sigmoid(margin[k]!) - target) * (target ? positiveWeight[k]! : 1);
        gb2[k]! += grad[k]! * grad[k]!;
        b[k]! -= (lr * grad[k]!) / Math.sqrt(gb2[k]! + 1e-12);
      }
      for (let j = 0; j < x.length; j++) {
        const row = x.indices[j]! * C;
        const v = x.values[j]!;
        for (let k = 0; k < C; k++) {
          const at = row + k;
          const gi = grad[k]! * v + p.l2 * w[at]!;
          if (gi === 0) continue;
          g2[at]! += gi * gi;
          w[at]! -= (lr * gi) / Math.sqrt(g2[at]!);
        }
      }
    }
  }
  return { weights: Float32Array.from(w), bias: Array.from(b) };
}

/** Per-category metrics of `model` on `examples` at the model's threshold (categories it covers only). */
export function evaluateModel(model: TextModel, examples: readonly LabelledExample[]): Record<CategoryId, CategoryMetrics> {
  const C = model.categories.length;
  const scores = model.categories.map(() => new Float64Array(examples.length));
  const truths = model.categories.map(() => new Uint8Array(examples.length));
  for (const [i, e] of examples.entries()) {
    const s = model.scoreVector(model.featurize(e.text));
    for (let k = 0; k < C; k++) {
      scores[k]![i] = s[k]!;
      truths[k]![i] = e.labels.includes(model.categories[k]!) ? 1 : 0;
    }
  }
  const out: Record<CategoryId, CategoryMetrics> = {};
  for (let k = 0; k < C; k++) out[model.categories[k]!] = categoryMetrics(scores[k]!, truths[k]!, model.data.threshold);
  return out;
}
