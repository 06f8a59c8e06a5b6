import { trainLinearRegression } from '@loom/ml';
import { defineNode, input, output, Type } from '@loom/sdk';
import { trainerParams } from './common-params.ts';
import { writeModel } from './model-output.ts';
import { loadTrainingData } from './training-data.ts';

export const linearRegression = defineNode({
  type: 'train.linear_regression',
  version: '1.0.0',
  title: 'Linear regression',
  description: 'Least-squares linear regression with an L2 (ridge) penalty, solved exactly.',
  category: 'train',
  inputs: { table: input('table', { description: 'The training rows: numeric features and a numeric label.' }) },
  params: Type.Object({
    ...trainerParams,
    regularization: Type.Number({
      default: 1,
      minimum: 0,
      description: 'Ridge penalty α (as scikit-learn’s Ridge). 0 gives ordinary least squares.',
    }),
  }),
  outputs: { model: output('model', { description: 'The trained model with its preprocessing.' }) },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const data = await loadTrainingData(ctx, 'regression');
    if (data.target.kind !== 'regression') throw new Error('unreachable: regression target expected');
    ctx.log.info(`training on ${data.rows} rows, ${data.features.length} features`);
    const result = await trainLinearRegression(data.matrix(), data.target.y, {
      regularization: ctx.params.regularization,
      signal: ctx.signal,
    });
    ctx.progress(1);
    return { model: await writeModel(ctx, data, result.estimator) };
  },
});
