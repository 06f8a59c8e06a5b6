import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
let classifier: { sha256: string; size: number };

beforeEach(async () => {
  test = await createTestApp();
  classifier = await test.app.artifacts.put(exampleOnnx('logisticBinary'));
});
afterEach(() => test.close());

const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  test.app.inject(
    payload !== undefined
      ? { method, url, payload }
      : // The request guard wants a JSON content type on every POST and PUT, a body or not.
        { method, url, headers: method === 'POST' || method === 'PUT' ? { 'content-type': 'application/json' } : {} },
  );

/** Registers the ONNX with sha256 `onnx` as the next version of `model`; fails the test if refused. */
async function register(model: string, onnx: string, extra: object = {}) {
  const reply = await inject('POST', `/api/models/${model}/versions`, { onnx, ...extra });
  expect([200, 201]).toContain(reply.statusCode);
  return reply.json();
}

/** Another classifier ONNX in the artifact store: the same model with other metadata bytes. */
async function otherOnnx(): Promise<string> {
  return (await test.app.artifacts.put(exampleOnnx('softmaxIntegerClasses'))).sha256;
}

describe('POST /api/models/:name/versions', () => {
  it('registers a Loom ONNX artifact, reading its inputs, outputs and classes from the file', async () => {
    const reply = await inject('POST', '/api/models/churn/versions', {
      onnx: classifier.sha256,
      description: 'Who leaves next month',
      metrics: { accuracy: 0.91, f1: 0.88 },
      lineage: { sources: ['age', 'income', 'city', 'color', 'visits'] },
      provenance: { pipelineId: 'p1', pipelineVersion: 2, runId: 'r1', stepId: 'export' },
      by: 'ana',
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.headers.location).toBe('/api/models/churn/versions/1');
    expect(reply.json()).toEqual({
      created: true,
      version: {
        model: 'churn',
        version: 1,
        onnxSha256: classifier.sha256,
        onnxSize: classifier.size,
        inputs: [
          { name: 'age', kind: 'number' },
          { name: 'income', kind: 'number' },
          { name: 'city', kind: 'string' },
          { name: 'color', kind: 'string' },
          { name: 'visits', kind: 'number' },
        ],
        outputs: [
          { name: 'label', kind: 'string', shape: [-1] },
          { name: 'probabilities', kind: 'number', shape: [-1, 2] },
        ],
        task: 'classification',
        label: 'target',
        labelKind: 'string',
        classes: ['no', 'yes'],
        trainedBy: 'test.logistic_regression',
        lineage: { sources: ['age', 'income', 'city', 'color', 'visits'] },
        metrics: { accuracy: 0.91, f1: 0.88 },
        provenance: { pipelineId: 'p1', pipelineVersion: 2, runId: 'r1', stepId: 'export' },
        createdAt: expect.any(String),
        aliases: [],
        hasBaseline: false,
      },
    });
    const model = (await inject('GET', '/api/models/churn')).json();
    expect(model).toMatchObject({ name: 'churn', description: 'Who leaves next month', latestVersion: 1 });
  });

  it('answers 200 with the existing version when the same ONNX is registered again', async () => {
    await register('churn', classifier.sha256);
    const again = await inject('POST', '/api/models/churn/versions', { onnx: classifier.sha256 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, version: { version: 1 } });
    expect((await inject('GET', '/api/models/churn/versions')).json().versions).toHaveLength(1);
  });

  it('keeps the training baseline the ONNX file carries, served apart from the version', async () => {
    const profiled = await test.app.artifacts.put(exampleOnnx('logisticBinary', { baseline: true }));
    const { version } = await register('churn', profiled.sha256);
    expect(version.hasBaseline).toBe(true);
    const baseline = await inject('GET', '/api/models/churn/versions/1/baseline');
    expect(baseline.statusCode).toBe(200);
    expect(baseline.json()).toMatchObject({
      format: 'loom.profile',
      features: { age: { kind: 'number' }, city: { kind: 'category' } },
    });
    await register('plain', classifier.sha256);
    const none = await inject('GET', '/api/models/plain/versions/1/baseline');
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toMatch(/has no training baseline.*retrain it/);
    expect((await inject('GET', '/api/models/plain/versions/7/baseline')).json().message).toBe(
      'model "plain" has no version 7',
    );
  });

  it('reads a regressor’s single output and no classes', async () => {
    const regressor = await test.app.artifacts.put(exampleOnnx('forestRegressor'));
    const { version } = await register('price', regressor.sha256);
    expect(version).toMatchObject({
      task: 'regression',
      outputs: [{ name: 'variable', kind: 'number', shape: [-1, 1] }],
    });
    expect(version).not.toHaveProperty('classes');
  });

  it('refuses an artifact the store does not hold, or one that is not a Loom ONNX file, naming the field', async () => {
    const missing = 'a'.repeat(64);
    const unknown = await inject('POST', '/api/models/churn/versions', { onnx: missing });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({
      error: 'bad-request',
      message: `the artifact store holds no artifact ${missing}`,
      problems: [{ in: 'body', path: '/onnx', message: `the artifact store holds no artifact ${missing}` }],
    });
    const json = await test.app.artifacts.put('{"not": "onnx"}');
    const notOnnx = await inject('POST', '/api/models/churn/versions', { onnx: json.sha256 });
    expect(notOnnx.statusCode).toBe(400);
    expect(notOnnx.json().message).toMatch(
      new RegExp(`^artifact ${json.sha256} cannot be registered: not an ONNX model`),
    );
    expect((await inject('GET', '/api/models')).json()).toEqual({ models: [] });
  });

  it('refuses a malformed body or model name with the part and path', async () => {
    const badSha = await inject('POST', '/api/models/churn/versions', { onnx: 'abc' });
    expect(badSha.statusCode).toBe(400);
    expect(badSha.json().problems).toEqual([expect.objectContaining({ in: 'body', path: '/onnx' })]);
    const extra = await inject('POST', '/api/models/churn/versions', { onnx: classifier.sha256, stage: 'prod' });
    expect(extra.statusCode).toBe(400);
    const badName = await inject('POST', '/api/models/-churn/versions', { onnx: classifier.sha256 });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().problems).toEqual([expect.objectContaining({ in: 'params', path: '/name' })]);
    const badProvenance = await inject('POST', '/api/models/churn/versions', {
      onnx: classifier.sha256,
      provenance: { pipelineVersion: 0 },
    });
    expect(badProvenance.json().problems).toEqual([
      expect.objectContaining({ in: 'body', path: '/provenance/pipelineVersion' }),
    ]);
  });
});

