import { irisExample, type TrainedExample } from '@loom/serving/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import type { InferenceLogEntry } from './request-log-types.ts';

/*
 * The model server's metrics as Prometheus scrapes them: real iris requests through the API, on a
 * real inference pool, then `/metrics` read as text.
 */

let iris: TrainedExample;

beforeAll(async () => {
  iris = await irisExample();
});

/** `name{labels}` → value, for every sample line of a Prometheus text exposition. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

function irisRows(count: number): Array<Record<string, number>> {
  return Array.from({ length: count }, (_, r) =>
    Object.fromEntries(Object.entries(iris.columns).map(([name, values]) => [name, values[r % iris.rows] as number])),
  );
}

describe('the model server on /metrics', () => {
  let test: TestApp;
  /** What the in-flight gauge said while the request log was told of each request (inside the handler). */
  const inFlightSeen: Array<Promise<unknown>> = [];

  beforeAll(async () => {
    test = await createTestApp({
      modelServer: {
        threads: 1,
        pollIntervalMs: 0,
        requestLog: {
          record: (_entry: InferenceLogEntry) => {
            const gauge = test.app.loomMetrics.registry.getSingleMetric('loom_inference_requests_in_flight');
            inFlightSeen.push(gauge?.get() as Promise<unknown>);
          },
        },
      },
    });
    const { sha256 } = await test.app.artifacts.put(iris.onnx);
    const deployed = await test.app.inject({
      method: 'POST',
      url: '/api/models/iris/deployments',
      payload: { onnx: sha256, alias: 'production' },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
  });
  afterAll(() => test.close());

  const infer = (model: string, payload: object) =>
    test.app.inject({ method: 'POST', url: `/v2/models/${model}/infer`, payload });

  it('counts requests by model, version and code; times them (total, queue, inference); counts rows and load time', async () => {
    for (const rows of [1, 1, 3, 40]) expect((await infer('iris', { rows: irisRows(rows) })).statusCode).toBe(200);
    expect((await infer('iris', { rows: [{ sepal_length: 'long' }] })).statusCode).toBe(400);
    expect((await infer('nope', { rows: irisRows(1) })).statusCode).toBe(404);
    const text = (await test.app.inject({ url: '/metrics' })).body;
    const values = samples(text);
    const iris1 = 'model="iris",version="1"';

    expect(values.get(`loom_inference_requests_total{${iris1},code="200"}`)).toBe(4);
    expect(values.get(`loom_inference_requests_total{${iris1},code="400"}`)).toBe(1);
    expect(values.get('loom_inference_requests_total{model="",version="",code="404"}')).toBe(1);
    expect(text).toContain('# TYPE loom_inference_requests_total counter');

    for (const name of [
      'loom_inference_duration_seconds',
      'loom_inference_queue_duration_seconds',
      'loom_inference_compute_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} histogram`);
      expect(values.get(`${name}_count{${iris1}}`), name).toBe(4);
      expect(values.get(`${name}_bucket{${iris1},le="+Inf"}`), name).toBe(4);
      expect(values.get(`${name}_sum{${iris1}}`), name).toBeGreaterThan(0);
    }
    // Each part of a request takes no longer than the whole of it.
    const sum = (name: string) => values.get(`${name}_sum{${iris1}}`) as number;
    expect(sum('loom_inference_queue_duration_seconds') + sum('loom_inference_compute_duration_seconds')).toBeLessThan(
      sum('loom_inference_duration_seconds'),
    );
    // Buckets are cumulative, as Prometheus's histogram_quantile reads them.
    expect(values.get(`loom_inference_duration_seconds_bucket{${iris1},le="0.0001"}`)).toBeLessThanOrEqual(
      values.get(`loom_inference_duration_seconds_bucket{${iris1},le="5"}`) as number,
    );

    expect(values.get(`loom_inference_request_rows_count{${iris1}}`)).toBe(4);
    expect(values.get(`loom_inference_request_rows_sum{${iris1}}`)).toBe(45);
    expect(values.get(`loom_inference_request_rows_bucket{${iris1},le="1"}`)).toBe(2);
    expect(values.get(`loom_inference_request_rows_bucket{${iris1},le="5"}`)).toBe(3);
    expect(values.get(`loom_inference_request_rows_bucket{${iris1},le="50"}`)).toBe(4);

    expect(values.get('loom_model_versions_serving{model="iris"}')).toBe(1);
    expect(values.get(`loom_model_load_duration_seconds{${iris1}}`)).toBeGreaterThan(0);
    expect(values.get(`loom_model_load_duration_seconds{${iris1}}`)).toBeLessThan(60);
  });

  it('counts requests in flight while they are answered, and none once they are', async () => {
    inFlightSeen.length = 0;
    await Promise.all([infer('iris', { rows: irisRows(2) }), infer('iris', { rows: irisRows(2) })]);
    const seen = (await Promise.all(inFlightSeen)) as Array<{ values: Array<{ labels: object; value: number }> }>;
    expect(seen).toHaveLength(2);
    for (const metric of seen) {
      expect(metric.values.find((v) => (v.labels as { model?: string }).model === 'iris')?.value).toBeGreaterThan(0);
    }
    const values = samples((await test.app.inject({ url: '/metrics' })).body);
    expect(values.get('loom_inference_requests_in_flight{model="iris"}')).toBe(0);
  });
});

describe('the default request log on /metrics', () => {
  it("serves the log's written and dropped rows beside the inference metrics", async () => {
    const test = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0 } });
    try {
      const text = (await test.app.inject({ url: '/metrics' })).body;
      expect(text).toContain('# TYPE loom_request_log_rows_dropped_total counter');
      expect(text).toContain('# TYPE loom_request_log_rows_written_total counter');
      expect(text).toContain('# TYPE loom_inference_requests_in_flight gauge');
    } finally {
      await test.close();
    }
  });
});
