import { trainMlp } from '@loom/ml';
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
    const data = await loadTrainingData(ctx.inputs.table.path, {
      label: ctx.params.label,
      features: ctx.params.features,
      task: ctx.params.task,
      signal: ctx.signal,
    });
    const target =
      data.target.kind === 'classification'
        ? { kind: 'classification' as const, y: data.target.y, classCount: data.target.classCount }
        : { kind: 'regression' as const, y: data.target.y };
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
    return { model: await writeModel(ctx, data, result.estimator) };
  },
});
