import { httpModelRegistry } from '@loom/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
let first: string;
let second: string;

beforeEach(async () => {
  test = await createTestApp();
  first = (await test.app.artifacts.put(exampleOnnx('logisticBinary'))).sha256;
  second = (await test.app.artifacts.put(exampleOnnx('softmaxIntegerClasses'))).sha256;
});
afterEach(() => test.close());

const deploy = (model: string, payload: object) =>
  test.app.inject({ method: 'POST', url: `/api/models/${model}/deployments`, payload });

describe('POST /api/models/:name/deployments', () => {
  it('answers 201 with the version, the routes and the endpoint url; 200 when the ONNX was there', async () => {
    const created = await deploy('churn', { onnx: first, alias: 'production', metrics: { accuracy: 0.9 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      model: 'churn',
      version: 1,
      created: true,
      alias: 'production',
      traffic: [{ version: 1, percent: 100 }],
      url: 'http://localhost:80/v2/models/churn',
    });
    const again = await deploy('churn', { onnx: first, alias: 'production' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, created: false });
  });

  it('answers once the embedded model server serves the deployed version', async () => {
    await deploy('churn', { onnx: first, alias: 'production' });
    const served = () => test.app.inject({ method: 'GET', url: '/v2/models/churn' });
    expect((await served()).json().versions).toEqual(['1']);
    await deploy('churn', { onnx: second, alias: 'production' });
    expect((await served()).json().versions).toEqual(['2']);
  });

  it('starts a canary below 100%', async () => {
    await deploy('churn', { onnx: first, alias: 'production' });
    const canary = await deploy('churn', { onnx: second, alias: 'production', trafficPercent: 20 });
    expect(canary.json()).toMatchObject({
      version: 2,
      previousVersion: 1,
      traffic: [
        { version: 2, percent: 20 },
        { version: 1, percent: 80 },
      ],
    });
  });

  it('answers 400 naming the field for a bad body, and for an artifact the store does not hold', async () => {
    const percent = await deploy('churn', { onnx: first, alias: 'production', trafficPercent: 101 });
    expect(percent.statusCode).toBe(400);
    expect(percent.json().message).toMatch(/trafficPercent/);
    const alias = await deploy('churn', { onnx: first, alias: '9lives' });
    expect(alias.statusCode).toBe(400);
    expect(alias.json().message).toMatch(/alias/);
    const missing = await deploy('churn', { onnx: 'e'.repeat(64), alias: 'production' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      message: `the artifact store holds no artifact ${'e'.repeat(64)}`,
      problems: [{ in: 'body', path: '/onnx' }],
    });
  });

  it('names the model server given in modelServerUrl in the url', async () => {
    const elsewhere = await createTestApp({ modelServerUrl: 'https://models.example.com/' });
    try {
      const onnx = (await elsewhere.app.artifacts.put(exampleOnnx('logisticBinary'))).sha256;
      const reply = await elsewhere.app.inject({
        method: 'POST',
        url: '/api/models/churn/deployments',
        payload: { onnx, alias: 'production' },
      });
      expect(reply.json().url).toBe('https://models.example.com/v2/models/churn');
    } finally {
      await elsewhere.close();
    }
  });
});

describe('httpModelRegistry against the real API', () => {
  it('deploys over HTTP with the bearer token, and a refusal is a NodeError not retried', async () => {
    const secured = await createTestApp({ apiToken: 'sesame' });
    try {
      const address = await secured.app.listen({ host: '127.0.0.1', port: 0 });
      const onnx = await secured.app.artifacts.put(exampleOnnx('logisticBinary'));
      const request = {
        model: 'churn',
        alias: 'production',
        onnx: { ...onnx, path: '/on/the/worker' },
        trafficPercent: 100,
        metrics: { accuracy: 0.9 },
        provenance: { runId: 'r9', stepId: 'deploy', attempt: 1 },
      };
      const deployed = await httpModelRegistry({ apiUrl: `${address}/`, apiToken: 'sesame' }).deploy(request);
      expect(deployed).toEqual({
        model: 'churn',
        version: 1,
        created: true,
        alias: 'production',
        traffic: [{ version: 1, percent: 100 }],
        url: `${address}/v2/models/churn`,
      });
      expect(secured.app.store.getModelVersion('churn', 1)).toMatchObject({
        metrics: { accuracy: 0.9 },
        provenance: { runId: 'r9', stepId: 'deploy' },
      });

      await expect(httpModelRegistry({ apiUrl: address }).deploy(request)).rejects.toMatchObject({
        name: 'NodeError',
        retryable: false,
        message: expect.stringMatching(/^deploying model "churn": .*\/api\/models\/churn\/deployments answered 401: /),
      });
      await expect(
        httpModelRegistry({ apiUrl: address, apiToken: 'sesame' }).deploy({
          ...request,
          onnx: { ...onnx, sha256: 'd'.repeat(64), path: '' },
        }),
      ).rejects.toMatchObject({
        retryable: false,
        message: expect.stringContaining(`answered 400: the artifact store holds no artifact ${'d'.repeat(64)}`),
      });
    } finally {
      await secured.close();
    }
  });

  it('fails retryably, naming the server, when nothing answers', async () => {
    const refused = httpModelRegistry({ apiUrl: 'http://127.0.0.1:9' }).deploy({
      model: 'churn',
      alias: 'production',
      onnx: { sha256: 'a'.repeat(64), size: 1, path: '' },
      trafficPercent: 100,
      provenance: { runId: 'r', stepId: 's', attempt: 1 },
    });
    await expect(refused).rejects.toThrow(
      /^deploying model "churn": the Loom server at http:\/\/127\.0\.0\.1:9 did not answer: /,
    );
    await expect(refused).rejects.not.toHaveProperty('retryable', false);
  });
});
