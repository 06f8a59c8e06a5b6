import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { buildOnnxModel } from '@loom/onnx';
import { diabetesExample, irisExample, type TrainedExample } from '@loom/serving/testing';
import { quoteLiteral, TableDatabase } from '@loom/tables';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { listRequestLogFiles } from '../request-log/request-log-files.ts';
import { createTestApp, type TestApp, testRegistry } from '../test-fixtures/test-app.ts';
import type { InferenceLogEntry } from './request-log-types.ts';
import { fnv1a32 } from './traffic-choice.ts';

/*
 * The /v2 routes of the embedded model server, on real ONNX models (logistic regression on iris,
 * linear regression on diabetes) in a real inference pool, registered through the API as a user would.
 * Polling is off: the API's routes answer once the model server serves their change, so a request sent
 * after a reply goes where the change says, and nothing here waits on time or syncs by hand.
 */

let iris: TrainedExample;
let diabetes: TrainedExample;
/** The same iris model under other metadata: other bytes, so another version. */
let irisV2: Uint8Array;

beforeAll(async () => {
  [iris, diabetes] = await Promise.all([irisExample(), diabetesExample()]);
  irisV2 = buildOnnxModel({ ...iris.model, trainedBy: 'train.logistic_regression_again' });
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function client(test: TestApp) {
  const inject = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
    test.app.inject({
      method,
      url,
      headers: method === 'POST' || method === 'PUT' ? { 'content-type': 'application/json', ...headers } : headers,
      ...(payload === undefined ? {} : { payload }),
    });
  return {
    inject,
    /** Registers the ONNX bytes as the model's next version and returns its number. */
    async register(model: string, onnx: Uint8Array): Promise<number> {
      const { sha256 } = await test.app.artifacts.put(onnx);
      const reply = await inject('POST', `/api/models/${model}/versions`, { onnx: sha256 });
      expect([200, 201], reply.body).toContain(reply.statusCode);
      return reply.json().version.version;
    },
    async setAlias(model: string, version: number, alias = 'production') {
      const reply = await inject('PUT', `/api/models/${model}/aliases/${alias}`, { version });
      expect(reply.statusCode, reply.body).toBe(200);
    },
    async setEndpoint(model: string, traffic: Array<{ version: number; percent: number }> = []) {
      const reply = await inject('PUT', `/api/endpoints/${model}`, { alias: 'production', traffic });
      expect(reply.statusCode, reply.body).toBe(200);
    },
    /** Registers, points `production` at it and serves it; resolves once the model server serves it (the endpoint route waits for that). */
    async deploy(model: string, onnx: Uint8Array): Promise<number> {
      const version = await this.register(model, onnx);
      await this.setAlias(model, version);
      await this.setEndpoint(model);
      return version;
    },
  };
}

/** One iris row per request, in the row form. */
function irisRow(index: number): Record<string, number> {
  return Object.fromEntries(Object.entries(iris.columns).map(([name, values]) => [name, values[index] as number]));
}

/** Iris rows in the Open Inference Protocol tensor form. */
function irisTensors(from: number, to: number) {
  return Object.entries(iris.columns).map(([name, values]) => ({
    name,
    shape: [to - from, 1],
    datatype: 'FP32',
    data: Array.from(values.subarray(from, to)),
  }));
}

describe('an endpoint serving iris and diabetes', () => {
  let test: TestApp;
  let api: ReturnType<typeof client>;
  const logged: InferenceLogEntry[] = [];

  beforeAll(async () => {
    test = await createTestApp({
      modelServer: {
        threads: 1,
        pollIntervalMs: 0,
        maxRowsPerRequest: 200,
        requestLog: { record: (entry) => logged.push(entry) },
      },
    });
    api = client(test);
    await api.deploy('iris', iris.onnx);
    await api.deploy('diabetes', diabetes.onnx);
  });
  afterAll(() => test.close());
  afterEach(() => {
    logged.length = 0;
  });

  it('is live and ready, and describes each model in Open Inference Protocol metadata', async () => {
    expect((await api.inject('GET', '/v2/health/live')).json()).toEqual({ live: true });
    const ready = await api.inject('GET', '/v2/health/ready');
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: true }]);
    const metadata = await api.inject('GET', '/v2/models/iris');
    expect(metadata.statusCode).toBe(200);
    expect(metadata.json()).toEqual({
      name: 'iris',
      versions: ['1'],
      platform: 'onnxruntime',
      inputs: Object.keys(iris.columns).map((name) => ({ name, datatype: 'FP32', shape: [-1, 1] })),
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    expect((await api.inject('GET', '/v2/models/iris/versions/1')).json()).toEqual(metadata.json());
    expect((await api.inject('GET', '/v2/models/diabetes')).json().outputs).toEqual([
      { name: 'variable', datatype: 'FP32', shape: [-1, 1] },
    ]);
    expect((await api.inject('GET', '/v2/models/iris/ready')).json()).toEqual({
      name: 'iris',
      ready: true,
      versions: ['1'],
    });
    const versionReady = await api.inject('GET', '/v2/models/iris/versions/1/ready');
    expect([versionReady.statusCode, versionReady.json().ready]).toEqual([200, true]);
  });

  it('answers an Open Inference Protocol request, naming the version and echoing the id', async () => {
    const reply = await api.inject('POST', '/v2/models/iris/infer', { id: 'order-7', inputs: irisTensors(0, 3) });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers['x-loom-model-version']).toBe('1');
    expect(reply.headers['x-request-id']).toBe('order-7');
    const body = reply.json();
    expect(body).toMatchObject({ model_name: 'iris', model_version: '1', id: 'order-7' });
    const [label, probabilities] = body.outputs;
    // The first rows of iris.csv are setosa, which logistic regression separates cleanly.
    expect(label).toEqual({ name: 'label', shape: [3], datatype: 'BYTES', data: ['setosa', 'setosa', 'setosa'] });
    expect(probabilities).toMatchObject({ name: 'probabilities', shape: [3, 3], datatype: 'FP32' });
    expect(probabilities.data[0]).toBeGreaterThan(0.9);

    const onlyLabel = await api.inject('POST', '/v2/models/iris/infer', {
      inputs: irisTensors(0, 1),
      outputs: [{ name: 'label' }],
    });
    expect(onlyLabel.json().outputs.map((output: { name: string }) => output.name)).toEqual(['label']);
  });

  it('answers the row form with a label and probabilities per class, or a value', async () => {
    const reply = await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0), irisRow(149)] });
    expect(reply.statusCode, reply.body).toBe(200);
    const { model_name, model_version, predictions } = reply.json();
    expect([model_name, model_version]).toEqual(['iris', '1']);
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica']);
    const probabilities = predictions[0].probabilities as Record<string, number>;
    expect(Object.keys(probabilities)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const row = Object.fromEntries(Object.entries(diabetes.columns).map(([name, values]) => [name, values[0]]));
    const asRows = await api.inject('POST', '/v2/models/diabetes/infer', { rows: [row] });
    const asTensors = await api.inject('POST', '/v2/models/diabetes/infer', {
      inputs: Object.entries(row).map(([name, value]) => ({ name, shape: [1, 1], datatype: 'FP32', data: [value] })),
    });
    const [value] = asTensors.json().outputs[0].data;
    expect(Number.isFinite(value)).toBe(true);
    expect(asRows.json().predictions).toEqual([{ value }]);
  });

  it('tells the request log of each answered inference, with the inputs as sent', async () => {
    await api.inject('POST', '/v2/models/iris/infer', { id: 'a-1', rows: [irisRow(0)] });
    await api.inject('POST', '/v2/models/diabetes/infer', {
      inputs: Object.entries(diabetes.columns).map(([name, values]) => ({
        name,
        shape: [2, 1],
        datatype: 'FP32',
        data: [[values[0]], [values[1]]],
      })),
    });
    await api.inject('POST', '/v2/models/iris/infer', { rows: [{ nope: 1 }] });
    expect(logged).toHaveLength(2);
    const [rows, tensors] = logged as [InferenceLogEntry, InferenceLogEntry];
    expect(rows).toMatchObject({ model: 'iris', version: 1, requestId: 'a-1' });
    expect(rows.at).toBeInstanceOf(Date);
    expect(rows.latencyMs).toBeGreaterThan(0);
    expect(rows.inputs).toEqual(Object.fromEntries(Object.entries(irisRow(0)).map(([name, value]) => [name, [value]])));
    expect(rows.predictions).toEqual([
      {
        label: 'setosa',
        probabilities: { setosa: expect.any(Number), versicolor: expect.any(Number), virginica: expect.any(Number) },
      },
    ]);
    expect(tensors).toMatchObject({ model: 'diabetes', version: 1 });
    expect(tensors.requestId).toBeUndefined();
    expect(tensors.inputs.age).toEqual([diabetes.columns.age?.[0], diabetes.columns.age?.[1]]);
    expect(tensors.predictions).toEqual([{ value: expect.any(Number) }, { value: expect.any(Number) }]);
  });

  it('answers 400 naming the input and where in the body, for each way a request can be wrong', async () => {
    const [firstInput] = Object.keys(iris.columns) as [string];
    const missingColumn = irisRow(0);
    delete missingColumn[firstInput];
    const cases: Array<{ body: object; path: string; input?: string; message: RegExp }> = [
      { body: { rows: [irisRow(0), missingColumn] }, path: 'rows[1]', input: firstInput, message: /has no '/ },
      {
        body: { inputs: irisTensors(0, 1).map((t, i) => (i === 0 ? { ...t, datatype: 'BYTES' } : t)) },
        path: 'inputs[0].datatype',
        input: firstInput,
        message: /FP32/,
      },
      { body: { inputs: irisTensors(0, 1).slice(1) }, path: 'inputs', input: firstInput, message: /missing|no input/i },
      {
        body: { inputs: irisTensors(0, 2).map((t, i) => (i === 0 ? { ...t, shape: [3, 1] } : t)) },
        path: 'inputs[0].data',
        input: firstInput,
        message: /elements|data/,
      },
      {
        body: { rows: Array.from({ length: 201 }, (_, i) => irisRow(i % 150)) },
        path: 'rows',
        message: /limit of 200/,
      },
      { body: { id: 7, rows: [irisRow(0)] }, path: 'id', message: /must be a string/ },
    ];
    for (const { body, path, input, message } of cases) {
      const reply = await api.inject('POST', '/v2/models/iris/infer', body);
      expect(reply.statusCode, reply.body).toBe(400);
      const error = reply.json();
      expect(error, reply.body).toMatchObject({ statusCode: 400, error: 'bad-request', path });
      expect(error.message).toMatch(message);
      if (input !== undefined) expect(error.input).toBe(input);
      else expect(error.input).toBeUndefined();
    }
    const notAnObject = await api.inject('POST', '/v2/models/iris/infer', [1, 2] as unknown as object);
    expect(notAnObject.statusCode).toBe(400);
  });

  it('answers 404 naming the unknown model or version', async () => {
    await api.register('unserved', iris.onnx);
    const cases = [
      ['POST', '/v2/models/nope/infer', 'no model "nope" is served here'],
      ['GET', '/v2/models/nope', 'no model "nope" is served here'],
      [
        'POST',
        '/v2/models/unserved/infer',
        'model "unserved" has no endpoint: set one with PUT /api/endpoints/unserved',
      ],
      ['POST', '/v2/models/iris/versions/9/infer', 'model "iris" has no version 9'],
      ['GET', '/v2/models/iris/versions/9/ready', 'model "iris" has no version 9'],
    ] as const;
    for (const [method, url, message] of cases) {
      const reply = await api.inject(method, url, method === 'POST' ? { rows: [irisRow(0)] } : undefined);
      expect([reply.statusCode, reply.json()]).toEqual([404, { statusCode: 404, error: 'not-found', message }]);
    }
  });

  it('counts inferences by model, version and status in /metrics', async () => {
    await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] });
    await api.inject('POST', '/v2/models/nope/infer', { rows: [irisRow(0)] });
    const metrics = (await api.inject('GET', '/metrics')).body;
    expect(metrics).toMatch(/loom_inference_requests_total\{model="iris",version="1",code="200"\} \d+/);
    expect(metrics).toMatch(/loom_inference_requests_total\{model="",version="",code="404"\} \d+/);
    expect(metrics).toMatch(/loom_inference_duration_seconds_count\{model="iris",version="1"\} \d+/);
    expect(metrics).toContain('loom_model_versions_serving{model="iris"} 1');
  });
});

