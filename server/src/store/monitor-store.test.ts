import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';
import type { MonitorDefinition, MonitorWindow } from './monitor-types.ts';
import { classifierVersion } from './test-fixtures/models.ts';

let dir: string;
let store: LoomStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-monitor-store-'));
  store = LoomStore.open(join(dir, 'loom.db'));
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const definition: MonitorDefinition = {
  name: 'iris drift',
  model: 'iris',
  windowSeconds: 3600,
  drift: { psiAlert: 0.3 },
  rules: [{ metric: 'drift_share', op: '>=', threshold: 0.5, windows: 2 }],
  actions: [{ kind: 'run', pipelineId: 'p1', parameters: { epochs: 3 } }],
  paused: false,
};

function window(start: string, status: MonitorWindow['status'] = 'drift'): MonitorWindow {
  const end = new Date(new Date(start).getTime() + 3_600_000).toISOString();
  return {
    monitorId: '',
    start,
    end,
    status,
    rows: 10,
    version: 1,
    versions: { '1': 10 },
    metrics: { drift_share: 0.75 },
    message: null,
    computedAt: end,
  };
}

describe('MonitorStore', () => {
  it('creates, lists, edits and deletes monitors; the webhook secret is kept apart', () => {
    const { monitor, webhookSecret } = store.monitors.createMonitor(definition);
    expect(monitor).toMatchObject({ ...definition, lastWindowEnd: null });
    expect(monitor.id).toMatch(/^mon_[a-z2-7]{16}$/);
    expect(webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(monitor)).not.toContain(webhookSecret);
    expect(store.monitors.webhookSecret(monitor.id)).toBe(webhookSecret);
    expect(store.monitors.listMonitors('iris').map((m) => m.id)).toEqual([monitor.id]);
    expect(store.monitors.listMonitors('wine')).toEqual([]);
    const edited = store.monitors.updateMonitor(monitor.id, { ...definition, name: 'renamed', paused: true });
    expect(edited).toMatchObject({ name: 'renamed', paused: true, model: 'iris' });
    expect(store.monitors.deleteMonitor(monitor.id)).toBe(true);
    expect(store.monitors.getMonitor(monitor.id)).toBeUndefined();
    expect(store.monitors.deleteMonitor(monitor.id)).toBe(false);
  });

  it('stores a window once, moves lastWindowEnd forward only, and keeps its report', () => {
    const { monitor } = store.monitors.createMonitor(definition);
    const first = { ...window('2026-12-07T10:00:00.000Z'), monitorId: monitor.id };
    expect(store.monitors.recordWindow(first, { features: [] })).toBe(true);
    expect(store.monitors.recordWindow(first, { features: ['again'] })).toBe(false);
    const older = { ...window('2026-12-07T08:00:00.000Z', 'no_data'), monitorId: monitor.id };
    expect(store.monitors.recordWindow(older, undefined)).toBe(true);
    expect(store.monitors.getMonitor(monitor.id)?.lastWindowEnd).toBe('2026-12-07T11:00:00.000Z');
    expect(store.monitors.listWindows(monitor.id).map((w) => w.start)).toEqual([first.start, older.start]);
    expect(store.monitors.listWindows(monitor.id, { before: first.start }).map((w) => w.status)).toEqual(['no_data']);
    expect(store.monitors.getWindowReport(monitor.id, first.start)).toEqual({ features: [] });
    expect(store.monitors.getWindowReport(monitor.id, older.start)).toBeUndefined();
    expect(store.monitors.getWindow(monitor.id, first.start)).toEqual(first);
  });

  it('keeps one open alert per rule, opened once, then resolved', () => {
    const { monitor } = store.monitors.createMonitor(definition);
    const rule = definition.rules[0] as MonitorDefinition['rules'][number];
    const opened = store.monitors.raiseAlert(monitor, 0, rule, 0.75, '2026-12-07T10:00:00.000Z');
    expect(opened.opened).toBe(true);
    expect(opened.alert).toMatchObject({ status: 'open', value: 0.75, firstWindow: '2026-12-07T10:00:00.000Z' });
    const again = store.monitors.raiseAlert(monitor, 0, rule, 0.9, '2026-12-07T11:00:00.000Z');
    expect(again).toMatchObject({
      opened: false,
      alert: { id: opened.alert.id, value: 0.9, lastWindow: '2026-12-07T11:00:00.000Z' },
    });
    store.monitors.recordAlertAction(opened.alert.id, { kind: 'run', target: 'p1', ok: true, runId: 'r1', at: 'now' });
    expect(store.monitors.getAlert(opened.alert.id)?.actions).toEqual([
      { kind: 'run', target: 'p1', ok: true, runId: 'r1', at: 'now' },
    ]);
    expect(store.monitors.listAlerts({ status: 'open' })).toHaveLength(1);
    expect(store.monitors.resolveAlert(opened.alert.id)).toBe(true);
    expect(store.monitors.resolveAlert(opened.alert.id)).toBe(false);
    expect(store.monitors.listAlerts({ status: 'open' })).toEqual([]);
    expect(store.monitors.raiseAlert(monitor, 0, rule, 0.8, '2026-12-07T12:00:00.000Z').opened).toBe(true);
    expect(store.monitors.listAlerts({ monitorId: monitor.id }).map((a) => a.status)).toEqual(['open', 'resolved']);
  });

  it('resolves open alerts when the rules change, and deletes them with the monitor', () => {
    const { monitor } = store.monitors.createMonitor(definition);
    const rule = definition.rules[0] as MonitorDefinition['rules'][number];
    const { alert } = store.monitors.raiseAlert(monitor, 0, rule, 0.75, '2026-12-07T10:00:00.000Z');
    store.monitors.updateMonitor(monitor.id, { ...definition, name: 'same rules' });
    expect(store.monitors.getAlert(alert.id)?.status).toBe('open');
    store.monitors.updateMonitor(monitor.id, { ...definition, rules: [{ ...rule, threshold: 0.6 }] });
    expect(store.monitors.getAlert(alert.id)?.status).toBe('resolved');
    store.monitors.deleteMonitor(monitor.id);
    expect(store.monitors.getAlert(alert.id)).toBeUndefined();
  });

  it('keeps monitors, windows and alerts across a reopen', () => {
    const { monitor } = store.monitors.createMonitor(definition);
    store.monitors.recordWindow({ ...window('2026-12-07T10:00:00.000Z'), monitorId: monitor.id }, {});
    store.monitors.raiseAlert(monitor, 0, definition.rules[0] as MonitorDefinition['rules'][number], 1, 'w');
    store.close();
    store = LoomStore.open(join(dir, 'loom.db'));
    expect(store.monitors.getMonitor(monitor.id)?.lastWindowEnd).toBe('2026-12-07T11:00:00.000Z');
    expect(store.monitors.listWindows(monitor.id)).toHaveLength(1);
    expect(store.monitors.listAlerts({ status: 'open' })).toHaveLength(1);
  });
});

describe('model version baselines', () => {
  it('stores the baseline apart from the version and says whether there is one', () => {
    const baseline = { format: 'loom.profile', version: 1, rows: 3, features: {} };
    const { version } = store.registerModelVersion(classifierVersion('iris', 'a.onnx', { baseline }));
    expect(version.hasBaseline).toBe(true);
    expect(store.getModelBaseline('iris', 1)).toEqual(baseline);
    store.registerModelVersion(classifierVersion('iris', 'b.onnx'));
    expect(store.getModelVersion('iris', 2)?.hasBaseline).toBe(false);
    expect(store.getModelBaseline('iris', 2)).toBeUndefined();
    expect(store.getModelBaseline('iris', 9)).toBeUndefined();
  });
});
