import type { Alert, MonitorWindow, WindowDriftReport } from '@loom/server/api-types';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AddMonitorForm } from './AddMonitorForm.tsx';
import { AlertsList } from './AlertsList.tsx';
import { DriftChart } from './DriftChart.tsx';
import { ReportBody } from './DriftReport.tsx';
import { driftSeries } from './drift-series.ts';
import { ModelList } from './ModelList.tsx';

const count = (html: string, needle: string) => html.split(needle).length - 1;
const nothing = () => undefined;

function window(start: string, status: MonitorWindow['status'], metrics: Record<string, number>): MonitorWindow {
  return {
    monitorId: 'mon_1',
    start,
    end: new Date(Date.parse(start) + 10_000).toISOString(),
    status,
    rows: metrics.rows ?? 0,
    version: 1,
    versions: {},
    metrics,
    message: null,
    computedAt: start,
  };
}

describe('DriftChart', () => {
  const windows = [
    window('2026-05-01T10:00:30.000Z', 'drift', { rows: 40, drift_share: 0.5, 'drifted:a': 1, 'drift_score:a': 0.001 }),
    window('2026-05-01T10:00:20.000Z', 'ok', { rows: 40, drift_share: 0, 'drifted:a': 0, 'drift_score:a': 0.8 }),
    window('2026-05-01T10:00:10.000Z', 'no_data', { rows: 0 }),
  ];

  it('draws one window button per window, a gap marker (not a zero) for no data, and marks the drift', () => {
    const html = renderToStaticMarkup(
      createElement(DriftChart, {
        series: driftSeries(windows, 'drift_score', 0.5),
        measure: 'drift_score',
        onSelect: nothing,
      }),
    );
    expect(count(html, 'data-testid="drift-window"')).toBe(3);
    expect(html).toContain('data-status="no_data"');
    expect(count(html, 'data-testid="drift-gap"')).toBe(1);
    // Two share points (the no-data window has none), the drifting one marked.
    expect(count(html, 'data-testid="drift-share-point"')).toBe(1);
    expect(count(html, 'data-testid="drift-share-drifted"')).toBe(1);
    expect(html).toContain('dataset drifts at 50%');
    expect(html).toContain('Drift over 3 windows: 1 drifted, 1 without data');
    expect(html).toContain('aria-disabled="true"');
  });

  it('says when no window has ended yet', () => {
    const html = renderToStaticMarkup(
      createElement(DriftChart, { series: driftSeries([], 'psi', 0.5), measure: 'psi', onSelect: nothing }),
    );
    expect(html).toContain('data-testid="drift-chart-empty"');
  });
});

describe('ReportBody', () => {
  it('shows each feature’s method, score, PSI, quality and both histograms, and the prediction', () => {
    const report: WindowDriftReport = {
      status: 'drift',
      rows: 40,
      measuredCount: 2,
      driftedCount: 1,
      driftedShare: 0.5,
      datasetDrift: true,
      features: [
        {
          kind: 'number',
          name: 'petal_length',
          rows: 40,
          count: 40,
          method: 'ks',
          score: 0.0001,
          threshold: 0.05,
          drifted: true,
          statistic: 0.9,
          pValue: 0.0001,
          psi: 5,
          psiLevel: 'alert',
          ksMethod: 'exact',
          quality: { nullRate: 0, baselineNullRate: 0, outOfRangeShare: 0.8 },
          histogram: { kind: 'number', edges: [1, 4, 7, 10], baseline: [0.5, 0.5, 0], current: [0, 0.2, 0.8] },
        },
        {
          kind: 'missing',
          name: 'colour',
          baselineKind: 'category',
          drifted: false,
          reason: 'the current data has no column "colour"',
        },
      ],
      prediction: {
        kind: 'category',
        name: 'prediction',
        rows: 40,
        count: 40,
        method: 'chi_squared',
        score: 0.2,
        threshold: 0.05,
        drifted: false,
        statistic: 3,
        pValue: 0.2,
        quality: { nullRate: 0, baselineNullRate: 0, otherShare: 0, unseenShare: 0, unseen: [] },
        histogram: {
          kind: 'category',
          categories: ['setosa', 'virginica', null],
          baseline: [0.5, 0.5, 0],
          current: [0.4, 0.6, 0],
        },
      },
    };
    const html = renderToStaticMarkup(createElement(ReportBody, { report }));
    expect(html).toContain('The dataset drifts');
    expect(html).toContain('1 of 2 features drifted (50%) over 40 rows');
    expect(html).toContain('Kolmogorov–Smirnov');
    expect(html).toContain('p = 0.0001 &lt; 0.05');
    expect(html).toContain('class="psi-level is-alert"');
    expect(count(html, 'data-testid="drifted-badge"')).toBe(1);
    expect(count(html, 'data-testid="drift-histograms"')).toBe(2);
    expect(count(html, 'data-testid="histogram-baseline"')).toBe(2);
    expect(count(html, 'data-testid="histogram-current"')).toBe(2);
    expect(html).toContain('the current data has no column &quot;colour&quot;');
    expect(html).toContain('Prediction');
    expect(html).toContain('>other</text>');
  });
});

