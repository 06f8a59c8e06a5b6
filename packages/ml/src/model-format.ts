import type { DataProfile } from '@loom/drift';
import type { TableLineage } from './lineage.ts';

/**
 * A trained model as the `model` port carries it: a JSON file written by a `train.*` node, read by
 * `export.onnx`. It holds everything needed to predict from the raw source columns: the lineage of
 * fitted preprocessing the training table went through, the feature order, and the estimator.
 * Same seed and data give byte-identical files: objects are built in a fixed key order and numbers
 * print the same on every machine.
 */
export interface ModelFile {
  format: 'loom.model';
  version: 1;
  /** The node that trained it, e.g. `train.random_forest`. */
  trainedBy: string;
  task: 'classification' | 'regression';
  label: string;
  /**
   * Classification only: the class labels in the order of the model's probability columns (sorted:
   * numbers ascending, strings by code unit). `labelKind` says how the label column was typed.
   */
  classes?: string[] | number[];
  labelKind: 'number' | 'string';
  /**
   * Regression only, when the label column itself went through `scale`: the estimator predicts the
   * scaled label and predictions are mapped back with `y * scale + offset`.
   */
  labelScale?: { offset: number; scale: number };
  lineage: TableLineage;
  /** Estimator inputs, in order: column names after preprocessing. */
  features: string[];
  estimator: Estimator;
  /**
   * Up to a few hundred rows of the raw source columns (those the features need), reconstructed from
   * training rows, for `export.onnx`'s parity check. NULL is `null`.
   */
  sample: Record<string, Array<number | string | null>>;
  /**
   * The training baseline: a profile of the raw source columns over every training row (rebuilt through
   * the lineage, as the endpoint will receive them) and of the model's predictions on those rows.
   * Monitors measure drift against it. Absent in files written before baselines existed.
   */
  baseline?: DataProfile;
  training: {
    rows: number;
    seed: number;
    /** The trainer's resolved parameters. */
    params: Record<string, unknown>;
  };
}

export type Estimator = LinearEstimator | ForestEstimator | MlpEstimator;

/**
 * `z = weights · x + intercepts`. `identity`: regression, one output. `logistic`: binary classification,
 * one output, p(class 1) = σ(z). `softmax`: one output per class.
 */
export interface LinearEstimator {
  kind: 'linear';
  link: 'identity' | 'logistic' | 'softmax';
  /** [outputs][features] */
  weights: number[][];
  intercepts: number[];
}

/**
 * A forest of binary trees, averaged. A row goes left when `x[feature] <= threshold`, compared in
 * float32 (thresholds are stored as float32 values), exactly as onnxruntime's tree ensembles compare.
 */
export interface ForestEstimator {
  kind: 'forest';
  trees: DecisionTree[];
}

/**
 * A tree in flat arrays; node 0 is the root. A leaf has `feature = -1`. `value[node]` is, for
 * classification, the class probabilities at the leaf (one per class); for regression, `[mean]`.
 */
export interface DecisionTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[][];
}

/**
 * A feed-forward network. Hidden layers use `activation`; the last layer uses `output`:
 * `softmax` (multiclass), `logistic` (binary: one unit, p(class 1)) or `identity` (regression).
 */
export interface MlpEstimator {
  kind: 'mlp';
  activation: 'relu' | 'tanh' | 'logistic';
  output: 'softmax' | 'logistic' | 'identity';
  /** weights: [outputs][inputs] */
  layers: Array<{ weights: number[][]; biases: number[] }>;
}
