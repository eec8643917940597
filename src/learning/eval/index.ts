/** The evaluation harness: labelled sets, classifiers under evaluation, stored runs, metrics and comparisons. */
export * from './types.js';
export { contentHash, EvalDataError, excerpt, parseExamplesJsonl, type ExampleProblem, type ParsedExample } from './examples.js';
export {
  BENIGN, type CategoryMetrics, categoryMetrics, type ConfusionMatrix, confusionMatrix, type EvalMetrics, evaluationMetrics,
  metricsFromCounts, percentile, percentiles, type Percentiles, predictedPrimary, type ScoredExample, truePrimary,
} from './metrics.js';
export {
  addExamplesFromItems, checkSetName, type ExampleDraft, importExamples, knownCategories, loadEvalSet, type StoreOutcome, storeExamples,
} from './sets.js';
export { createDemoSet, DEFAULT_DEMO_SET_SEED, DEFAULT_DEMO_SET_SIZE } from './demo.js';
export {
  type ClassifierContext, type ClassifierFactory, type ClassifierRegistration, ClassifierRegistry, type ClassifierRequest,
  classifierRegistry, createClassifier, registerClassifier,
} from './classifiers/registry.js';
export { type EvalRunReport, positives, type RunOptions, runEvaluation, thresholdOf } from './run.js';
export {
  type CategoryComparison, compareRuns, diffResults, type Disagreement, type RunComparison, runMetrics, RunsNotComparableError,
} from './compare.js';
