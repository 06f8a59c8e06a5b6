import type { Alert, Monitor, MonitorWindow } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import {
  describeActionResult,
  describeEvaluated,
  describeMetric,
  describeRule,
  formatSeconds,
  formatValue,
  loadMonitoring,
  openAlertCounts,
  ruleMetricNames,
  splitAlerts,
} from './monitors-data.ts';

const alert = (id: string, model: string, status: Alert['status'], resolvedAt: string | null = null): Alert => ({
  id,
  monitorId: 'mon_1',
  model,
  ruleIndex: 0,
  rule: { metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 },
  status,
  value: 1,
  openedAt: '2026-05-01T10:00:00.000Z',
  firstWindow: '2026-05-01T09:00:00.000Z',
  lastWindow: '2026-05-01T09:00:00.000Z',
  resolvedAt,
  actions: [],
});

describe('describeRule', () => {
  it('reads the default rule and the other flags as what happens', () => {
    expect(describeRule({ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 })).toBe('the dataset drifts');
    expect(describeRule({ metric: 'prediction_drifted', op: '>', threshold: 0 })).toBe('the prediction drifts');
    expect(describeRule({ metric: 'drifted:petal_length', op: '>=', threshold: 1, windows: 2 })).toBe(
      'petal_length drifts in 2 windows in a row',
    );
  });

  it('names the metric, the comparison and the threshold otherwise', () => {
    expect(describeRule({ metric: 'psi:age', op: '>', threshold: 0.25, windows: 3 })).toBe(
      'PSI of age > 0.25 in 3 windows in a row',
    );
    expect(describeRule({ metric: 'drift_share', op: '>=', threshold: 0.3 })).toBe('share of drifting features ≥ 0.3');
    expect(describeRule({ metric: 'dataset_drift', op: '<', threshold: 1 })).toBe('dataset drift < 1');
    expect(describeRule({ metric: 'latency_p99_ms', op: '<=', threshold: 250 })).toBe('p99 latency (ms) ≤ 250');
  });
});

describe('metric names', () => {
  it('describes window and feature metrics, and leaves unknown names alone', () => {
    expect(describeMetric('null_rate:colour')).toBe('null rate of colour');
    expect(describeMetric('unseen:city')).toBe('unseen share of city');
    expect(describeMetric('accuracy')).toBe('accuracy');
    expect(describeMetric('psi:')).toBe('psi:');
  });

  it('lists every metric a rule can read for the model’s inputs', () => {
    const names = ruleMetricNames(['age']);
    expect(names).toContain('dataset_drift');
    expect(names).toContain('latency_p99_ms');
    expect(names).toContain('psi:age');
    expect(names).toContain('out_of_range:age');
    expect(names).toHaveLength(8 + 6);
  });

  it('formats flags as yes or no, numbers shortly', () => {
    expect(formatValue('dataset_drift', 1)).toBe('yes');
    expect(formatValue('drifted:age', 0)).toBe('no');
    expect(formatValue('drift_share', 0.666666)).toBe('0.667');
  });
});

describe('formatSeconds', () => {
  it('uses the largest whole unit', () => {
    expect(formatSeconds(3600)).toBe('1 h');
    expect(formatSeconds(86_400 * 2)).toBe('2 d');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(5400)).toBe('90 min');
    expect(formatSeconds(90)).toBe('90 s');
    expect(formatSeconds(5)).toBe('5 s');
  });
});

describe('alerts', () => {
  it('counts open alerts per model, and puts the open ones first', () => {
    const alerts = [
      alert('a1', 'iris', 'open'),
      alert('a2', 'iris', 'resolved', '2026-05-01T11:00:00.000Z'),
      alert('a3', 'churn', 'open'),
      alert('a4', 'iris', 'open'),
      alert('a5', 'iris', 'resolved', '2026-05-01T12:00:00.000Z'),
    ];
    expect([...openAlertCounts(alerts)]).toEqual([
      ['iris', 2],
      ['churn', 1],
    ]);
    const { open, resolved } = splitAlerts(alerts);
    expect(open.map((a) => a.id)).toEqual(['a1', 'a3', 'a4']);
    expect(resolved.map((a) => a.id)).toEqual(['a5', 'a2']);
  });

  it('says what each action did', () => {
    const at = '2026-05-01T10:00:01.000Z';
    expect(describeActionResult({ kind: 'run', target: 'pl_1', ok: true, runId: 'run_9', at })).toBe(
      'started run run_9',
    );
    expect(describeActionResult({ kind: 'run', target: 'pl_1', ok: false, message: 'no pipeline', at })).toBe(
      'could not start pl_1: no pipeline',
    );
    expect(describeActionResult({ kind: 'webhook', target: 'https://h/', ok: true, status: 204, at })).toBe(
      'webhook delivered (HTTP 204)',
    );
    expect(
      describeActionResult({ kind: 'webhook', target: 'https://h/', ok: false, status: 500, message: 'boom', at }),
    ).toBe('webhook failed (HTTP 500): boom');
    expect(describeActionResult({ kind: 'webhook', target: 'https://h/', ok: false, message: 'timeout', at })).toBe(
      'webhook failed: timeout',
    );
  });
});

describe('loadMonitoring', () => {
  it('reads the model’s monitors, each one’s windows and the model’s alerts', async () => {
    const monitor = { id: 'mon_1', model: 'iris' } as Monitor;
    const window = { monitorId: 'mon_1', start: '2026-05-01T10:00:00.000Z' } as MonitorWindow;
    const asked: string[] = [];
    const loaded = await loadMonitoring(
      {
        listMonitors: async (model) => {
          asked.push(`monitors ${model}`);
          return { monitors: [monitor] };
        },
        listAlerts: async (query) => {
          asked.push(`alerts ${JSON.stringify(query)}`);
          return { alerts: [alert('a1', 'iris', 'open')] };
        },
        monitorWindows: async (id) => {
          asked.push(`windows ${id}`);
          return { windows: [window] };
        },
      },
      'iris',
    );
    expect(asked).toEqual(['monitors iris', 'alerts {"model":"iris"}', 'windows mon_1']);
    expect(loaded.monitors).toEqual([monitor]);
    expect(loaded.windows.get('mon_1')).toEqual([window]);
    expect(loaded.alerts.map((a) => a.id)).toEqual(['a1']);
  });
});

describe('describeEvaluated', () => {
  it('says what Check now evaluated, or why nothing', () => {
    const monitor = { name: 'iris drift', windowSeconds: 600 };
    expect(describeEvaluated(monitor, [])).toBe(
      'iris drift: no window has ended since the last one evaluated (windows are 10 min long)',
    );
    expect(describeEvaluated(monitor, [{ status: 'ok' }])).toBe('iris drift: 1 window evaluated');
    expect(describeEvaluated(monitor, [{ status: 'no_data' }, { status: 'ok' }, { status: 'drift' }])).toBe(
      'iris drift: 3 windows evaluated, 1 drifted, 1 without data',
    );
  });
});