describe('versions changing while requests run', () => {
  let test: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    test = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0 } });
    api = client(test);
    await api.deploy('iris', iris.onnx);
    await api.register('iris', irisV2);
  });
  afterAll(() => test.close());

  /** Sends row requests from `workers` loops until `stop()`; gives every status and version answered. */
  function traffic(workers: number) {
    let running = true;
    const answers: Array<{ status: number; version: string | undefined }> = [];
    const loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; running; i++) {
        const reply = await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow((w * 31 + i) % 150)] });
        answers.push({
          status: reply.statusCode,
          version: reply.headers['x-loom-model-version'] as string | undefined,
        });
      }
    });
    return {
      answers,
      async stop() {
        running = false;
        await Promise.all(loops);
        return answers;
      },
    };
  }

  it('moves to a new version with no failed request, then unloads the old one', async () => {
    const load = traffic(4);
    await api.setAlias('iris', 2);
    // Requests that chose version 1 before the switch may still be answering; these are sent after the
    // alias route answered, so after the switch.
    const after = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(i)] })),
    );
    const answers = await load.stop();
    // Requests ran across the switch: some were answered by version 1, none failed.
    expect(answers.some((answer) => answer.version === '1')).toBe(true);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(after.map((reply) => reply.headers['x-loom-model-version'])).toEqual(Array(8).fill('2'));
    expect(test.app.modelServing?.served('iris', 1)).toBeUndefined();
    const old = await api.inject('POST', '/v2/models/iris/versions/1/infer', { rows: [irisRow(0)] });
    expect([old.statusCode, old.json().message]).toEqual([
      404,
      'version 1 of model "iris" is not served: its endpoint serves version 2',
    ]);
  });

  it('rolls back to the previous version, again with no failed request', async () => {
    const load = traffic(2);
    const rollback = await api.inject('POST', '/api/models/iris/aliases/production/rollback');
    expect(rollback.json()).toMatchObject({ version: 1, previousVersion: 2 });
    const after = await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] });
    const answers = await load.stop();
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(after.headers['x-loom-model-version']).toBe('1');
  });

  it('splits a canary by the hash of the request id: the same id always gets the same version', async () => {
    await api.setEndpoint('iris', [
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ]);
    const metadata = (await api.inject('GET', '/v2/models/iris')).json();
    expect(metadata.versions).toEqual(['2', '1']);
    const ids = Array.from({ length: 300 }, (_, i) => `customer-${i}`);
    const versionOf = async (id: string, how: 'body' | 'header') => {
      const reply =
        how === 'body'
          ? await api.inject('POST', '/v2/models/iris/infer', { id, rows: [irisRow(0)] })
          : await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] }, { 'x-request-id': id });
      expect(reply.headers['x-request-id']).toBe(id);
      return String(reply.headers['x-loom-model-version']);
    };
    // In batches, well under the pool's queue bound: this is about routing, not overload.
    const inBatches = async (how: 'body' | 'header') => {
      const versions: string[] = [];
      for (let i = 0; i < ids.length; i += 50) {
        versions.push(...(await Promise.all(ids.slice(i, i + 50).map((id) => versionOf(id, how)))));
      }
      return versions;
    };
    const first = await inBatches('body');
    const again = await inBatches('header');
    expect(again).toEqual(first);
    // Buckets 90–99 of the ids' FNV-1a hashes go to the canary.
    expect(first).toEqual(ids.map((id) => (fnv1a32(id) % 100 >= 90 ? '2' : '1')));
    const share = first.filter((version) => version === '2').length / ids.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.18);
  });

  it('never sends traffic to a version whose ONNX does not load, and says why', async () => {
    await api.setEndpoint('iris');
    const stored = test.app.store.getModelVersion('iris', 1);
    if (stored === undefined) throw new Error('iris version 1 is gone');
    const corrupt = await test.app.artifacts.put(randomBytes(2048));
    const { aliases: _aliases, version: _version, createdAt: _at, ...described } = stored;
    const registered = test.app.store.registerModelVersion({
      ...described,
      onnxSha256: corrupt.sha256,
      onnxSize: corrupt.size,
    });
    const broken = registered.version.version;
    const load = traffic(2);
    await api.setAlias('iris', broken);
    const after = await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] });
    const answers = await load.stop();
    expect(answers.filter((answer) => answer.status !== 200 || answer.version !== '1')).toEqual([]);
    expect(after.headers['x-loom-model-version']).toBe('1');

    const metadata = (await api.inject('GET', '/v2/models/iris')).json();
    expect(metadata.versions).toEqual(['1']);
    expect(metadata.load_failures).toEqual([
      { version: String(broken), message: expect.stringContaining(`version ${broken} failed to load`) },
    ]);
    const direct = await api.inject('POST', `/v2/models/iris/versions/${broken}/infer`, { rows: [irisRow(0)] });
    expect(direct.statusCode).toBe(503);
    expect(direct.json()).toMatchObject({
      error: 'load-failed',
      message: expect.stringContaining('not a Loom ONNX model'),
    });
    const versionReady = await api.inject('GET', `/v2/models/iris/versions/${broken}/ready`);
    expect([versionReady.statusCode, versionReady.json().ready]).toEqual([503, false]);

    // A model whose only version cannot load has nothing to fall back on: 503 naming the failure.
    const { version: lonely } = test.app.store.registerModelVersion({
      ...described,
      model: 'lonely',
      onnxSha256: corrupt.sha256,
    }).version;
    await api.setAlias('lonely', lonely);
    await api.setEndpoint('lonely');
    const refused = await api.inject('POST', '/v2/models/lonely/infer', { rows: [irisRow(0)] });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().message).toMatch(/^model "lonely" cannot serve: version 1 failed to load: /);
    const ready = await api.inject('GET', '/v2/health/ready');
    expect([ready.statusCode, ready.headers['retry-after']]).toEqual([503, '1']);
    expect(ready.json().message).toContain('model "lonely" cannot serve');
    expect((await api.inject('GET', '/v2/models/lonely/ready')).statusCode).toBe(503);
  });
});

