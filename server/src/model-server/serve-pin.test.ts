import { diabetesExample, irisExample, type TrainedExample } from '@loom/serving/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { buildModelServerApp, resolveModelServerOptions } from './model-server-app.ts';
import { parseServeRoutes, servePinFromEnv } from './serve-pin.ts';

describe('parseServeRoutes and servePinFromEnv', () => {
  it('reads version:percent pairs, or one version at 100 %', () => {
    expect(parseServeRoutes('3:90,4:10')).toEqual([
      { version: 3, percent: 90 },
      { version: 4, percent: 10 },
    ]);
    expect(parseServeRoutes(' 7 ')).toEqual([{ version: 7, percent: 100 }]);
    expect(parseServeRoutes('7:100')).toEqual([{ version: 7, percent: 100 }]);
  });

  it('names what is wrong', () => {
    expect(() => parseServeRoutes('')).toThrow(/LOOM_SERVE_ROUTES is empty/);
    expect(() => parseServeRoutes('3:90,x:10')).toThrow(/"x:10" is not version:percent/);
    expect(() => parseServeRoutes('0:100')).toThrow(/"0:100": versions are numbered from 1/);
    expect(() => parseServeRoutes('3:150')).toThrow(/at most 100/);
    expect(() => parseServeRoutes('3:50,3:50')).toThrow(/version 3 is given twice/);
    expect(() => parseServeRoutes('3:90,4:20')).toThrow(/sum to 110, not 100/);
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    expect(servePinFromEnv(env({}))).toBeUndefined();
    expect(() => servePinFromEnv(env({ LOOM_SERVE_ROUTES: '3' }))).toThrow(/LOOM_SERVE_MODEL is not/);
    expect(() => servePinFromEnv(env({ LOOM_SERVE_MODEL: 'iris' }))).toThrow(/LOOM_SERVE_ROUTES is not/);
    expect(() => servePinFromEnv(env({ LOOM_SERVE_MODEL: '-x', LOOM_SERVE_ROUTES: '1' }))).toThrow(
      /"-x" is not a model name/,
    );
    expect(() => resolveModelServerOptions({}, { LOOM_SERVE_MODEL: 'iris', LOOM_SERVE_ROUTES: '1:50' })).toThrow(
      /sum to 50/,
    );
  });
});

/*
 * A pinned `loom serve` on a real home: the registry's alias moves to v2, the pinned server goes on
 * serving v1 (or the split it was given) and nothing else, as an endpoint pod on Kubernetes does.
 */
describe('a model server pinned to versions', () => {
  let iris: TrainedExample;
  let test: TestApp;

  beforeAll(async () => {
    iris = await irisExample();
    const diabetes = await diabetesExample();
    test = await createTestApp({ modelServer: false });
    for (const [model, onnx] of [
      ['iris', iris.onnx],
      ['iris', diabetes.onnx],
      ['diabetes', diabetes.onnx],
    ] as const) {
      const { sha256 } = await test.app.artifacts.put(onnx);
      const reply = await test.app.inject({
        method: 'POST',
        url: `/api/models/${model}/deployments`,
        payload: { onnx: sha256, alias: 'production' },
      });
      expect(reply.statusCode, reply.body).toBe(201);
    }
    expect(test.app.store.getEndpoint('iris')?.routes).toEqual([{ version: 2, percent: 100 }]);
  });
  afterAll(() => test.close());

  async function pinned(routes: string) {
    const app = await buildModelServerApp(
      resolveModelServerOptions(
        { home: test.home, host: '127.0.0.1', logger: false, modelServer: { threads: 1, requestLog: false } },
        { LOOM_SERVE_MODEL: 'iris', LOOM_SERVE_ROUTES: routes },
      ),
    );
    await app.ready();
    await app.modelServing?.whenSynced();
    return app;
  }
  const row = () =>
    Object.fromEntries(Object.entries(iris.columns).map(([name, values]) => [name, values[0] as number]));

  it('serves the pinned version while the alias points at another, and no other model', async () => {
    const app = await pinned('1');
    try {
      const ready = await app.inject({ method: 'GET', url: '/v2/health/ready' });
      expect(ready.statusCode, ready.body).toBe(200);
      const metadata = await app.inject({ method: 'GET', url: '/v2/models/iris' });
      expect(metadata.json().versions).toEqual(['1']);
      const answer = await app.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: { rows: [row()] } });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().model_version).toBe('1');
      const other = await app.inject({ method: 'GET', url: '/v2/models/diabetes/ready' });
      expect(other.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('serves a pinned split, and is not ready while a pinned version does not exist', async () => {
    const split = await pinned('1:50,2:50');
    try {
      expect((await split.inject({ method: 'GET', url: '/v2/models/iris' })).json().versions.sort()).toEqual([
        '1',
        '2',
      ]);
    } finally {
      await split.close();
    }
    const missing = await pinned('9');
    try {
      const ready = await missing.inject({ method: 'GET', url: '/v2/health/ready' });
      expect(ready.statusCode).toBe(503);
    } finally {
      await missing.close();
    }
  });
});
