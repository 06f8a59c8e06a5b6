import { type Metrics, NodeError, Type } from '@loom/sdk';

const bound = (description: string) => Type.Optional(Type.Number({ description }));

/** Optional bounds on validate.model's scores; each one set is checked after scoring. */
export const qualityGateParams = {
  min_accuracy: bound('Fail the step when accuracy is lower (classification).'),
  min_f1_macro: bound('Fail the step when the macro-averaged F1 is lower (classification).'),
  min_roc_auc: bound('Fail the step when ROC AUC is lower (classification).'),
  max_log_loss: bound('Fail the step when log loss is higher (classification).'),
  max_rmse: bound('Fail the step when the root mean squared error is higher (regression).'),
  max_mae: bound('Fail the step when the mean absolute error is higher (regression).'),
  min_r2: bound('Fail the step when R² is lower (regression).'),
};

type GateParams = { [K in keyof typeof qualityGateParams]?: number | undefined };

const GATES: Array<{
  param: keyof GateParams;
  metric: string;
  kind: 'min' | 'max';
  task: 'classification' | 'regression';
}> = [
  { param: 'min_accuracy', metric: 'accuracy', kind: 'min', task: 'classification' },
  { param: 'min_f1_macro', metric: 'f1_macro', kind: 'min', task: 'classification' },
  { param: 'min_roc_auc', metric: 'roc_auc', kind: 'min', task: 'classification' },
  { param: 'max_log_loss', metric: 'log_loss', kind: 'max', task: 'classification' },
  { param: 'max_rmse', metric: 'rmse', kind: 'max', task: 'regression' },
  { param: 'max_mae', metric: 'mae', kind: 'max', task: 'regression' },
  { param: 'min_r2', metric: 'r2', kind: 'min', task: 'regression' },
];

/** Throws a step error naming every metric out of bounds, its value and the bound. */
export function checkQualityGate(params: GateParams, metrics: Metrics, task: 'classification' | 'regression'): void {
  const problems: string[] = [];
  for (const gate of GATES) {
    const limit = params[gate.param];
    if (limit === undefined) continue;
    if (gate.task !== task) {
      problems.push(`${gate.param} applies to ${gate.task} models, and this one is a ${task} model`);
      continue;
    }
    const value = metrics[gate.metric];
    if (typeof value !== 'number') {
      problems.push(`${gate.metric} could not be computed, so ${gate.param} ${limit} cannot hold`);
      continue;
    }
    if (gate.kind === 'min' && value < limit)
      problems.push(`${gate.metric} ${format(value)} is below ${gate.param} ${limit}`);
    if (gate.kind === 'max' && value > limit)
      problems.push(`${gate.metric} ${format(value)} is above ${gate.param} ${limit}`);
  }
  if (problems.length > 0) throw new NodeError(`quality gate failed: ${problems.join('; ')}`, { retryable: false });
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
