import { describe, expect, it } from 'vitest';
import type { MonitorRule, MonitorWindow } from '../store/monitor-types.ts';
import { actionsProblem, metricNameProblem, rulesProblem, ruleVerdict, webhookUrlProblem } from './monitor-rules.ts';

function window(status: MonitorWindow['status'], metrics: Record<string, number> = {}): MonitorWindow {
  return {
    monitorId: 'm',
    start: '2026-12-07T10:00:00.000Z',
    end: '2026-12-07T11:00:00.000Z',
    status,
    rows: status === 'no_data' ? 0 : 100,
    version: 1,
    versions: {},
    metrics,
    message: null,
    computedAt: '2026-12-07T11:00:01.000Z',
  };
}

describe('ruleVerdict', () => {
  const twoInARow: MonitorRule = { metric: 'drift_share', op: '>=', threshold: 0.5, windows: 2 };
  const drifting = window('drift', { drift_share: 0.75 });
  const calm = window('ok', { drift_share: 0.25 });

  it('breaches only after the windows in a row, newest first', () => {
    expect(ruleVerdict(twoInARow, [drifting])).toBe('pending');
    expect(ruleVerdict(twoInARow, [drifting, calm])).toBe('pending');
    expect(ruleVerdict(twoInARow, [drifting, drifting, calm])).toBe('breach');
    expect(ruleVerdict(twoInARow, [calm, drifting, drifting])).toBe('recovered');
  });

  it('skips windows without data: they neither breach nor recover', () => {
    expect(ruleVerdict(twoInARow, [drifting, window('no_data'), drifting])).toBe('breach');
    expect(ruleVerdict(twoInARow, [window('no_data'), drifting, drifting])).toBe('unknown');
    expect(ruleVerdict(twoInARow, [window('failed'), calm])).toBe('unknown');
  });

  it('compares with each operator, and a missing metric never breaches', () => {
    const at = (op: MonitorRule['op'], value: number) =>
      ruleVerdict({ metric: 'rows', op, threshold: 10, windows: 1 }, [window('ok', { rows: value })]);
    expect([at('>', 10), at('>=', 10), at('<', 10), at('<=', 10)]).toEqual([
      'recovered',
      'breach',
      'recovered',
      'breach',
    ]);
    expect(ruleVerdict({ metric: 'psi:x', op: '>', threshold: 0, windows: 1 }, [window('ok', {})])).toBe('recovered');
  });
});

describe('rule and action checks', () => {
  it('names the rule and field that is wrong', () => {
    expect(metricNameProblem('psi:petal_length')).toBeUndefined();
    expect(metricNameProblem('psi')).toMatch(/needs a feature name: psi:<feature>/);
    expect(metricNameProblem('accuracy')).toMatch(/unknown metric "accuracy"/);
    expect(rulesProblem([{ metric: 'rows', op: '>', threshold: 1, windows: 1 }])).toBeUndefined();
    expect(rulesProblem([{ metric: 'rows', op: '>', threshold: Number.NaN, windows: 1 }])).toEqual({
      field: '/rules/0/threshold',
      message: 'threshold must be a finite number',
    });
    expect(rulesProblem([{ metric: 'rows', op: '!=' as '>', threshold: 1, windows: 1 }])?.field).toBe('/rules/0/op');
    expect(rulesProblem([{ metric: 'rows', op: '>', threshold: 1, windows: 0 }])?.field).toBe('/rules/0/windows');
  });

  it('allows only webhook URLs the operator listed', () => {
    const allowed = ['https://hooks.example.com/', 'http://127.0.0.1:9000/'];
    expect(webhookUrlProblem('https://hooks.example.com/loom', allowed)).toBeUndefined();
    expect(webhookUrlProblem('https://hooks.example.com.evil.net/', allowed)).toMatch(/not allowed/);
    expect(webhookUrlProblem('ftp://hooks.example.com/', allowed)).toMatch(/not an http\(s\) URL/);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', allowed)).toMatch(/credentials/);
    expect(webhookUrlProblem('nope', allowed)).toMatch(/not a URL/);
    expect(webhookUrlProblem('https://hooks.example.com/', [])).toMatch(/allows no webhook URLs/);
    expect(actionsProblem([{ kind: 'webhook', url: 'https://x.test/' }], allowed)?.field).toBe('/actions/0/url');
  });
});
