import type { Alert, Monitor, MonitorRule, MonitorWindow } from '@loom/server/api-types';
import type { LoomApi } from '../api/loom-api.ts';
import { formatMetric } from './model-facts.ts';

/** How often the Monitoring tab reads its monitors, windows and alerts again while it is open. */
export const MONITORING_POLL_MS = 4_000;

/** A model's monitoring as its tab shows it. */
export interface ModelMonitoring {
  model: string;
  monitors: Monitor[];
  /** Each monitor's windows by monitor id, newest first (as the API gives them). */
  windows: Map<string, MonitorWindow[]>;
  /** The model's alerts, newest first. */
  alerts: Alert[];
}

type MonitoringApi = Pick<LoomApi, 'listMonitors' | 'monitorWindows' | 'listAlerts'>;

/** A model's monitors with their windows, and its alerts, read together so the tab never mixes two moments. */
export async function loadMonitoring(api: MonitoringApi, model: string): Promise<ModelMonitoring> {
  const [{ monitors }, { alerts }] = await Promise.all([api.listMonitors(model), api.listAlerts({ model })]);
  const windows = await Promise.all(monitors.map((monitor) => api.monitorWindows(monitor.id)));
  return {
    model,
    monitors,
    windows: new Map(monitors.map((monitor, index) => [monitor.id, windows[index]?.windows ?? []])),
    alerts,
  };
}

/** Open alerts per model name: the badges of the model list. */
export function openAlertCounts(alerts: readonly Alert[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    if (alert.status === 'open') counts.set(alert.model, (counts.get(alert.model) ?? 0) + 1);
  }
  return counts;
}

/** Open alerts first (newest first), then resolved ones (most recently resolved first). */
export function splitAlerts(alerts: readonly Alert[]): { open: Alert[]; resolved: Alert[] } {
  const open = alerts.filter((alert) => alert.status === 'open');
  const resolved = alerts
    .filter((alert) => alert.status === 'resolved')
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
  return { open, resolved };
}

const UNITS: ReadonlyArray<[seconds: number, unit: string]> = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
];

/**
 * A window length in its largest whole unit.
 * @example formatSeconds(3600) // '1 h'; formatSeconds(90) // '90 s'
 */
export function formatSeconds(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}`;
  }
  return `${seconds} s`;
}

const WINDOW_METRIC_NAMES: Readonly<Record<string, string>> = {
  rows: 'rows',
  drift_share: 'share of drifting features',
  drifted_features: 'drifting features',
  dataset_drift: 'dataset drift',
  prediction_drift: 'prediction drift score',
  prediction_drifted: 'prediction drift',
  latency_p50_ms: 'p50 latency (ms)',
  latency_p99_ms: 'p99 latency (ms)',
};

const FEATURE_METRIC_NAMES: Readonly<Record<string, string>> = {
  drift_score: 'drift score',
  drifted: 'drift',
  psi: 'PSI',
  null_rate: 'null rate',
  out_of_range: 'out-of-range share',
  unseen: 'unseen share',
};

/** The metrics a rule can read of every window, for the rule form's suggestions. */
export const WINDOW_METRICS = Object.keys(WINDOW_METRIC_NAMES);

/** The per-feature metrics, named `<metric>:<feature>`. */
export const FEATURE_METRICS = Object.keys(FEATURE_METRIC_NAMES);

/** Every metric name a rule of a model with these inputs can read. */
export function ruleMetricNames(features: readonly string[]): string[] {
  return [...WINDOW_METRICS, ...features.flatMap((feature) => FEATURE_METRICS.map((kind) => `${kind}:${feature}`))];
}

/** A metric for people: `psi:petal_length` → "PSI of petal_length". Unknown names come back as they are. */
export function describeMetric(metric: string): string {
  const known = WINDOW_METRIC_NAMES[metric];
  if (known !== undefined) return known;
  const colon = metric.indexOf(':');
  const kind = FEATURE_METRIC_NAMES[metric.slice(0, colon)];
  return colon > 0 && colon < metric.length - 1 && kind !== undefined
    ? `${kind} of ${metric.slice(colon + 1)}`
    : metric;
}

/** 0/1 metrics, whose "≥ 1" reads as "it happens". */
function isFlag(metric: string): boolean {
  return metric === 'dataset_drift' || metric === 'prediction_drifted' || metric.startsWith('drifted:');
}

/** Comparisons as people write them. */
export const OPERATOR_TEXT: Readonly<Record<MonitorRule['op'], string>> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤' };

/**
 * A rule in words.
 * @example describeRule({ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 }) // 'the dataset drifts'
 * @example describeRule({ metric: 'psi:age', op: '>', threshold: 0.25, windows: 3 }) // 'PSI of age > 0.25 in 3 windows in a row'
 */
export function describeRule(rule: Pick<MonitorRule, 'metric' | 'op' | 'threshold'> & { windows?: number }): string {
  const happens =
    isFlag(rule.metric) && ((rule.op === '>=' && rule.threshold === 1) || (rule.op === '>' && rule.threshold === 0));
  let text: string;
  if (happens && rule.metric === 'dataset_drift') text = 'the dataset drifts';
  else if (happens && rule.metric === 'prediction_drifted') text = 'the prediction drifts';
  else if (happens) text = `${rule.metric.slice('drifted:'.length)} drifts`;
  else text = `${describeMetric(rule.metric)} ${OPERATOR_TEXT[rule.op]} ${formatMetric(rule.threshold)}`;
  const windows = rule.windows ?? 1;
  return windows > 1 ? `${text} in ${windows} windows in a row` : text;
}

/** A window's status in a word or two. */
export function describeStatus(status: MonitorWindow['status']): string {
  switch (status) {
    case 'ok':
      return 'no drift';
    case 'drift':
      return 'drift';
    case 'no_data':
      return 'no data';
    case 'failed':
      return 'failed';
  }
}

/** A metric's value for reading: flags as yes/no, shares and scores with 4 significant digits. */
export function formatValue(metric: string, value: number): string {
  if (isFlag(metric)) return value >= 1 ? 'yes' : 'no';
  return formatMetric(value);
}

/** What one of an alert's actions did, in words. */
export function describeActionResult(result: Alert['actions'][number]): string {
  if (result.kind === 'run') {
    return result.ok
      ? `started run ${result.runId ?? ''}`.trim()
      : `could not start ${result.target}: ${result.message ?? 'failed'}`;
  }
  const status = result.status === undefined ? '' : ` (HTTP ${result.status})`;
  return result.ok
    ? `webhook delivered${status}`
    : `webhook failed${status}${result.message === undefined ? '' : `: ${result.message}`}`;
}

/** What Check now did, in words. */
export function describeEvaluated(
  monitor: Pick<Monitor, 'name' | 'windowSeconds'>,
  windows: ReadonlyArray<Pick<MonitorWindow, 'status'>>,
): string {
  if (windows.length === 0) {
    return `${monitor.name}: no window has ended since the last one evaluated (windows are ${formatSeconds(monitor.windowSeconds)} long)`;
  }
  const drifted = windows.filter((window) => window.status === 'drift').length;
  const empty = windows.filter((window) => window.status === 'no_data').length;
  const parts = [`${windows.length} window${windows.length === 1 ? '' : 's'} evaluated`];
  if (drifted > 0) parts.push(`${drifted} drifted`);
  if (empty > 0) parts.push(`${empty} without data`);
  return `${monitor.name}: ${parts.join(', ')}`;
}