describe('reading models and versions', () => {
  it('lists models, their versions newest first, and one version, with 404s naming what is unknown', async () => {
    await register('churn', classifier.sha256);
    await register('churn', await otherOnnx());
    await inject('PUT', '/api/models/churn/aliases/production', { version: 1 });

    const list = (await inject('GET', '/api/models')).json();
    expect(list).toEqual({
      models: [
        {
          name: 'churn',
          description: '',
          createdAt: expect.any(String),
          latestVersion: 2,
          versionCount: 2,
          aliases: [{ alias: 'production', version: 1, updatedAt: expect.any(String) }],
        },
      ],
    });
    expect((await inject('GET', '/api/models/churn')).json()).toMatchObject({ name: 'churn', endpoint: null });
    expect(
      (await inject('GET', '/api/models/churn/versions')).json().versions.map((v: { version: number }) => v.version),
    ).toEqual([2, 1]);
    expect((await inject('GET', '/api/models/churn/versions/1')).json()).toMatchObject({
      version: 1,
      aliases: ['production'],
    });

    const notFound = async (url: string, message: string) => {
      const reply = await inject('GET', url);
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toEqual({ error: 'not-found', message });
    };
    await notFound('/api/models/nope', 'no model "nope"');
    await notFound('/api/models/nope/versions', 'no model "nope"');
    await notFound('/api/models/nope/versions/1', 'no model "nope"');
    await notFound('/api/models/churn/versions/3', 'model "churn" has no version 3');
    await notFound('/api/models/nope/events', 'no model "nope"');
    expect((await inject('GET', '/api/models/churn/versions/0')).statusCode).toBe(400);
  });
});

