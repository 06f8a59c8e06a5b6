import { classificationMetrics, type RawColumns, regressionMetrics } from '@loom/ml';
import { columnParam, defineNode, input, type MetricCurve, type Metrics, NodeError, output, Type } from '@loom/sdk';
import { checkQualityGate, qualityGateParams } from './quality-gate.ts';
import {
  checkPredictionsFinite,
  finiteLabelRows,
  knownLabelRows,
  openScoringTable,
  type ScoringTable,
} from './scoring-table.ts';

export const validateModel = defineNode({
  type: 'validate.model',
  version: '1.0.0',
  title: 'Validate model',
  description:
    'Scores an ONNX model on a table with onnxruntime: accuracy, precision, recall, F1, confusion matrix, ROC AUC and log loss for classifiers; RMSE, MAE and R² for regressors; prediction speed. Optional bounds fail the step when the model is not good enough.',
  category: 'validate',
  inputs: {
    onnx: input('onnx', { description: 'A model from export.onnx.' }),
    table: input('table', { description: 'Held-out rows with the raw input columns and the label.', evaluation: true }),
  },
  params: Type.Object({
    label: columnParam('table', {
      default: '',
      description: 'The column with the true values. Empty: the label the model was trained on.',
    }),
    ...qualityGateParams,
  }),
  outputs: { metrics: output('metrics', { description: 'Every score, curves and the confusion matrix.' }) },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const scoring = await openScoringTable(ctx.inputs.onnx.path, ctx.inputs.table.path, ctx.params.label, ctx.signal);
    const { predictor } = scoring;
    try {
      const started = performance.now();
      const prediction = await predictor.predict(scoring.columns, scoring.rows, { signal: ctx.signal });
      const seconds = (performance.now() - started) / 1000;
      checkPredictionsFinite(scoring, scoring.rows, (prediction.probabilities ?? prediction.values) as Float64Array);
      const metrics: Metrics = { rows: scoring.rows };
      metrics.rows_per_second = scoring.rows / Math.max(seconds, 1e-9);
      metrics.latency_ms_per_row = (seconds * 1000) / scoring.rows;
      metrics.latency_single_row_ms = await singleRowLatency(scoring);
      if (scoring.classIndex !== undefined) {
        Object.assign(metrics, classificationScores(scoring.classIndex, prediction.probabilities, scoring.classLabels));
        const skipped = scoring.rows - (metrics.scored_rows as number);
        if (skipped > 0) ctx.log.warn(`${skipped} rows have a label the model never saw (or none) and were not scored`);
      } else {
        const truth = scoring.values as Float64Array;
        const labelled = finiteLabelRows(truth);
        if (labelled.length === 0) throw new NodeError('no row of the table has a label value', { retryable: false });
        const predicted = prediction.values as Float64Array;
        const report = regressionMetrics(
          Float64Array.from(labelled, (r) => truth[r] as number),
          Float64Array.from(labelled, (r) => predicted[r] as number),
        );
        Object.assign(metrics, { scored_rows: labelled.length, rmse: report.rmse, mae: report.mae, r2: report.r2 });
        const skipped = scoring.rows - labelled.length;
        if (skipped > 0) ctx.log.warn(`${skipped} rows have no label value and were not scored`);
      }
      // Headline scores first: the run summary shows the first few a step reports.
      for (const name of HEADLINE) {
        const value = metrics[name];
        if (typeof value === 'number') ctx.metric(name, value);
      }
      ctx.log.info(summary(metrics));
      checkQualityGate(ctx.params, metrics, predictor.info.task);
      return { metrics };
    } finally {
      await predictor.close();
    }
  },
});

function classificationScores(
  classIndex: Int32Array,
  probabilities: Float64Array | undefined,
  classLabels: string[] | undefined,
): Metrics {
  if (probabilities === undefined || classLabels === undefined) {
    throw new NodeError('the ONNX model gave no probabilities: was it made by export.onnx?', { retryable: false });
  }
  const classes = classLabels.length;
  const rows = knownLabelRows(classIndex);
  if (rows.length === 0) {
    throw new NodeError('no row of the table has a label the model knows: is this the right label column?', {
      retryable: false,
    });
  }
  const y = new Int32Array(rows.length);
  const p = new Float64Array(rows.length * classes);
  rows.forEach((row, i) => {
    y[i] = classIndex[row] as number;
    p.set(probabilities.subarray(row * classes, (row + 1) * classes), i * classes);
  });
  const report = classificationMetrics(y, p, classLabels);
  const metrics: Metrics = {
    scored_rows: rows.length,
    accuracy: report.accuracy,
    precision_macro: report.precisionMacro,
    recall_macro: report.recallMacro,
    f1_macro: report.f1Macro,
  };
  if (Number.isFinite(report.rocAuc)) metrics.roc_auc = report.rocAuc;
  metrics.log_loss = report.logLoss;
  metrics.confusion_matrix = report.confusionMatrix;
  for (const perClass of report.perClass) {
    metrics[`precision/${perClass.label}`] = perClass.precision;
    metrics[`recall/${perClass.label}`] = perClass.recall;
    metrics[`f1/${perClass.label}`] = perClass.f1;
    metrics[`support/${perClass.label}`] = perClass.support;
  }
  if (classes === 2 && report.rocCurves.length === 1) {
    metrics.roc_curve = thinCurve(report.rocCurves[0] as MetricCurve);
  } else {
    report.rocCurves.forEach((curve, c) => {
      metrics[`roc_curve/${classLabels[c]}`] = thinCurve(curve);
    });
  }
  return metrics;
}

/** Points kept per curve: enough to draw it, while a 200,000-row validation no longer stores megabytes. */
export const MAX_CURVE_POINTS = 500;

/**
 * Keeps at most MAX_CURVE_POINTS points of a curve, evenly spaced along it, always with its first and
 * last point. The AUC is computed from every point before thinning.
 */
export function thinCurve(curve: MetricCurve): MetricCurve {
  const count = curve.x.length;
  if (count <= MAX_CURVE_POINTS) return curve;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < MAX_CURVE_POINTS; i++) {
    const at = Math.round((i * (count - 1)) / (MAX_CURVE_POINTS - 1));
    x.push(curve.x[at] as number);
    y.push(curve.y[at] as number);
  }
  return { ...curve, x, y };
}

/** Median time of one-row predictions: what a caller of a deployed model waits for. */
async function singleRowLatency({ predictor, columns }: ScoringTable): Promise<number> {
  const one: RawColumns = {};
  for (const [name, values] of Object.entries(columns)) one[name] = values.slice(0, 1);
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await predictor.predict(one, 1);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const HEADLINE = [
  'accuracy',
  'f1_macro',
  'roc_auc',
  'log_loss',
  'rmse',
  'mae',
  'r2',
  'rows_per_second',
  'latency_single_row_ms',
];

function summary(metrics: Metrics): string {
  return HEADLINE.filter((name) => typeof metrics[name] === 'number')
    .map((name) => `${name} ${(metrics[name] as number).toPrecision(4)}`)
    .join(', ');
}
