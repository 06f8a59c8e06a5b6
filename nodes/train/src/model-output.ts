import { argmaxRows, type Estimator, type ModelFile, predictEstimator, requiredSources } from '@loom/ml';
import type { ArtifactRef, StepContext } from '@loom/sdk';
import { buildParitySample } from './parity-sample.ts';
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
  model.sample = buildParitySample(data.features, data.columns, data.lineage.steps, requiredSources(model));
  reportTrainingScore(ctx, data, estimator);
  return ctx.artifacts.write(JSON.stringify(model), { mediaType: MODEL_MEDIA_TYPE });
}

function reportTrainingScore(
  ctx: StepContext<Record<string, unknown>, unknown>,
  data: TrainingData,
  estimator: Estimator,
): void {
  const { target } = data;
  const outputs = target.kind === 'classification' ? target.classCount : 1;
  const predictions = predictEstimator(estimator, data.matrix(), outputs);
  if (target.kind === 'classification') {
    const predicted = argmaxRows(predictions, data.rows, outputs);
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
