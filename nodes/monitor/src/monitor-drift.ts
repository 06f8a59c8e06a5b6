import { readFile } from 'node:fs/promises';
import {
  type DataProfile,
  type DriftOptionsInput,
  type DriftReport,
  datasetDrift,
  driftReportMetrics,
  parseProfile,
} from '@loom/drift';
import { type ModelFile, predictModel, type RawColumns, requiredSources } from '@loom/ml';
import { defineNode, input, type Metrics, NodeError, output, Type } from '@loom/sdk';
import { readColumns, readTableInfo, type TableColumn } from '@loom/tables';

export const monitorDrift = defineNode({
  type: 'monitor.drift',
  version: '1.0.0',
  title: 'Data drift',
  description:
    "Measures how far a table of current data has drifted from the data the model was trained on (its training baseline): per feature normalized Wasserstein or Jensen–Shannon distance above the small-window size, the KS or chi-squared test at or below it, PSI, data quality, and the drift of the model's predictions on the current rows. The dataset drifts when the given share of its features do.",
  category: 'monitor',
  inputs: {
    current: input('table', { description: 'Current data with the model’s raw input columns, e.g. recent traffic.' }),
    model: input('model', { description: 'A model from a train node: its training baseline is the reference.' }),
  },
  params: Type.Object({
    wasserstein_threshold: Type.Number({
      default: 0.1,
      exclusiveMinimum: 0,
      description: 'A number feature drifts at or above this normalized Wasserstein distance (large windows).',
    }),
    jensen_shannon_threshold: Type.Number({
      default: 0.1,
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'A category feature drifts at or above this Jensen–Shannon distance (large windows).',
    }),
    p_value: Type.Number({
      default: 0.05,
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: 'Small windows: a feature drifts when the KS or chi-squared test’s p-value is below this.',
    }),
    small_window: Type.Integer({
      default: 1000,
      minimum: 1,
      description:
        'Features with at most this many values are tested (KS, chi-squared) instead of measured by distance.',
    }),
    dataset_share: Type.Number({
      default: 0.5,
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'The dataset drifts when at least this share of its features drift.',
    }),
    fail_on_drift: Type.Boolean({
      default: false,
      description: 'Fail the step when the dataset drifts, so that nothing downstream (a deploy) runs.',
    }),
  }),
  outputs: {
    metrics: output('metrics', {
      description:
        'drift_share, drifted_features, dataset_drift, prediction_drift, and per feature drift_score:<name>, drifted:<name>, psi:<name>, null_rate:<name>, out_of_range:<name>, unseen:<name> — the names monitor rules read.',
    }),
    report: output('json', {
      description: 'The full drift report: per feature method, score, quality and histograms.',
    }),
  },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const model = await readModel(ctx.inputs.model.path);
    const baseline = model.baseline;
    if (baseline === undefined) {
      throw new NodeError(
        `the model (trained by ${model.trainedBy}) has no training baseline: it was trained before Loom kept baselines; train it again`,
        { retryable: false },
      );
    }
    const info = await readTableInfo(ctx.inputs.current.path);
    const present = new Set(info.columns.map((column) => column.name));
    const wanted = Object.keys(baseline.features).filter((name) => present.has(name));
    const missing = Object.keys(baseline.features).filter((name) => !present.has(name));
    if (wanted.length === 0) {
      throw new NodeError(
        `the current table has none of the model's input columns (${Object.keys(baseline.features).join(', ')})`,
        { retryable: false },
      );
    }
    if (missing.length > 0) ctx.log.warn(`the current table lacks ${missing.join(', ')}: reported as missing`);
    const read = await readColumns(ctx.inputs.current.path, wanted, { signal: ctx.signal });
    const current: Record<string, TableColumn['values']> = {};
    for (const [name, column] of read.columns) current[name] = column.values;
    const predictions = predictCurrent(model, read.columns, read.rowCount, (message) => ctx.log.warn(message));
    const options: DriftOptionsInput = {
      thresholds: {
        wasserstein: ctx.params.wasserstein_threshold,
        jensenShannon: ctx.params.jensen_shannon_threshold,
        ks: ctx.params.p_value,
        chiSquared: ctx.params.p_value,
      },
      smallWindow: ctx.params.small_window,
      datasetShare: ctx.params.dataset_share,
    };
    const report = datasetDrift(baseline, current, predictions, options);
    const metrics: Metrics = driftReportMetrics(report);
    for (const [name, value] of Object.entries(metrics)) if (typeof value === 'number') ctx.metric(name, value);
    ctx.log.info(describe(report, baseline));
    if (ctx.params.fail_on_drift && report.status === 'drift') {
      throw new NodeError(`the data drifted: ${describe(report, baseline)}`, { retryable: false });
    }
    return { metrics, report: JSON.parse(JSON.stringify(report)) };
  },
});

async function readModel(path: string): Promise<ModelFile> {
  let parsed: Partial<ModelFile> | null;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new NodeError(`the model input is not a Loom model file: ${(cause as Error).message}`, { retryable: false });
  }
  if (parsed === null || parsed.format !== 'loom.model' || parsed.version !== 1) {
    throw new NodeError('the model input is not a Loom model file (format "loom.model", version 1)', {
      retryable: false,
    });
  }
  if (parsed.baseline !== undefined && parseProfile(parsed.baseline) === undefined) {
    throw new NodeError('the model file’s baseline is not a Loom data profile', { retryable: false });
  }
  return parsed as ModelFile;
}

/** What the model predicts for the current rows, as the endpoint would answer; undefined when inputs are missing. */
function predictCurrent(
  model: ModelFile,
  columns: ReadonlyMap<string, TableColumn>,
  rows: number,
  warn: (message: string) => void,
): Array<string | number> | Float64Array | undefined {
  const raw: RawColumns = {};
  for (const source of requiredSources(model)) {
    const column = columns.get(source.name);
    if (column === undefined) {
      warn(`no prediction drift: the current table lacks the model input "${source.name}"`);
      return undefined;
    }
    raw[source.name] = column.values as RawColumns[string];
  }
  const prediction = predictModel(model, raw, rows);
  if (prediction.values !== undefined) return prediction.values;
  const classes = model.classes ?? [];
  return Array.from(prediction.classIndex ?? [], (index) => classes[index] as string | number);
}

function describe(report: DriftReport, baseline: DataProfile): string {
  if (report.status === 'no_data') return `no drift measured: ${report.reason}`;
  const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
  const verdict = report.datasetDrift ? 'the dataset drifts' : 'no dataset drift';
  const which = drifted.length === 0 ? 'no feature drifts' : `drifting: ${drifted.join(', ')}`;
  return `${verdict}: ${report.driftedCount} of ${report.measuredCount} features (${(report.driftedShare * 100).toFixed(0)}%) on ${report.rows} rows against a baseline of ${baseline.rows}; ${which}`;
}
