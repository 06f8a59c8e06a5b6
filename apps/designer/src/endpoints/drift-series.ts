/**
 * A monitor's windows as the drift chart draws them: oldest first, the share of drifting features per
 * window, one value per feature, and which windows had no data (a gap, never a zero).
 */
import type { Monitor, MonitorWindow } from '@loom/server/api-types';

/** What each feature's line shows: the method's score (a distance, or a test's p-value) or the PSI. */
export type FeatureMeasure = 'drift_score' | 'psi';

/**
 * The share of drifting features at which a window's dataset drifts, when the monitor does not say:
 * @loom/drift's `DEFAULT_DRIFT_OPTIONS.datasetShare` (the designer does not load that package).
 */
export const DEFAULT_DATASET_SHARE = 0.5;

export interface ChartWindow {
  start: string;
  end: string;
  /** Start and end in milliseconds since the epoch. */
  from: number;
  to: number;
  status: MonitorWindow['status'];
  rows: number;
  /** Drifting features' share; null when the window has no data or failed. */
  share: number | null;
  /** Per feature, the chosen measure; null where the window has none (no data, no value). */
  values: Record<string, number | null>;
  /** Per feature, whether it drifted in this window. */
  drifted: Record<string, boolean>;
  message: string | null;
}

export interface DriftSeries {
  windows: ChartWindow[];
  /** Every feature any window measured, in name order (so each keeps its colour). */
  features: string[];
  /** The dataset threshold the share is drawn against. */
  threshold: number;
}

/** Whether a window was measured: only those carry drift values, and only those open a report. */
export function hasData(window: Pick<MonitorWindow, 'status'>): boolean {
  return window.status === 'ok' || window.status === 'drift';
}

/** The monitor's dataset threshold: its `drift.datasetShare`, else the default. */
export function datasetThreshold(monitor: Pick<Monitor, 'drift'>): number {
  const share = monitor.drift.datasetShare;
  return typeof share === 'number' && Number.isFinite(share) ? share : DEFAULT_DATASET_SHARE;
}

const number = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;

/**
 * The chart's series from a monitor's windows (newest first, as the API lists them).
 *
 * @example driftSeries(windows, 'psi', 0.5).windows[0]?.values.petal_length
 */
export function driftSeries(
  windows: readonly MonitorWindow[],
  measure: FeatureMeasure,
  threshold: number,
): DriftSeries {
  const names = new Set<string>();
  for (const window of windows) {
    for (const key of Object.keys(window.metrics)) {
      if (key.startsWith('drifted:')) names.add(key.slice('drifted:'.length));
    }
  }
  const features = [...names].sort();
  const chart = [...windows]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((window): ChartWindow => {
      const measured = hasData(window);
      const values: Record<string, number | null> = {};
      const drifted: Record<string, boolean> = {};
      for (const feature of features) {
        values[feature] = measured ? number(window.metrics[`${measure}:${feature}`]) : null;
        drifted[feature] = measured && window.metrics[`drifted:${feature}`] === 1;
      }
      return {
        start: window.start,
        end: window.end,
        from: Date.parse(window.start),
        to: Date.parse(window.end),
        status: window.status,
        rows: window.rows,
        share: measured ? number(window.metrics.drift_share) : null,
        values,
        drifted,
        message: window.message,
      };
    });
  return { windows: chart, features, threshold };
}

/**
 * Runs of consecutive points that have a value: each run is one path, so a window without data
 * breaks the line instead of pulling it to zero.
 *
 * @example lineRuns([1, null, 2, 3]) // [[0], [2, 3]]
 */
export function lineRuns(values: ReadonlyArray<number | null>): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push(index);
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The largest value of the feature lines, for their axis; undefined when none has one. */
export function featureMax(series: DriftSeries): number | undefined {
  let max: number | undefined;
  for (const window of series.windows) {
    for (const value of Object.values(window.values)) {
      if (value !== null && (max === undefined || value > max)) max = value;
    }
  }
  return max;
}

/**
 * At most `count` windows to label on the time axis, spread evenly, the newest always among them.
 *
 * @returns indices into the windows, ascending
 */
export function timeTickIndices(length: number, count: number): number[] {
  if (length <= 0) return [];
  const wanted = Math.max(1, Math.min(length, count));
  if (wanted === 1) return [length - 1];
  const step = (length - 1) / (wanted - 1);
  const picked = new Set<number>();
  for (let i = 0; i < wanted; i++) picked.add(Math.round(i * step));
  return [...picked].sort((a, b) => a - b);
}

/**
 * A window's start as an axis label, as precise as the windows are long: seconds for windows under a
 * minute, the day for windows of a day or more.
 */
export function formatWindowTime(iso: string, windowMs: number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (windowMs < 60_000) return `${clock}:${pad(date.getSeconds())}`;
  if (windowMs >= 86_400_000) return `${date.getDate()}/${date.getMonth() + 1}`;
  return clock;
}
