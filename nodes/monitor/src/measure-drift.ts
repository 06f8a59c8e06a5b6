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
import { type JsonValue, type Metrics, NodeError, type StepLogger } from '@loom/sdk';
import { readColumns, readTableInfo, type TableColumn } from '@loom/tables';

/** The parameters every version of monitor.drift takes, as the node's schema gives them. */
export interface DriftParams {
  wasserstein_threshold: number;
  jensen_shannon_threshold: number;
  p_value: number;
  small_window: number;
  dataset_share: number;
  fail_on_drift: boolean;
}

/** What a drift step reports: its metrics, and the report as JSON. */
export interface DriftOutcome {
  metrics: Metrics;
  report: JsonValue;
}

/** The model file a train node wrote, with the training baseline it must have to be monitored. */
export async function readMonitoredModel(path: string): Promise<{ model: ModelFile; baseline: DataProfile }> {
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
  const model = parsed as ModelFile;
  if (model.baseline === undefined) {
    throw new NodeError(
      `the model (trained by ${model.trainedBy}) has no training baseline: it was trained before Loom kept baselines; train it again`,
      { retryable: false },
    );
  }
  return { model, baseline: model.baseline };
}

function driftOptions(params: DriftParams): DriftOptionsInput {
  return {
    thresholds: {
      wasserstein: params.wasserstein_threshold,
      jensenShannon: params.jensen_shannon_threshold,
      ks: params.p_value,
      chiSquared: params.p_value,
    },
    smallWindow: params.small_window,
    datasetShare: params.dataset_share,
  };
}

/**
 * Measures the drift of the table at `tablePath` (`what` names it in messages, e.g. "the current
 * table") against the model's baseline: the baseline's features the table has, and the model's
 * predictions on its rows.
 */
export async function measureTableDrift(
  monitored: { model: ModelFile; baseline: DataProfile },
  tablePath: string,
  what: string,
  params: DriftParams,
  log: StepLogger,
  signal: AbortSignal,
): Promise<DriftReport> {
  const { model, baseline } = monitored;
  const info = await readTableInfo(tablePath);
  const present = new Set(info.columns.map((column) => column.name));
  const wanted = Object.keys(baseline.features).filter((name) => present.has(name));
  const missing = Object.keys(baseline.features).filter((name) => !present.has(name));
  if (wanted.length === 0) {
    throw new NodeError(
      `${what} has none of the model's input columns (${Object.keys(baseline.features).join(', ')})`,
      { retryable: false },
    );
  }
  if (missing.length > 0) log.warn(`${what} lacks ${missing.join(', ')}: reported as missing`);
  const read = await readColumns(tablePath, wanted, { signal });
  const current: Record<string, TableColumn['values']> = {};
  for (const [name, column] of read.columns) current[name] = column.values;
  const predictions = predictCurrent(model, read.columns, read.rowCount, what, (message) => log.warn(message));
  return datasetDrift(baseline, current, predictions, driftOptions(params));
}

/** A window with no rows to measure: `no_data` with the reason given, never read as "no drift". */
export function noDataReport(baseline: DataProfile, reason: string, params: DriftParams): DriftReport {
  const report = datasetDrift(baseline, {}, undefined, driftOptions(params));
  return report.status === 'no_data' ? { ...report, reason } : report;
}

/**
 * The step's outputs for `report`: its metrics (each also reported with `ctx.metric`), the report as
 * JSON (with `extra` beside it), a summary in the log, and a failure when `fail_on_drift` says so.
 */
export function driftOutcome(
  report: DriftReport,
  baseline: DataProfile,
  params: DriftParams,
  ctx: { log: StepLogger; metric(name: string, value: number): void },
  extra: Record<string, unknown> = {},
): DriftOutcome {
  const metrics: Metrics = driftReportMetrics(report);
  for (const [name, value] of Object.entries(metrics)) if (typeof value === 'number') ctx.metric(name, value);
  ctx.log.info(describe(report, baseline));
  if (params.fail_on_drift && report.status === 'drift') {
    throw new NodeError(`the data drifted: ${describe(report, baseline)}`, { retryable: false });
  }
  return { metrics, report: JSON.parse(JSON.stringify({ ...report, ...extra })) };
}

/** What the model predicts for the current rows, as the endpoint would answer; undefined when inputs are missing. */
function predictCurrent(
  model: ModelFile,
  columns: ReadonlyMap<string, TableColumn>,
  rows: number,
  what: string,
  warn: (message: string) => void,
): Array<string | number> | Float64Array | undefined {
  const raw: RawColumns = {};
  for (const source of requiredSources(model)) {
    const column = columns.get(source.name);
    if (column === undefined) {
      warn(`no prediction drift: ${what} lacks the model input "${source.name}"`);
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