describe('under load', () => {
  let test: TestApp;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    // No queue at all: while the one thread is busy, every other request is shed.
    test = await createTestApp({ modelServer: { threads: 1, maxQueue: 0, pollIntervalMs: 0, bodyLimit: 2048 } });
    api = client(test);
    await api.deploy('iris', iris.onnx);
  });
  afterAll(() => test.close());

  it('answers 503 with Retry-After when the queue is full, and serves the rest', async () => {
    const replies = await Promise.all(
      Array.from({ length: 24 }, () => api.inject('POST', '/v2/models/iris/infer', { inputs: irisTensors(0, 20) })),
    );
    const shed = replies.filter((reply) => reply.statusCode === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(replies.filter((reply) => reply.statusCode !== 503 && reply.statusCode !== 200)).toEqual([]);
    expect(shed[0]?.headers['retry-after']).toBe('1');
    expect(shed[0]?.json()).toMatchObject({ statusCode: 503, error: 'overloaded' });
  });

  it('refuses a body over the model server’s own limit with 413', async () => {
    const body = { inputs: irisTensors(0, 150) };
    expect(JSON.stringify(body).length).toBeGreaterThan(2048);
    const reply = await api.inject('POST', '/v2/models/iris/infer', body);
    expect(reply.statusCode).toBe(413);
    expect(reply.json().message).toContain('2 KiB');
  });
});

