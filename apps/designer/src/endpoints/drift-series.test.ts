import type { MonitorWindow } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import {
  datasetThreshold,
  driftSeries,
  featureMax,
  formatWindowTime,
  hasData,
  lineRuns,
  timeTickIndices,
} from './drift-series.ts';

function window(start: string, status: MonitorWindow['status'], metrics: Record<string, number>): MonitorWindow {
  const from = Date.parse(start);
  return {
    monitorId: 'mon_1',
    start,
    end: new Date(from + 60_000).toISOString(),
    status,
    rows: metrics.rows ?? 0,
    version: status === 'no_data' ? null : 1,
    versions: {},
    metrics,
    message: status === 'no_data' ? 'no requests in the window' : null,
    computedAt: start,
  };
}

// Newest first, as GET /api/monitors/:id/windows lists them.
const WINDOWS: MonitorWindow[] = [
  window('2026-05-01T10:03:00.000Z', 'drift', {
    rows: 40,
    drift_share: 0.5,
    'drift_score:a': 0.001,
    'drifted:a': 1,
    'psi:a': 3.2,
    'drift_score:b': 0.4,
    'drifted:b': 0,
    'psi:b': 0.02,
  }),
  window('2026-05-01T10:02:00.000Z', 'no_data', { rows: 0 }),
  window('2026-05-01T10:01:00.000Z', 'ok', {
    rows: 50,
    drift_share: 0,
    'drift_score:a': 0.7,
    'drifted:a': 0,
    'drifted:b': 0,
    'psi:b': 0.01,
  }),
  window('2026-05-01T10:00:00.000Z', 'failed', { rows: 3 }),
];

describe('driftSeries', () => {
  it('orders windows oldest first, with the share and each feature’s measure', () => {
    const series = driftSeries(WINDOWS, 'drift_score', 0.5);
    expect(series.features).toEqual(['a', 'b']);
    expect(series.threshold).toBe(0.5);
    expect(series.windows.map((w) => w.status)).toEqual(['failed', 'ok', 'no_data', 'drift']);
    expect(series.windows.map((w) => w.share)).toEqual([null, 0, null, 0.5]);
    expect(series.windows.map((w) => w.values.a)).toEqual([null, 0.7, null, 0.001]);
    // A feature without a score in a window (no values) is a gap there too.
    expect(series.windows.map((w) => w.values.b)).toEqual([null, null, null, 0.4]);
    expect(series.windows.map((w) => w.drifted.a)).toEqual([false, false, false, true]);
    expect(series.windows[1]).toMatchObject({ from: Date.parse('2026-05-01T10:01:00.000Z'), rows: 50 });
    expect(series.windows[1]?.to).toBe(Date.parse('2026-05-01T10:02:00.000Z'));
    expect(series.windows[2]?.message).toBe('no requests in the window');
  });

  it('reads the PSI when asked', () => {
    const series = driftSeries(WINDOWS, 'psi', 0.5);
    expect(series.windows.map((w) => w.values.b)).toEqual([null, 0.01, null, 0.02]);
    expect(featureMax(series)).toBe(3.2);
    expect(featureMax(driftSeries([WINDOWS[1] as MonitorWindow], 'psi', 0.5))).toBeUndefined();
  });

  it('never turns a window without data into zero drift', () => {
    const noData = driftSeries([window('2026-05-01T10:02:00.000Z', 'no_data', { rows: 0 })], 'drift_score', 0.5);
    expect(noData.windows[0]?.share).toBeNull();
    expect(hasData({ status: 'no_data' })).toBe(false);
    expect(hasData({ status: 'failed' })).toBe(false);
    expect(hasData({ status: 'ok' })).toBe(true);
  });
});

describe('chart helpers', () => {
  it('breaks a line at every gap', () => {
    expect(lineRuns([1, null, 2, 3])).toEqual([[0], [2, 3]]);
    expect(lineRuns([null, null])).toEqual([]);
    expect(lineRuns([0, 0.5])).toEqual([[0, 1]]);
  });

  it('takes the monitor’s dataset share, else the default', () => {
    expect(datasetThreshold({ drift: {} })).toBe(0.5);
    expect(datasetThreshold({ drift: { datasetShare: 0.3 } })).toBe(0.3);
    expect(datasetThreshold({ drift: { datasetShare: 'half' } })).toBe(0.5);
  });

  it('spreads time labels evenly, the newest window always labelled', () => {
    expect(timeTickIndices(0, 5)).toEqual([]);
    expect(timeTickIndices(1, 5)).toEqual([0]);
    expect(timeTickIndices(3, 5)).toEqual([0, 1, 2]);
    expect(timeTickIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(timeTickIndices(10, 1)).toEqual([9]);
  });

  it('labels times as precisely as the windows are long', () => {
    const at = new Date(2026, 4, 1, 9, 5, 7).toISOString();
    expect(formatWindowTime(at, 10_000)).toBe('09:05:07');
    expect(formatWindowTime(at, 3_600_000)).toBe('09:05');
    expect(formatWindowTime(at, 86_400_000)).toBe('1/5');
    expect(formatWindowTime('soon', 1000)).toBe('soon');
  });
});
