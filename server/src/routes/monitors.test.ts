import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp, testDocument } from '../test-fixtures/test-app.ts';

let test: TestApp;
let pipelineId: string;

beforeEach(async () => {
  test = await createTestApp({ webhookAllow: ['https://hooks.example.com/'] });
  const onnx = await test.app.artifacts.put(exampleOnnx('logisticBinary', { baseline: true }));
  expect((await inject('POST', '/api/models/churn/versions', { onnx: onnx.sha256 })).statusCode).toBe(201);
  const pipeline = await inject('POST', '/api/pipelines', testDocument('retrain-churn'));
  pipelineId = pipeline.json().id;
});
afterEach(() => test.close());

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  test.app.inject(
    payload !== undefined
      ? { method, url, payload }
      : { method, url, headers: method === 'POST' || method === 'PATCH' ? { 'content-type': 'application/json' } : {} },
  );

describe('monitors API', () => {
  it('creates a monitor with the defaults, shows its secret once, lists, edits, pauses and deletes it', async () => {
    const created = await inject('POST', '/api/monitors', {
      model: 'churn',
      actions: [
        { kind: 'run', pipelineId, parameters: { epochs: 5 } },
        { kind: 'webhook', url: 'https://hooks.example.com/loom' },
      ],
    });
    expect(created.statusCode).toBe(201);
    const { monitor, webhookSecret } = created.json();
    expect(monitor).toMatchObject({
      name: 'churn drift',
      model: 'churn',
      windowSeconds: 3600,
      rules: [{ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 }],
      paused: false,
      lastWindowEnd: null,
    });
    expect(webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const listed = await inject('GET', '/api/monitors?model=churn');
    expect(listed.json().monitors.map((m: { id: string }) => m.id)).toEqual([monitor.id]);
    expect(listed.body).not.toContain(webhookSecret);
    const paused = await inject('PATCH', `/api/monitors/${monitor.id}`, { paused: true, windowSeconds: 600 });
    expect(paused.json()).toMatchObject({ paused: true, windowSeconds: 600, name: 'churn drift' });
    expect((await inject('GET', `/api/monitors/${monitor.id}`)).json().paused).toBe(true);
    expect((await inject('DELETE', `/api/monitors/${monitor.id}`)).statusCode).toBe(204);
    expect((await inject('GET', `/api/monitors/${monitor.id}`)).json()).toEqual({
      error: 'not-found',
      message: `no monitor "${monitor.id}"`,
    });
  });

  it('refuses a bad definition with 400 naming the field, and stores nothing', async () => {
    const cases: Array<[object, string, RegExp]> = [
      [{ model: 'nope' }, '/model', /no model "nope"/],
      [
        { model: 'churn', rules: [{ metric: 'accuracy', op: '>', threshold: 1 }] },
        '/rules/0/metric',
        /unknown metric "accuracy"/,
      ],
      [{ model: 'churn', drift: { thresholds: { ks: 2 } } }, '/drift/thresholds/ks', /drift\.thresholds\.ks/],
      [{ model: 'churn', drift: { features: { height: { method: 'ks' } } } }, '/drift/features/height', /height/],
      [
        { model: 'churn', actions: [{ kind: 'webhook', url: 'https://evil.example.net/' }] },
        '/actions/0/url',
        /not allowed.*LOOM_WEBHOOK_ALLOW/,
      ],
      [
        { model: 'churn', actions: [{ kind: 'run', pipelineId: 'missing' }] },
        '/actions/0/pipelineId',
        /no pipeline "missing"/,
      ],
      [
        { model: 'churn', actions: [{ kind: 'run', pipelineId: 'PIPELINE', parameters: { lr: 1 } }] },
        '/actions/0/parameters/lr',
        /has no parameter "lr" \(it has epochs\)/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const reply = await inject(
        'POST',
        '/api/monitors',
        JSON.parse(JSON.stringify(body).replace('PIPELINE', pipelineId)),
      );
      expect(reply.statusCode, JSON.stringify(body)).toBe(400);
      expect(reply.json().message).toMatch(message);
      expect(reply.json().problems?.[0]?.path ?? reply.json().problems?.[0]?.path).toContain(
        field.split('/').slice(0, 3).join('/'),
      );
    }
    const wrongType = await inject('POST', '/api/monitors', {
      model: 'churn',
      rules: [{ metric: 'rows', op: '>', threshold: 'high' }],
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().message).toMatch(/rules\/0\/threshold/);
    expect((await inject('GET', '/api/monitors')).json().monitors).toEqual([]);
  });

  it('evaluates ended windows on demand: a window without traffic is "no data", with no report', async () => {
    await test.close();
    test = await createTestApp({ monitors: { graceMs: 0, tickMs: 3_600_000 } });
    const onnx = await test.app.artifacts.put(exampleOnnx('logisticBinary', { baseline: true }));
    await inject('POST', '/api/models/churn/versions', { onnx: onnx.sha256 });
    const { monitor } = (await inject('POST', '/api/monitors', { model: 'churn', windowSeconds: 1 })).json();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const evaluated = await inject('POST', `/api/monitors/${monitor.id}/evaluate`);
    expect(evaluated.statusCode).toBe(200);
    const windows = evaluated.json().windows;
    expect(windows.length).toBeGreaterThanOrEqual(1);
    expect(windows[0]).toMatchObject({ monitorId: monitor.id, status: 'no_data', rows: 0, metrics: { rows: 0 } });
    const listed = (await inject('GET', `/api/monitors/${monitor.id}/windows`)).json().windows;
    expect(listed.map((w: { start: string }) => w.start)).toEqual(
      windows.map((w: { start: string }) => w.start).reverse(),
    );
    const report = await inject('GET', `/api/monitors/${monitor.id}/windows/${listed[0].start}/report`);
    expect(report.statusCode).toBe(404);
    expect(report.json().message).toMatch(/has no drift report \(no_data: no requests in the window\)/);
    expect(
      (await inject('GET', `/api/monitors/${monitor.id}/windows/2020-01-01T00:00:00.000Z/report`)).json().message,
    ).toMatch(/has no window starting at 2020-01-01/);
    expect((await inject('GET', '/api/alerts?status=open')).json()).toEqual({ alerts: [] });
    expect((await inject('GET', '/api/alerts/alr_nothing')).statusCode).toBe(404);
    expect((await inject('POST', '/api/alerts/alr_nothing/resolve')).statusCode).toBe(404);
  });

  it('resolves an open alert by hand once; a second time is a conflict', async () => {
    const { monitor } = (await inject('POST', '/api/monitors', { model: 'churn' })).json();
    const rule = { metric: 'dataset_drift', op: '>=' as const, threshold: 1, windows: 1 };
    const { alert } = test.app.store.monitors.raiseAlert(monitor, 0, rule, 1, '2026-12-07T10:00:00.000Z');
    expect((await inject('GET', `/api/alerts?monitor=${monitor.id}`)).json().alerts).toHaveLength(1);
    const resolved = await inject('POST', `/api/alerts/${alert.id}/resolve`);
    expect(resolved.json()).toMatchObject({ id: alert.id, status: 'resolved' });
    const again = await inject('POST', `/api/alerts/${alert.id}/resolve`);
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/was resolved already/);
  });
});
