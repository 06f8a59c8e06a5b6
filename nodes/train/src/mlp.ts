import { type MlpEstimator, trainMlp } from '@loom/ml';
import { defineNode, input, output, Type } from '@loom/sdk';
import { iterationReporter, taskParam, trainerParams } from './common-params.ts';
import { writeModel } from './model-output.ts';
import { loadTrainingData } from './training-data.ts';

export const mlp = defineNode({
  type: 'train.mlp',
  version: '1.0.0',
  title: 'Neural network (MLP)',
  description:
    'A fully connected neural network trained with Adam on mini-batches, with early stopping on a validation split. Scale its inputs (transform.normalize) for best results.',
  category: 'train',
  inputs: { table: input('table', { description: 'The training rows: numeric features and the label.' }) },
  params: Type.Object({
    ...trainerParams,
    task: taskParam,
    hidden_layers: Type.Array(Type.Integer({ minimum: 1, maximum: 4096 }), {
      default: [100],
      maxItems: 16,
      description: 'Units in each hidden layer, e.g. [64, 32].',
    }),
    activation: Type.Union([Type.Literal('relu'), Type.Literal('tanh'), Type.Literal('logistic')], {
      default: 'relu',
      description: 'The hidden layers’ activation function.',
    }),
    epochs: Type.Integer({
      default: 200,
      minimum: 1,
      maximum: 100000,
      description: 'Passes over the training rows at most.',
    }),
    batch_size: Type.Integer({ default: 200, minimum: 1, description: 'Rows per gradient step.' }),
    learning_rate: Type.Number({ default: 0.001, exclusiveMinimum: 0, description: 'Adam’s step size.' }),
    l2: Type.Number({ default: 0.0001, minimum: 0, description: 'L2 penalty on the weights (scikit-learn’s alpha).' }),
    validation_fraction: Type.Number({
      default: 0.1,
      minimum: 0,
      maximum: 0.5,
      description: 'Rows held out to stop early when their loss stops improving; 0 trains for every epoch.',
    }),
    patience: Type.Integer({
      default: 10,
      minimum: 1,
      description: 'Epochs without improvement before stopping early.',
    }),
  }),
  outputs: { model: output('model', { description: 'The trained model with its preprocessing.' }) },
  resources: { memoryMb: 4096 },
  async run(ctx) {
    const data = await loadTrainingData(ctx, ctx.params.task);
    // Regression learns a standardised target (Adam's steps and the initial weights suit values near
    // 0 ± 1); the scaling is folded back into the output layer, so the model predicts the label itself.
    const standardised = data.target.kind === 'regression' ? standardise(data.target.y) : undefined;
    const target = standardised === undefined ? data.target : { kind: 'regression' as const, y: standardised.values };
    ctx.log.info(
      `training a ${[data.features.length, ...ctx.params.hidden_layers].join('→')} network on ${data.rows} rows`,
    );
    const result = await trainMlp(data.matrix(), target, {
      hiddenLayers: ctx.params.hidden_layers,
      activation: ctx.params.activation,
      epochs: ctx.params.epochs,
      batchSize: ctx.params.batch_size,
      learningRate: ctx.params.learning_rate,
      l2: ctx.params.l2,
      validationFraction: ctx.params.validation_fraction,
      patience: ctx.params.patience,
      seed: ctx.params.seed,
      signal: ctx.signal,
      onIteration: iterationReporter(ctx, ctx.params.epochs, 'epoch'),
    });
    ctx.metric('epochs', result.epochs);
    if (result.stoppedEarly) ctx.log.info(`stopped early after ${result.epochs} epochs`);
    else if (ctx.params.validation_fraction > 0) {
      ctx.log.warn(`validation loss was still improving after ${result.epochs} epochs: more epochs may help`);
    }
    const estimator = standardised === undefined ? result.estimator : unstandardise(result.estimator, standardised);
    return { model: await writeModel(ctx, data, estimator) };
  },
});

interface Standardised {
  values: Float64Array;
  mean: number;
  std: number;
}

function standardise(y: Float64Array): Standardised {
  const mean = y.reduce((sum, value) => sum + value, 0) / y.length;
  const variance = y.reduce((sum, value) => sum + (value - mean) ** 2, 0) / y.length;
  const std = variance > 0 ? Math.sqrt(variance) : 1;
  return { values: y.map((value) => (value - mean) / std), mean, std };
}

/** The same network predicting `z · std + mean`: the last (identity) layer's weights and biases rescaled. */
function unstandardise(estimator: MlpEstimator, { mean, std }: Standardised): MlpEstimator {
  const last = estimator.layers.at(-1) as MlpEstimator['layers'][number];
  return {
    ...estimator,
    layers: [
      ...estimator.layers.slice(0, -1),
      {
        weights: last.weights.map((row) => row.map((w) => w * std)),
        biases: last.biases.map((b) => b * std + mean),
      },
    ],
  };
}
