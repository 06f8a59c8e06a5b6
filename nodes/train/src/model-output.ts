import { profileData } from '@loom/drift';
import { argmaxRows, type Estimator, type ModelFile, predictEstimator, requiredSources } from '@loom/ml';
import type { ArtifactRef, StepContext } from '@loom/sdk';
import { buildParitySample, rebuildSourceValues } from './parity-sample.ts';
import type { TrainingData } from './training-data.ts';

export const MODEL_MEDIA_TYPE = 'application/vnd.loom.model+json';

/**
 * Assembles the model file (lineage, features, estimator, a parity sample), reports the training-set
 * score, and stores it. Keys are written in a fixed order and parameters sorted, so the same seed and
 * data give byte-identical files.
 */
export async function writeModel(
  ctx: StepContext<Record<string, unknown>, unknown>,
  data: TrainingData,
  estimator: Estimator,
): Promise<ArtifactRef> {
  const { target } = data;
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(ctx.params).sort()) params[key] = ctx.params[key];
  const model: ModelFile = {
    format: 'loom.model',
    version: 1,
    trainedBy: ctx.step.nodeType,
    task: target.kind,
    label: data.label,
    ...(target.kind === 'classification' ? { classes: target.classes } : {}),
    labelKind: data.labelKind,
    ...(target.kind === 'regression' && target.labelScale !== undefined ? { labelScale: target.labelScale } : {}),
    lineage: data.lineage,
    features: data.features,
    estimator,
    sample: {},
    training: { rows: data.rows, seed: Number(ctx.params.seed ?? 0), params },
  };
  const sources = requiredSources(model);
  model.sample = buildParitySample(data.features, data.columns, data.lineage.steps, sources);
  const predictions = predictTrainingRows(data, estimator);
  reportTrainingScore(ctx, data, predictions);
  const allRows = Array.from({ length: data.rows }, (_, row) => row);
  // Placed before `training` so the file's key order stays fixed.
  const { training, ...head } = model;
  const baseline = profileData(
    rebuildSourceValues(data.features, data.columns, data.lineage.steps, sources, allRows),
    predictedOutputs(data, predictions),
  );
  ctx.log.info(
    `training baseline: ${Object.keys(baseline.features).length} input columns and the predictions profiled over ${data.rows} rows`,
  );
  return ctx.artifacts.write(JSON.stringify({ ...head, baseline, training }), { mediaType: MODEL_MEDIA_TYPE });
}

/** The estimator's raw outputs on every training row: class scores row-major, or one value per row. */
function predictTrainingRows(data: TrainingData, estimator: Estimator): Float64Array {
  const outputs = data.target.kind === 'classification' ? data.target.classCount : 1;
  return predictEstimator(estimator, data.matrix(), outputs);
}

/** What the endpoint answers for each training row: the class label, or the value on the label's scale. */
function predictedOutputs(data: TrainingData, predictions: Float64Array): Array<string | number> | Float64Array {
  const { target } = data;
  if (target.kind === 'classification') {
    const predicted = argmaxRows(predictions, data.rows, target.classCount);
    return Array.from(predicted, (index) => target.classes[index] as string | number);
  }
  const { offset = 0, scale = 1 } = target.labelScale ?? {};
  return Float64Array.from({ length: data.rows }, (_, row) => (predictions[row] as number) * scale + offset);
}

function reportTrainingScore(
  ctx: StepContext<Record<string, unknown>, unknown>,
  data: TrainingData,
  predictions: Float64Array,
): void {
  const { target } = data;
  if (target.kind === 'classification') {
    const predicted = argmaxRows(predictions, data.rows, target.classCount);
    let correct = 0;
    for (let r = 0; r < data.rows; r++) if (predicted[r] === target.y[r]) correct++;
    ctx.metric('train_accuracy', correct / data.rows);
    ctx.log.info(`training accuracy ${(correct / data.rows).toFixed(4)} on ${data.rows} rows`);
  } else {
    let squared = 0;
    for (let r = 0; r < data.rows; r++) squared += ((predictions[r] as number) - (target.y[r] as number)) ** 2;
    // Reported on the label's own scale when the label was normalised.
    const rmse = Math.sqrt(squared / data.rows) * (target.labelScale?.scale ?? 1);
    ctx.metric('train_rmse', rmse);
    ctx.log.info(`training RMSE ${rmse.toPrecision(6)} on ${data.rows} rows`);
  }
}
