import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp, testRegistry } from '../test-fixtures/test-app.ts';

let test: TestApp;

/** Model `churn` with versions 1 and 2 (two real ONNX files) and alias `production` on version 1. */
beforeEach(async () => {
  test = await createTestApp();
  for (const name of ['logisticBinary', 'softmaxIntegerClasses'] as const) {
    const { sha256 } = await test.app.artifacts.put(exampleOnnx(name));
    await test.app.inject({ method: 'POST', url: '/api/models/churn/versions', payload: { onnx: sha256 } });
  }
  await test.app.inject({ method: 'PUT', url: '/api/models/churn/aliases/production', payload: { version: 1 } });
});
afterEach(() => test.close());

const put = (model: string, payload: object) =>
  test.app.inject({ method: 'PUT', url: `/api/endpoints/${model}`, payload });

describe('/api/endpoints', () => {
  it('creates an endpoint on an alias, shows where requests go, and lists and removes it', async () => {
    const created = await put('churn', { alias: 'production' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({
      model: 'churn',
      alias: 'production',
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
      updatedAt: expect.any(String),
    });
    await test.app.inject({ method: 'PUT', url: '/api/models/churn/aliases/production', payload: { version: 2 } });
    expect((await test.app.inject({ url: '/api/endpoints/churn' })).json().routes).toEqual([
      { version: 2, percent: 100 },
    ]);
    expect((await test.app.inject({ url: '/api/endpoints' })).json()).toEqual({
      endpoints: [expect.objectContaining({ model: 'churn', alias: 'production' })],
    });
    expect((await test.app.inject({ url: '/api/models/churn' })).json().endpoint).toMatchObject({
      alias: 'production',
    });

    expect((await test.app.inject({ method: 'DELETE', url: '/api/endpoints/churn' })).statusCode).toBe(204);
    const gone = await test.app.inject({ url: '/api/endpoints/churn' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().message).toBe('model "churn" has no endpoint');
    expect((await test.app.inject({ url: '/api/endpoints/nope' })).json().message).toBe('no model "nope"');
    expect((await test.app.inject({ method: 'DELETE', url: '/api/endpoints/churn' })).statusCode).toBe(404);
  });

  it('keeps a canary split, and a rollback of the alias clears it', async () => {
    await test.app.inject({ method: 'PUT', url: '/api/models/churn/aliases/production', payload: { version: 2 } });
    const split = [
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ];
    expect((await put('churn', { alias: 'production', traffic: split })).json()).toMatchObject({
      traffic: split,
      routes: split,
    });
    const inUse = await test.app.inject({ method: 'DELETE', url: '/api/models/churn/versions/1' });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().message).toContain("the model's endpoint sends 90% of its requests to it");

    await test.app.inject({
      method: 'POST',
      url: '/api/models/churn/aliases/production/rollback',
      headers: { 'content-type': 'application/json' },
    });
    expect((await test.app.inject({ url: '/api/endpoints/churn' })).json()).toMatchObject({
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
    });
    const aliasInUse = await test.app.inject({ method: 'DELETE', url: '/api/models/churn/aliases/production' });
    expect(aliasInUse.statusCode).toBe(409);
  });

  it('refuses a split that does not sum to 100 or names an unknown version, and an unknown alias, naming the field', async () => {
    const cases: Array<[object, string, string]> = [
      [
        {
          alias: 'production',
          traffic: [
            { version: 1, percent: 60 },
            { version: 2, percent: 30 },
          ],
        },
        '/traffic',
        'the traffic shares sum to 90%, not 100%',
      ],
      [
        {
          alias: 'production',
          traffic: [
            { version: 1, percent: 90 },
            { version: 7, percent: 10 },
          ],
        },
        '/traffic/1/version',
        'traffic share 1: model "churn" has no version 7',
      ],
      [{ alias: 'staging' }, '/alias', 'model "churn" has no alias "staging"'],
    ];
    for (const [payload, path, message] of cases) {
      const reply = await put('churn', payload);
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toEqual({ error: 'bad-request', message, problems: [{ in: 'body', path, message }] });
    }
    const outOfRange = await put('churn', { alias: 'production', traffic: [{ version: 1, percent: 150 }] });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().problems).toEqual([expect.objectContaining({ in: 'body', path: '/traffic/0/percent' })]);
    expect((await put('churn', { traffic: [] })).json().problems).toEqual([
      expect.objectContaining({ in: 'body', message: expect.stringContaining('alias') }),
    ]);
    const unknownModel = await put('nope', { alias: 'production' });
    expect(unknownModel.statusCode).toBe(404);
    expect(unknownModel.json().message).toBe('no model "nope"');
    expect((await test.app.inject({ url: '/api/endpoints' })).json()).toEqual({ endpoints: [] });
  });

  it('come back from the store when the server starts again', async () => {
    await put('churn', {
      alias: 'production',
      traffic: [
        { version: 2, percent: 25 },
        { version: 1, percent: 75 },
      ],
    });
    await test.app.close();
    const again = await buildApp({
      registry: testRegistry(),
      home: test.home,
      dataRoots: [test.home],
      host: '127.0.0.1',
    });
    try {
      expect((await again.inject({ url: '/api/endpoints/churn' })).json()).toMatchObject({
        alias: 'production',
        routes: [
          { version: 2, percent: 25 },
          { version: 1, percent: 75 },
        ],
      });
      expect((await again.inject({ url: '/api/models/churn/versions' })).json().versions).toHaveLength(2);
    } finally {
      await again.close();
    }
  });
});