describe('starting and stopping', () => {
  it('serves the endpoints again from the store after a restart', async () => {
    const first = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0 } });
    await client(first).deploy('iris', iris.onnx);
    const { home } = first;
    await first.app.close();
    const again = await buildApp({
      registry: testRegistry(),
      home,
      dataRoots: [home],
      host: '127.0.0.1',
      modelServer: { threads: 1, pollIntervalMs: 0 },
    });
    const restarted: TestApp = {
      app: again,
      home,
      close: async () => {
        await again.close();
        await rm(home, { recursive: true, force: true });
      },
    };
    try {
      await again.ready();
      await again.modelServing?.whenSynced();
      const reply = await client(restarted).inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] });
      expect([reply.statusCode, reply.json().predictions[0].label]).toEqual([200, 'setosa']);
      expect((await client(restarted).inject('GET', '/v2/health/ready')).statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('requires the API token for models but not for health checks off loopback', async () => {
    const test = await createTestApp({
      host: '0.0.0.0',
      apiToken: 's3cret',
      modelServer: { threads: 1, pollIntervalMs: 0 },
    });
    try {
      const api = client(test);
      const auth = { authorization: 'Bearer s3cret' };
      const { sha256 } = await test.app.artifacts.put(iris.onnx);
      await api.inject('POST', '/api/models/iris/versions', { onnx: sha256 }, auth);
      await api.inject('PUT', '/api/models/iris/aliases/production', { version: 1 }, auth);
      await api.inject('PUT', '/api/endpoints/iris', { alias: 'production' }, auth);
      expect((await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] })).statusCode).toBe(401);
      expect((await api.inject('GET', '/v2/models/iris')).statusCode).toBe(401);
      expect((await api.inject('POST', '/v2/models/iris/infer', { rows: [irisRow(0)] }, auth)).statusCode).toBe(200);
      expect((await api.inject('GET', '/v2/health/ready')).statusCode).toBe(200);
      expect((await api.inject('GET', '/v2/health/live')).statusCode).toBe(200);
    } finally {
      await test.close();
    }
  });

  it('keeps a Parquet request log on its home by default, with the sample rate set per model', async () => {
    const test = await createTestApp({
      modelServer: { threads: 1, pollIntervalMs: 0, requestLogSampleRate: { diabetes: 0, '*': 1 } },
    });
    const { home } = test;
    try {
      const api = client(test);
      await api.deploy('iris', iris.onnx);
      await api.deploy('diabetes', diabetes.onnx);
      const rows = [irisRow(0), irisRow(60), irisRow(120)];
      expect((await api.inject('POST', '/v2/models/iris/infer', { id: 'r-1', rows })).statusCode).toBe(200);
      const diabetesRow = Object.fromEntries(
        Object.entries(diabetes.columns).map(([name, values]) => [name, values[0] as number]),
      );
      expect((await api.inject('POST', '/v2/models/diabetes/infer', { rows: [diabetesRow] })).statusCode).toBe(200);
      // Closing writes what the log still holds.
      await test.app.close();
      const files = await listRequestLogFiles(home, 'iris');
      expect(files.map((file) => file.version)).toEqual([1]);
      expect(await listRequestLogFiles(home, 'diabetes')).toEqual([]);
      const db = await TableDatabase.open({ threads: 1 });
      try {
        const read = await db.all(
          `SELECT request_id, prediction FROM read_parquet(${quoteLiteral(files[0]?.path ?? '')}) ORDER BY ALL`,
        );
        expect(read.map((row) => [row.request_id, row.prediction])).toEqual([
          ['r-1', 'setosa'],
          ['r-1', 'versicolor'],
          ['r-1', 'virginica'],
        ]);
      } finally {
        await db.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('is not there when modelServer is false', async () => {
    const test = await createTestApp({ modelServer: false });
    try {
      expect(test.app.modelServing).toBeUndefined();
      expect((await test.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(404);
    } finally {
      await test.close();
    }
  });
});
