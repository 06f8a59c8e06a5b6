import { irisExample, type TrainedExample } from '@loom/serving/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelServerApp } from '../model-server/model-server-app.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

/*
 * GET /api/endpoints/:model/stats on a real app serving a real iris model: the requests it answered
 * show in the slot of now, with their latency and errors.
 */

let iris: TrainedExample;
let test: TestApp;

function irisRow(index: number): Record<string, number> {
  return Object.fromEntries(Object.entries(iris.columns).map(([name, values]) => [name, values[index] as number]));
}

beforeAll(async () => {
  iris = await irisExample();
  test = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0, requestLog: false } });
  const { sha256 } = await test.app.artifacts.put(iris.onnx);
  const deployed = await test.app.inject({
    method: 'POST',
    url: '/api/models/iris/deployments',
    payload: { onnx: sha256, alias: 'production' },
  });
  expect(deployed.statusCode, deployed.body).toBe(201);
});
afterAll(() => test.close());

describe('GET /api/endpoints/:model/stats', () => {
  it('gives the last hour in 10-second slots: requests, errors and latency of what the endpoint answered', async () => {
    const empty = await test.app.inject({ url: '/api/endpoints/iris/stats' });
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toMatchObject({ model: 'iris', range: '1h', stepSeconds: 10, total: { requests: 0 } });

    for (let i = 0; i < 12; i++) {
      const reply = await test.app.inject({
        method: 'POST',
        url: '/v2/models/iris/infer',
        payload: { rows: [irisRow(i)] },
      });
      expect(reply.statusCode).toBe(200);
    }
    const refused = await test.app.inject({
      method: 'POST',
      url: '/v2/models/iris/infer',
      payload: { rows: [{ sepal_length: 'long' }] },
    });
    expect(refused.statusCode).toBe(400);

    const reply = await test.app.inject({ url: '/api/endpoints/iris/stats?range=1h' });
    expect(reply.statusCode, reply.body).toBe(200);
    const stats = reply.json();
    expect(stats.requests).toHaveLength(360);
    expect(Date.parse(stats.end) - Date.parse(stats.start)).toBeGreaterThan(3_590_000);
    expect(Date.parse(stats.end) - Date.parse(stats.start)).toBeLessThanOrEqual(3_600_000);
    expect(stats.total).toMatchObject({ requests: 13, errors: 1 });
    expect(stats.total.p50Ms).toBeGreaterThan(0);
    expect(stats.total.p99Ms).toBeGreaterThanOrEqual(stats.total.p50Ms);
    // Sent within the last second or two: in the slot now, or the one before when a slot just began.
    const recent = (list: number[]) => list.slice(-2).reduce((a, b) => a + b, 0);
    expect(recent(stats.requests)).toBe(13);
    expect(recent(stats.errors)).toBe(1);
    expect(stats.requestsPerSecond.at(-1) + stats.requestsPerSecond.at(-2)).toBeGreaterThan(0);
    expect(stats.p50Ms.slice(0, -2).every((value: number | null) => value === null)).toBe(true);

    const day = (await test.app.inject({ url: '/api/endpoints/iris/stats?range=1d' })).json();
    expect(day).toMatchObject({ range: '1d', stepSeconds: 60, total: { requests: 13, errors: 1 } });
    expect(day.requests).toHaveLength(1_440);
  });

  it('answers 400 for a range it does not keep and 404 for a model the registry does not have', async () => {
    const range = await test.app.inject({ url: '/api/endpoints/iris/stats?range=1w' });
    expect([range.statusCode, range.json().message]).toEqual([
      400,
      'invalid request: querystring/range: must be one of "1h", "1d"',
    ]);
    const unknown = await test.app.inject({ url: '/api/endpoints/tulips/stats' });
    expect([unknown.statusCode, unknown.json().message]).toEqual([404, 'no model "tulips"']);
  });

  it('answers 503 when the server runs no model server', async () => {
    const bare = await createTestApp({ modelServer: false });
    try {
      const reply = await bare.app.inject({ url: '/api/endpoints/iris/stats' });
      expect([reply.statusCode, reply.json().error]).toEqual([503, 'no-model-server']);
    } finally {
      await bare.close();
    }
  });

  it('is in the OpenAPI document', async () => {
    const spec = (await test.app.inject({ url: '/docs/json' })).json();
    expect(spec.paths['/api/endpoints/{model}/stats']?.get?.summary).toMatch(/traffic/);
  });

  it('is served by `loom serve` too, for the traffic that process answers', async () => {
    const serve = await buildModelServerApp({ home: test.home, host: '127.0.0.1', logger: false });
    try {
      await serve.ready();
      await serve.modelServing?.whenSynced();
      const answered = await serve.inject({
        method: 'POST',
        url: '/v2/models/iris/infer',
        payload: { rows: [irisRow(0)] },
      });
      expect(answered.statusCode, answered.body).toBe(200);
      const stats = (await serve.inject({ url: '/api/endpoints/iris/stats' })).json();
      expect(stats.total).toMatchObject({ requests: 1, errors: 0 });
    } finally {
      await serve.close();
    }
  });
});
