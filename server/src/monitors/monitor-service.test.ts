import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '@loom/drift';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { LoomStore } from '../store/loom-store.ts';
import type { MonitorDefinition } from '../store/monitor-types.ts';
import { classifierVersion } from '../store/test-fixtures/models.ts';
import { type AlertRunStarter, MonitorService, type RunAction } from './monitor-service.ts';
import { signatureOf } from './webhook-delivery.ts';

const COLOURS = ['red', 'green', 'blue'];

/** Rows like the training data: `x` spread over [0, 1), colours in turn; `shift` moves x and makes most rows red. */
function rows(count: number, seed: number, shift = 0): { x: number[]; colour: string[]; label: string[] } {
  const x: number[] = [];
  const colour: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = (((i + seed) * 7919) % 1000) / 1000 + shift;
    x.push(value);
    colour.push(shift > 0 && i % 4 !== 0 ? 'red' : (COLOURS[(i + seed) % 3] as string));
    label.push(value > 0.5 ? 'yes' : 'no');
  }
  return { x, colour, label };
}

let dir: string;
let clock: Date;
let store: LoomStore;
let log: ParquetRequestLog;
let service: MonitorService;
let runs: Array<{ action: RunAction; alertId: string }>;
let startRun: AlertRunStarter;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-monitor-service-'));
  clock = new Date('2026-12-07T10:00:00.000Z');
  store = LoomStore.open(join(dir, 'loom.db'), { now: () => clock });
  const training = rows(3000, 0);
  store.registerModelVersion(
    classifierVersion('shop', 'v1.onnx', {
      baseline: profileData({ x: training.x, colour: training.colour }, training.label) as never,
    }),
  );
  log = new ParquetRequestLog({ home: dir, flushIntervalMs: 3_600_000 });
  runs = [];
  startRun = async (action, { alert }) => {
    runs.push({ action, alertId: alert.id });
    return { ok: true, runId: `run-${runs.length}` };
  };
  service = new MonitorService({ store, home: dir, startRun, logger: quietLogger(), now: () => clock, graceMs: 0 });
});
afterEach(async () => {
  await service.close();
  await log.close();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function quietLogger() {
  const ignore = () => undefined;
  return { info: ignore, warn: ignore, error: ignore };
}

/** Logs `count` rows answered by version 1 at `at`, in requests of 50 rows. */
async function serve(at: string, count: number, seed: number, shift = 0): Promise<void> {
  const data = rows(count, seed, shift);
  for (let start = 0; start < count; start += 50) {
    const entry: InferenceLogEntry = {
      model: 'shop',
      version: 1,
      at: new Date(new Date(at).getTime() + start),
      latencyMs: 1 + (start % 7),
      inputs: { x: data.x.slice(start, start + 50), colour: data.colour.slice(start, start + 50) },
      predictions: data.label.slice(start, start + 50).map((label) => ({ label })),
    };
    log.record(entry);
  }
  await log.flush();
}

function monitor(extra: Partial<MonitorDefinition> = {}) {
  return store.monitors.createMonitor({
    name: 'shop drift',
    model: 'shop',
    windowSeconds: 3600,
    drift: {},
    rules: [{ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 }],
    actions: [{ kind: 'run', pipelineId: 'retrain', parameters: { reason: 'drift' } }],
    paused: false,
    ...extra,
  });
}

describe('MonitorService', () => {
  it('measures each ended window, alerts once on drift, keeps the alert open through a quiet hour, and resolves it', async () => {
    const { monitor: watched } = monitor();
    await serve('2026-12-07T10:05:00.000Z', 2000, 11);
    clock = new Date('2026-12-07T10:59:59.000Z');
    expect(await service.evaluateDue()).toEqual([]);

    clock = new Date('2026-12-07T11:00:00.000Z');
    const [calm] = await service.evaluateDue();
    expect(calm).toMatchObject({ status: 'ok', rows: 2000, version: 1, versions: { '1': 2000 } });
    expect(calm?.metrics).toMatchObject({ rows: 2000, dataset_drift: 0, 'drifted:x': 0, 'drifted:colour': 0 });
    expect(calm?.metrics['drift_score:x']).toBeLessThan(0.1);
    expect(calm?.metrics.latency_p99_ms).toBeGreaterThan(0);
    expect(store.monitors.listAlerts()).toEqual([]);

    await serve('2026-12-07T11:10:00.000Z', 2000, 5, 0.6);
    clock = new Date('2026-12-07T12:00:00.000Z');
    const [drifted] = await service.evaluateDue();
    await service.settled();
    expect(drifted).toMatchObject({ status: 'drift', metrics: { dataset_drift: 1, drift_share: 1, 'drifted:x': 1 } });
    expect(drifted?.metrics['out_of_range:x']).toBeGreaterThan(0.5);
    const [alert] = store.monitors.listAlerts({ status: 'open' });
    expect(alert).toMatchObject({ monitorId: watched.id, value: 1, firstWindow: '2026-12-07T11:00:00.000Z' });
    expect(runs).toEqual([
      { action: { kind: 'run', pipelineId: 'retrain', parameters: { reason: 'drift' } }, alertId: alert?.id },
    ]);
    expect(store.monitors.getAlert(alert?.id as string)?.actions).toEqual([
      expect.objectContaining({ kind: 'run', target: 'retrain', ok: true, runId: 'run-1' }),
    ]);
    const report = store.monitors.getWindowReport(watched.id, '2026-12-07T11:00:00.000Z') as {
      features: Array<{ name: string; histogram: unknown }>;
    };
    expect(report.features.map((f) => f.name)).toEqual(['x', 'colour']);

    // No traffic: "no data", not zero drift; the alert stays open and nothing runs again.
    clock = new Date('2026-12-07T13:00:00.000Z');
    const [quiet] = await service.evaluateDue();
    expect(quiet).toMatchObject({
      status: 'no_data',
      rows: 0,
      metrics: { rows: 0 },
      message: 'no requests in the window',
    });
    await serve('2026-12-07T13:10:00.000Z', 2000, 3, 0.6);
    clock = new Date('2026-12-07T14:00:00.000Z');
    await service.evaluateDue();
    await service.settled();
    expect(runs).toHaveLength(1);
    expect(store.monitors.getAlert(alert?.id as string)).toMatchObject({
      status: 'open',
      lastWindow: '2026-12-07T13:00:00.000Z',
    });

    await serve('2026-12-07T14:10:00.000Z', 2000, 7);
    clock = new Date('2026-12-07T15:00:00.000Z');
    await service.evaluateDue();
    expect(store.monitors.getAlert(alert?.id as string)).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-12-07T15:00:00.000Z',
    });
  });

  it('uses tests on small windows, and needs the rule to hold for its windows in a row', async () => {
    monitor({ rules: [{ metric: 'drifted:x', op: '>=', threshold: 1, windows: 2 }] });
    await serve('2026-12-07T10:05:00.000Z', 300, 1, 0.6);
    clock = new Date('2026-12-07T11:00:00.000Z');
    const [first] = await service.evaluateDue();
    expect(first?.metrics['drifted:x']).toBe(1);
    // At 300 rows KS gives a p-value, far below 0.05 for a shifted feature.
    expect(first?.metrics['drift_score:x']).toBeLessThan(0.05);
    expect(store.monitors.listAlerts()).toEqual([]);
    await serve('2026-12-07T11:05:00.000Z', 300, 2, 0.6);
    clock = new Date('2026-12-07T12:00:00.000Z');
    await service.evaluateDue();
    await service.settled();
    expect(store.monitors.listAlerts({ status: 'open' })).toHaveLength(1);
  });

  it('catches up on the windows that ended while it was stopped, and never evaluates one twice', async () => {
    const { monitor: watched } = monitor();
    await serve('2026-12-07T10:05:00.000Z', 500, 1);
    await serve('2026-12-07T12:05:00.000Z', 500, 2);
    clock = new Date('2026-12-07T13:00:00.000Z');
    const other = new MonitorService({
      store,
      home: dir,
      startRun,
      logger: quietLogger(),
      now: () => clock,
      graceMs: 0,
    });
    const [mine, theirs] = await Promise.all([service.evaluateDue(), other.evaluateDue()]);
    await other.close();
    expect([...(mine ?? []), ...(theirs ?? [])].map((w) => `${w.start} ${w.status}`).sort()).toEqual([
      '2026-12-07T10:00:00.000Z ok',
      '2026-12-07T11:00:00.000Z no_data',
      '2026-12-07T12:00:00.000Z ok',
    ]);
    expect(store.monitors.getMonitor(watched.id)?.lastWindowEnd).toBe('2026-12-07T13:00:00.000Z');
    expect(await service.evaluateDue()).toEqual([]);
  });

  it('loses no window or alert across a restart, and the reopened store keeps the alert deduplicated', async () => {
    const { monitor: watched } = monitor();
    await serve('2026-12-07T10:05:00.000Z', 2000, 5, 0.6);
    clock = new Date('2026-12-07T11:00:00.000Z');
    await service.evaluateDue();
    await service.settled();
    const [opened] = store.monitors.listAlerts({ status: 'open' });
    const windowsBefore = store.monitors.listWindows(watched.id);

    // The server stops: its service and store close; a new process opens the same database file.
    await service.close();
    store.close();
    store = LoomStore.open(join(dir, 'loom.db'), { now: () => clock });
    service = new MonitorService({ store, home: dir, startRun, logger: quietLogger(), now: () => clock, graceMs: 0 });
    expect(store.monitors.listWindows(watched.id)).toEqual(windowsBefore);
    expect(store.monitors.listAlerts()).toEqual([opened]);
    expect(store.monitors.getWindowReport(watched.id, '2026-12-07T10:00:00.000Z')).toMatchObject({
      features: expect.any(Array),
    });

    // Still drifting after the restart: the same alert stays open and its retrain does not run again.
    await serve('2026-12-07T11:05:00.000Z', 2000, 6, 0.6);
    clock = new Date('2026-12-07T12:00:00.000Z');
    const [after] = await service.evaluateDue();
    await service.settled();
    expect(after).toMatchObject({ start: '2026-12-07T11:00:00.000Z', status: 'drift' });
    expect(store.monitors.listAlerts()).toEqual([
      expect.objectContaining({ id: opened?.id, status: 'open', lastWindow: '2026-12-07T11:00:00.000Z' }),
    ]);
    expect(runs).toHaveLength(1);
  });

  it('records a window as failed when the served version has no baseline', async () => {
    store.registerModelVersion(classifierVersion('shop', 'v2.onnx'));
    monitor();
    log.record({
      model: 'shop',
      version: 2,
      at: new Date('2026-12-07T10:05:00.000Z'),
      latencyMs: 1,
      inputs: { x: [1] },
      predictions: [{ label: 'yes' }],
    });
    await log.flush();
    clock = new Date('2026-12-07T11:00:00.000Z');
    const [window] = await service.evaluateDue();
    expect(window).toMatchObject({ status: 'failed', version: 2 });
    expect(window?.message).toMatch(/version 2 of model "shop" has no training baseline.*retrain it/);
  });

  it('posts a signed webhook when an alert opens and when it resolves', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const server: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(received.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      service = new MonitorService({
        store,
        home: dir,
        startRun,
        logger: quietLogger(),
        now: () => clock,
        graceMs: 0,
        webhook: { backoffMs: 10 },
      });
      const { monitor: watched, webhookSecret } = monitor({ actions: [{ kind: 'webhook', url }] });
      await serve('2026-12-07T10:05:00.000Z', 2000, 5, 0.6);
      clock = new Date('2026-12-07T11:00:00.000Z');
      await service.evaluateDue();
      await service.settled();
      // The first delivery got a 503 and was tried again with the same delivery id.
      expect(received).toHaveLength(2);
      const [failed, delivered] = received as [(typeof received)[0], (typeof received)[0]];
      expect(delivered.headers['x-loom-delivery']).toBe(failed.headers['x-loom-delivery']);
      expect(delivered.headers['x-loom-event']).toBe('alert.opened');
      expect(delivered.headers['x-loom-signature']).toBe(signatureOf(webhookSecret, delivered.body));
      const payload = JSON.parse(delivered.body);
      expect(payload).toMatchObject({
        event: 'alert.opened',
        monitor: { id: watched.id, model: 'shop' },
        window: { status: 'drift' },
      });
      const [alert] = store.monitors.listAlerts();
      expect(alert?.actions).toEqual([
        expect.objectContaining({ kind: 'webhook', target: url, ok: true, status: 204 }),
      ]);

      await serve('2026-12-07T11:05:00.000Z', 2000, 9);
      clock = new Date('2026-12-07T12:00:00.000Z');
      await service.evaluateDue();
      await service.settled();
      expect(received.at(-1)?.headers['x-loom-event']).toBe('alert.resolved');
      expect(runs).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
