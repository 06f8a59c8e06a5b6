import { trainRandomForest } from '@loom/ml';
import { defineNode, input, output, Type } from '@loom/sdk';
import { taskParam, trainerParams } from './common-params.ts';
import { writeModel } from './model-output.ts';
import { loadTrainingData } from './training-data.ts';

export const randomForest = defineNode({
  type: 'train.random_forest',
  version: '1.0.0',
  title: 'Random forest',
  description:
    'An ensemble of decision trees on bootstrap samples, for classification or regression. Needs no scaling and handles non-linear effects.',
  category: 'train',
  inputs: { table: input('table', { description: 'The training rows: numeric features and the label.' }) },
  params: Type.Object({
    ...trainerParams,
    task: taskParam,
    trees: Type.Integer({ default: 100, minimum: 1, maximum: 5000, description: 'How many trees to grow.' }),
    max_depth: Type.Integer({
      default: 16,
      minimum: 0,
      maximum: 64,
      description: 'The deepest a tree may grow; 0 means no limit (large models on large data).',
    }),
    min_samples_leaf: Type.Integer({
      default: 1,
      minimum: 1,
      description: 'Fewest training rows a leaf may hold; larger values smooth the model.',
    }),
    max_features: Type.Union([Type.Literal('auto'), Type.Literal('sqrt'), Type.Literal('log2'), Type.Literal('all')], {
      default: 'auto',
      description: 'Features tried at each split: auto is sqrt for classification and all for regression.',
    }),
  }),
  outputs: { model: output('model', { description: 'The trained model with its preprocessing.' }) },
  resources: { memoryMb: 4096 },
  async run(ctx) {
    const data = await loadTrainingData(ctx, ctx.params.task);
    ctx.log.info(`growing ${ctx.params.trees} trees on ${data.rows} rows, ${data.features.length} features`);
    const result = await trainRandomForest(data.columns, data.target, {
      trees: ctx.params.trees,
      maxDepth: ctx.params.max_depth,
      minSamplesLeaf: ctx.params.min_samples_leaf,
      ...(ctx.params.max_features === 'auto' ? {} : { maxFeatures: ctx.params.max_features }),
      seed: ctx.params.seed,
      signal: ctx.signal,
      onTree: (done, total) => ctx.progress(done / total, `tree ${done}/${total}`),
    });
    if (result.outOfBagScore !== undefined) {
      ctx.metric(data.target.kind === 'classification' ? 'oob_accuracy' : 'oob_r2', result.outOfBagScore);
    }
    return { model: await writeModel(ctx, data, result.estimator) };
  },
});
