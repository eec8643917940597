/** The local text model: hashed n-gram features, one-vs-rest logistic regression, Platt calibration, versions. */
export { benchModel, type ModelBenchResult, syntheticModel } from './bench.js';
export {
  examplesFromItems, examplesFromReviewDecisions, type LabelledExample, LabelledDataError, labelCounts, parseLabelledJsonl,
  type ReviewDecisionForTraining, textExampleId,
} from './data.js';
export { ModelDetector, type ModelDetectorOptions } from './detector.js';
export { DEFAULT_FEATURE_PARAMS, FEATURE_VERSION, type FeatureParams, Featurizer } from './features.js';
export { type CategoryComparison, type GateResult, promotionGate } from './gate.js';
export { averagePrecision, type CategoryMetrics, categoryMetrics, fitPlatt } from './metrics.js';
export { calibrate, type CategoryScore, type FeatureContribution, TextModel, type TextModelData } from './model.js';
export { deserializeModel, serializeModel } from './serialize.js';
export {
  examplesFromStore, loadLiveModelDetector, loadModelVersion, promoteVersion, type StoredMetrics, trainAndStore,
  type TrainAndStoreInput, type TrainOutcome,
} from './service.js';
export { DEFAULT_SPLIT, type DataSplit, splitExamples } from './split.js';
export { evaluateModel, NotEnoughDataError, resolveParams, type TrainOptions, type TrainResult, trainModel } from './train.js';
