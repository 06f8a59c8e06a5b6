import { trainLogisticRegression } from '@loom/ml';
import { defineNode, input, output, Type } from '@loom/sdk';
import { iterationReporter, trainerParams } from './common-params.ts';
import { writeModel } from './model-output.ts';
import { loadTrainingData } from './training-data.ts';

export const logisticRegression = defineNode({
  type: 'train.logistic_regression',
  version: '1.0.0',
  title: 'Logistic regression',
  description:
    'A linear classifier for two or more classes (multinomial), with L2 regularisation, fitted by L-BFGS. Fast and a strong baseline.',
  category: 'train',
  inputs: { table: input('table', { description: 'The training rows: numeric features and the label.' }) },
  params: Type.Object({
    ...trainerParams,
    regularization: Type.Number({
      default: 1,
      minimum: 0,
      description: 'L2 penalty strength λ (scikit-learn’s 1/C). Larger values give simpler models; 0 turns it off.',
    }),
    max_iterations: Type.Integer({
      default: 200,
      minimum: 1,
      maximum: 100000,
      description: 'L-BFGS iterations at most.',
    }),
    tolerance: Type.Number({
      default: 1e-9,
      exclusiveMinimum: 0,
      description:
        'Stops when an iteration improves the objective by less than this (relative), or the gradient is this flat.',
    }),
  }),
  outputs: { model: output('model', { description: 'The trained model with its preprocessing.' }) },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const data = await loadTrainingData(ctx, 'classification');
    if (data.target.kind !== 'classification') throw new Error('unreachable: classification target expected');
    ctx.log.info(`training on ${data.rows} rows, ${data.features.length} features, ${data.target.classCount} classes`);
    const result = await trainLogisticRegression(data.matrix(), data.target.y, data.target.classCount, {
      regularization: ctx.params.regularization,
      maxIterations: ctx.params.max_iterations,
      tolerance: ctx.params.tolerance,
      signal: ctx.signal,
      onIteration: iterationReporter(ctx, ctx.params.max_iterations, 'iteration'),
    });
    ctx.metric('iterations', result.iterations);
    if (!result.converged) {
      ctx.log.warn(`L-BFGS stopped after ${result.iterations} iterations without converging: raise max_iterations`);
    }
    return { model: await writeModel(ctx, data, result.estimator) };
  },
});
