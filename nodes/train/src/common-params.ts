import { columnParam, columnsParam, Type } from '@loom/sdk';

/** Parameters every trainer takes, with the same names and meaning. */
export const trainerParams = {
  label: columnParam('table', { minLength: 1, description: 'The column to predict.' }),
  features: columnsParam('table', {
    default: [],
    description: 'Columns to learn from. Empty: every column except the label.',
  }),
  seed: Type.Integer({
    default: 42,
    minimum: 0,
    maximum: 4294967295,
    description: 'Seeds every random choice, so the same data and seed give the same model.',
  }),
};

export const taskParam = Type.Union([Type.Literal('classification'), Type.Literal('regression')], {
  default: 'classification',
  description: 'classification predicts a class and its probabilities; regression predicts a number.',
});

/** Reports a training iteration as a loss-curve point and as progress. */
export function iterationReporter(
  ctx: {
    metric(name: string, value: number, options?: { step?: number }): void;
    progress(fraction: number, message?: string): void;
  },
  total: number,
  unit: string,
): (iteration: number, loss: number, validationLoss?: number) => void {
  return (iteration, loss, validationLoss) => {
    ctx.metric('loss', loss, { step: iteration });
    if (validationLoss !== undefined) ctx.metric('validation_loss', validationLoss, { step: iteration });
    ctx.progress(Math.min(iteration / total, 1), `${unit} ${iteration}/${total}`);
  };
}
