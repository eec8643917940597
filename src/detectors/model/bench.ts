import { DEFAULT_FEATURE_PARAMS, FEATURE_VERSION } from './features.js';
import { seededRandom } from './hash.js';
import { TextModel } from './model.js';

export interface ModelBenchResult {
  texts: number;
  /** Texts scored in the timed pass (each text scored `rounds` times). */
  predictions: number;
  seconds: number;
  predictionsPerSec: number;
  microsPerPrediction: number;
  categories: number;
}

/**
 * A model with seeded pseudo-random weights over every dimension: scoring cost does not depend on the weight
 * values, so it stands in for a trained model when measuring throughput.
 */
export function syntheticModel(categories = 5, seed = 1): TextModel {
  const random = seededRandom(seed);
  const dims = 2 ** DEFAULT_FEATURE_PARAMS.bits;
  const weights = new Float32Array(dims * categories);
  for (let i = 0; i < weights.length; i++) weights[i] = (random() - 0.5) * 0.2;
  const ids = Array.from({ length: categories }, (_, k) => `CSE-${String(k + 4).padStart(2, '0')}`);
  return new TextModel({
    featureVersion: FEATURE_VERSION, features: DEFAULT_FEATURE_PARAMS, categories: ids, bias: ids.map(() => -2),
    calibration: ids.map(() => ({ a: 1, b: 0 })), threshold: 0.5, weights,
  });
}

/**
 * Scoring throughput of `model` (default: a synthetic five-category model) over `texts`, including
 * normalisation and featurisation, after one untimed warm-up pass. For the text bench; it asserts nothing.
 */
export function benchModel(texts: readonly string[], opts: { model?: TextModel; rounds?: number } = {}): ModelBenchResult {
  if (texts.length === 0) throw new RangeError('benchModel needs at least one text');
  const model = opts.model ?? syntheticModel();
  const rounds = opts.rounds ?? 1;
  let sink = 0;
  for (const t of texts) sink += model.predict(t)[0]?.score ?? 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) sink += model.predict(t)[0]?.score ?? 0;
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(sink)) throw new Error('model scores were not finite');
  const predictions = texts.length * rounds;
  return {
    texts: texts.length, predictions, seconds, predictionsPerSec: predictions / Math.max(seconds, 1e-9),
    microsPerPrediction: (seconds * 1e6) / predictions, categories: model.categories.length,
  };
}
