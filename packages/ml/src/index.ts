export { argmaxRows } from './argmax.ts';
export {
  type ClassificationReport,
  type ClassScores,
  classificationMetrics,
  type MetricCurve,
  type MetricMatrix,
} from './classification-metrics.ts';
export { predictEstimator, predictForest, predictLinear, predictMlp, sigmoid } from './estimator-predict.ts';
export { type FeatureMatrix, matrixFromColumns, selectRows } from './feature-matrix.ts';
export { type LbfgsOptions, type LbfgsResult, type LbfgsStop, minimizeLbfgs, type Objective } from './lbfgs.ts';
export {
  type ColumnKind,
  type FittedStep,
  type FittedTransform,
  oneHotColumnName,
  type SourceColumn,
  sourceLineage,
  type TableLineage,
} from './lineage.ts';
export {
  type LinearRegressionOptions,
  type LinearRegressionResult,
  trainLinearRegression,
} from './linear-regression.ts';
export {
  type LogisticRegressionOptions,
  type LogisticRegressionResult,
  trainLogisticRegression,
} from './logistic-regression.ts';
export { type MlpOptions, type MlpResult, type MlpTarget, trainMlp } from './mlp.ts';
export type {
  DecisionTree,
  Estimator,
  ForestEstimator,
  LinearEstimator,
  MlpEstimator,
  ModelFile,
} from './model-format.ts';
export {
  checkEstimatorFits,
  estimatorOutputs,
  type FeatureLineage,
  featureLineage,
  type ModelPrediction,
  predictModel,
  preprocess,
  type RawColumns,
  requiredSources,
} from './model-predict.ts';
export {
  type RandomForestOptions,
  type RandomForestResult,
  type RandomForestTarget,
  trainRandomForest,
} from './random-forest.ts';
export { type RegressionReport, regressionMetrics } from './regression-metrics.ts';
export { createRng, type Rng } from './rng.ts';
export type { TrainingHooks } from './training-loop.ts';
