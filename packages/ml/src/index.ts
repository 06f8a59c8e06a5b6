export { predictEstimator, predictForest, predictLinear, predictMlp, sigmoid } from './estimator-predict.ts';
export { type FeatureMatrix, matrixFromColumns, selectRows } from './feature-matrix.ts';
export {
  type ColumnKind,
  type FittedStep,
  type FittedTransform,
  oneHotColumnName,
  type SourceColumn,
  sourceLineage,
  type TableLineage,
} from './lineage.ts';
export type {
  DecisionTree,
  Estimator,
  ForestEstimator,
  LinearEstimator,
  MlpEstimator,
  ModelFile,
} from './model-format.ts';
export { createRng, type Rng } from './rng.ts';