describe('aliases, deletion and rollback', () => {
  it('moves an alias, refuses to delete the version it points at, and records every change', async () => {
    await register('churn', classifier.sha256, { by: 'ci' });
    await register('churn', await otherOnnx());

    const set = await inject('PUT', '/api/models/churn/aliases/production', { version: 1, by: 'ana' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({
      alias: 'production',
      version: 1,
      previousVersion: null,
      moved: true,
      updatedAt: expect.any(String),
    });
    const moved = (await inject('PUT', '/api/models/churn/aliases/production', { version: 2 })).json();
    expect(moved).toMatchObject({ version: 2, previousVersion: 1, moved: true });
    expect((await inject('PUT', '/api/models/churn/aliases/production', { version: 2 })).json().moved).toBe(false);

    const unknownVersion = await inject('PUT', '/api/models/churn/aliases/production', { version: 9 });
    expect(unknownVersion.statusCode).toBe(404);
    expect(unknownVersion.json().message).toBe('model "churn" has no version 9');
    expect((await inject('PUT', '/api/models/nope/aliases/production', { version: 1 })).json().message).toBe(
      'no model "nope"',
    );
    expect((await inject('PUT', '/api/models/churn/aliases/2', { version: 1 })).statusCode).toBe(400);

    const inUse = await inject('DELETE', '/api/models/churn/versions/2');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toEqual({
      error: 'conflict',
      message:
        'version 2 of model "churn" is in use: alias "production" points at it. Move the alias or change the endpoint first',
    });
    expect((await inject('DELETE', '/api/models/churn/versions/1')).statusCode).toBe(204);
    expect((await inject('GET', '/api/models/churn/versions/1')).statusCode).toBe(404);
    expect((await inject('DELETE', '/api/models/churn/versions/1')).json().message).toBe(
      'model "churn" has no version 1',
    );

    expect((await inject('DELETE', '/api/models/churn/aliases/production')).statusCode).toBe(204);
    expect((await inject('DELETE', '/api/models/churn/aliases/production')).json()).toEqual({
      error: 'not-found',
      message: 'model "churn" has no alias "production"',
    });

    const { events } = (await inject('GET', '/api/models/churn/events')).json();
    expect(events.map((e: { kind: string }) => e.kind)).toEqual([
      'alias.removed',
      'version.deleted',
      'alias.moved',
      'alias.moved',
      'version.registered',
      'version.registered',
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'version.registered', toVersion: 1, by: 'ci' });
    expect(events[3]).toMatchObject({ kind: 'alias.moved', alias: 'production', toVersion: 1, by: 'ana' });
  });

  it('rolls an alias back, with or without a body, until it has no earlier version', async () => {
    await register('churn', classifier.sha256);
    await register('churn', await otherOnnx());
    await inject('PUT', '/api/models/churn/aliases/production', { version: 1 });
    await inject('PUT', '/api/models/churn/aliases/production', { version: 2 });

    const back = await inject('POST', '/api/models/churn/aliases/production/rollback', { by: 'on-call' });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ alias: 'production', version: 1, previousVersion: 2, moved: true });
    const [event] = (await inject('GET', '/api/models/churn/events')).json().events;
    expect(event).toMatchObject({
      kind: 'alias.moved',
      fromVersion: 2,
      toVersion: 1,
      rollbackOf: expect.any(Number),
      by: 'on-call',
    });

    const none = await inject('POST', '/api/models/churn/aliases/production/rollback');
    expect(none.statusCode).toBe(409);
    expect(none.json().message).toContain('has no earlier version to roll back to');
    const unknown = await inject('POST', '/api/models/churn/aliases/staging/rollback');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('model "churn" has no alias "staging"');
  });
});
