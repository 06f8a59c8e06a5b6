import { classificationMetrics, createRng, type ModelPrediction, type RawColumns, regressionMetrics } from '@loom/ml';
import { columnParam, defineNode, input, type Metrics, NodeError, output, Type } from '@loom/sdk';
import {
  checkPredictionsFinite,
  finiteLabelRows,
  knownLabelRows,
  openScoringTable,
  type ScoringTable,
} from './scoring-table.ts';

type ScoreName = 'accuracy' | 'f1_macro' | 'log_loss' | 'r2' | 'rmse' | 'mae';
const LOWER_IS_BETTER: ReadonlySet<ScoreName> = new Set(['log_loss', 'rmse', 'mae']);

export const permutationImportance = defineNode({
  type: 'explain.permutation_importance',
  version: '1.0.0',
  title: 'Permutation feature importance',
  description:
    'How much each input column matters: shuffles one column at a time and measures how much the score drops, over several repeats.',
  category: 'validate',
  inputs: {
    onnx: input('onnx', { description: 'A model from export.onnx.' }),
    table: input('table', {
      description: 'Rows with the raw input columns and the label (held-out data is best).',
      evaluation: true,
    }),
  },
  params: Type.Object({
    label: columnParam('table', {
      default: '',
      description: 'The column with the true values. Empty: the model’s label.',
    }),
    metric: Type.Union(
      [
        Type.Literal('auto'),
        Type.Literal('accuracy'),
        Type.Literal('f1_macro'),
        Type.Literal('log_loss'),
        Type.Literal('r2'),
        Type.Literal('rmse'),
        Type.Literal('mae'),
      ],
      { default: 'auto', description: 'The score whose drop is measured: auto is accuracy (classification) or R².' },
    ),
    repeats: Type.Integer({ default: 5, minimum: 1, maximum: 100, description: 'Shuffles per column.' }),
    max_rows: Type.Integer({
      default: 10000,
      minimum: 10,
      description: 'Scores a random sample of this many rows at most, to bound the time taken.',
    }),
    seed: Type.Integer({
      default: 42,
      minimum: 0,
      maximum: 4294967295,
      description: 'Seeds the shuffles and the sample.',
    }),
  }),
  outputs: {
    metrics: output('metrics', {
      description: 'importance/<column> (mean score drop) and importance_std/<column> (its spread), and the baseline.',
    }),
  },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const scoring = await openScoringTable(ctx.inputs.onnx.path, ctx.inputs.table.path, ctx.params.label, ctx.signal);
    try {
      const task = scoring.predictor.info.task;
      const metric: ScoreName =
        ctx.params.metric === 'auto' ? (task === 'classification' ? 'accuracy' : 'r2') : ctx.params.metric;
      const isClassification = task === 'classification';
      if (isClassification !== ['accuracy', 'f1_macro', 'log_loss'].includes(metric)) {
        throw new NodeError(`metric ${metric} does not apply to a ${task} model`, { retryable: false });
      }
      const rng = createRng(ctx.params.seed);
      const sample = sampleRows(scoring, ctx.params.max_rows, rng);
      const predict = (columns: RawColumns) => scoring.predictor.predict(columns, sample.rows, { signal: ctx.signal });
      const score = (prediction: ModelPrediction): number =>
        scoreOf(metric, sample, prediction.probabilities, prediction.values, scoring.classLabels ?? []);
      const unshuffled = await predict(sample.columns);
      checkPredictionsFinite(sample, sample.rows, (unshuffled.probabilities ?? unshuffled.values) as Float64Array);
      const baseline = score(unshuffled);
      const metrics: Metrics = { baseline_score: baseline, rows: sample.rows, repeats: ctx.params.repeats };
      const inputs = scoring.predictor.info.inputs;
      for (const [i, source] of inputs.entries()) {
        const drops: number[] = [];
        for (let repeat = 0; repeat < ctx.params.repeats; repeat++) {
          const permutation = rng.shuffle(Int32Array.from({ length: sample.rows }, (_, r) => r));
          const original = sample.columns[source.name] as RawColumns[string];
          const shuffled =
            original instanceof Float64Array
              ? Float64Array.from(permutation, (r) => original[r] as number)
              : Array.from(permutation, (r) => original[r] as string | null);
          const permuted = score(await predict({ ...sample.columns, [source.name]: shuffled }));
          drops.push(LOWER_IS_BETTER.has(metric) ? permuted - baseline : baseline - permuted);
        }
        const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
        const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length);
        metrics[`importance/${source.name}`] = mean;
        metrics[`importance_std/${source.name}`] = std;
        ctx.metric(`importance/${source.name}`, mean);
        ctx.progress((i + 1) / inputs.length, source.name);
      }
      const ranking = inputs
        .map((source) => ({ name: source.name, value: metrics[`importance/${source.name}`] as number }))
        .sort((a, b) => b.value - a.value);
      ctx.log.info(`by ${metric} drop: ${ranking.map((r) => `${r.name} ${r.value.toPrecision(3)}`).join(', ')}`);
      return { metrics };
    } finally {
      await scoring.predictor.close();
    }
  },
});

interface Sample {
  rows: number;
  columns: RawColumns;
  classIndex?: Int32Array;
  values?: Float64Array;
}

/** Rows with a known label, at most `maxRows` of them chosen at random, in table order. */
function sampleRows(scoring: ScoringTable, maxRows: number, rng: ReturnType<typeof createRng>): Sample {
  let rows: Int32Array =
    scoring.classIndex !== undefined
      ? knownLabelRows(scoring.classIndex)
      : finiteLabelRows(scoring.values as Float64Array);
  if (rows.length === 0) throw new NodeError('no row has a label the model knows', { retryable: false });
  if (rows.length > maxRows) rows = rng.shuffle(rows.slice()).subarray(0, maxRows).sort();
  const columns: RawColumns = {};
  for (const [name, values] of Object.entries(scoring.columns)) {
    columns[name] =
      values instanceof Float64Array
        ? Float64Array.from(rows, (r) => values[r] as number)
        : Array.from(rows, (r) => values[r] as string | null);
  }
  const sample: Sample = { rows: rows.length, columns };
  if (scoring.classIndex !== undefined) {
    const classIndex = scoring.classIndex;
    sample.classIndex = Int32Array.from(rows, (r) => classIndex[r] as number);
  }
  if (scoring.values !== undefined) {
    const values = scoring.values;
    sample.values = Float64Array.from(rows, (r) => values[r] as number);
  }
  return sample;
}

function scoreOf(
  metric: ScoreName,
  sample: Sample,
  probabilities: Float64Array | undefined,
  values: Float64Array | undefined,
  classLabels: string[],
): number {
  if (sample.classIndex !== undefined) {
    const report = classificationMetrics(sample.classIndex, probabilities as Float64Array, classLabels);
    return metric === 'accuracy' ? report.accuracy : metric === 'f1_macro' ? report.f1Macro : report.logLoss;
  }
  const report = regressionMetrics(sample.values as Float64Array, values as Float64Array);
  return metric === 'r2' ? report.r2 : metric === 'rmse' ? report.rmse : report.mae;
}