describe('AlertsList', () => {
  const base: Alert = {
    id: 'alr_1',
    monitorId: 'mon_1',
    model: 'iris',
    ruleIndex: 0,
    rule: { metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 },
    status: 'open',
    value: 1,
    openedAt: '2026-05-01T10:00:40.000Z',
    firstWindow: '2026-05-01T10:00:30.000Z',
    lastWindow: '2026-05-01T10:00:30.000Z',
    resolvedAt: null,
    actions: [
      { kind: 'run', target: 'pl_1', ok: true, runId: 'run_42', at: '2026-05-01T10:00:41.000Z' },
      {
        kind: 'webhook',
        target: 'https://hooks.example.com/x',
        ok: false,
        status: 500,
        message: 'boom',
        at: '2026-05-01T10:00:41.000Z',
      },
    ],
  };

  it('shows open alerts with their rule, value and actions and a Resolve button, resolved ones below', () => {
    const html = renderToStaticMarkup(
      createElement(AlertsList, {
        alerts: [
          base,
          { ...base, id: 'alr_0', status: 'resolved', resolvedAt: '2026-05-01T09:00:00.000Z', actions: [] },
        ],
        monitors: [],
        busy: false,
        onResolve: nothing,
        onOpenRun: nothing,
      }),
    );
    expect(count(html, 'data-testid="alert-open"')).toBe(1);
    expect(count(html, 'data-testid="alert-resolved"')).toBe(1);
    expect(count(html, 'data-testid="alert-resolve"')).toBe(1);
    expect(html).toContain('the dataset drifts');
    expect(html).toContain('data-testid="alert-value">yes<');
    expect(html).toContain('started run <code>run_42</code>');
    expect(html).toContain('webhook failed (HTTP 500): boom');
    expect(html).toContain('1 resolved alert<');
  });
});

describe('AddMonitorForm and the model list', () => {
  it('starts with one-hour windows and the default rule', () => {
    const api = {
      createMonitor: async () => ({}) as never,
      listPipelines: async () => ({ pipelines: [] }),
      getPipeline: async () => ({}) as never,
    };
    const html = renderToStaticMarkup(
      createElement(AddMonitorForm, {
        api,
        model: 'iris',
        features: ['petal_length'],
        onCreated: nothing,
        onCancel: nothing,
      }),
    );
    expect(html).toContain('value="dataset_drift"');
    expect(html).toContain('the dataset drifts');
    expect(html).toContain('value="psi:petal_length"');
    expect(html).toMatch(/<option value="h" selected="">hours<\/option>/);
  });

  it('badges a model with open alerts', () => {
    const overview = {
      models: [
        { name: 'iris', description: '', createdAt: '', latestVersion: 1, versionCount: 1, aliases: [] },
        { name: 'churn', description: '', createdAt: '', latestVersion: 1, versionCount: 1, aliases: [] },
      ],
      endpoints: new Map(),
    };
    const html = renderToStaticMarkup(
      createElement(ModelList, { overview, selected: 'iris', onSelect: nothing, openAlerts: new Map([['iris', 2]]) }),
    );
    expect(count(html, 'data-testid="model-alert-badge"')).toBe(1);
    expect(html).toContain('title="2 open alerts"');
  });
});
