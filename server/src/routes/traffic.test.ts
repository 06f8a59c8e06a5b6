import { httpModelRegistry } from '@loom/runtime';
import { previewTable } from '@loom/tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { classifierVersion } from '../store/test-fixtures/models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
beforeEach(async () => {
  test = await createTestApp();
});
afterEach(() => test.close());

/** Registers iris v1 (the classifier fixture's inputs) and logs `lengths` as requests it answered seconds ago. */
async function servedIris(app: TestApp, lengths: number[]): Promise<void> {
  app.app.store.registerModelVersion(classifierVersion('iris', 'v1.onnx'));
  const log = new ParquetRequestLog({ home: app.home, flushIntervalMs: 3_600_000 });
  const at = new Date(Date.now() - 3_000);
  for (const length of lengths) {
    log.record({
      model: 'iris',
      version: 1,
      at,
      latencyMs: 2,
      inputs: { sepal_length: [length], species_hint: ['h'] },
      predictions: [{ label: 'setosa' }],
    });
  }
  await log.close();
}

const traffic = (model: string, payload: object) =>
  test.app.inject({ method: 'POST', url: `/api/models/${model}/traffic`, payload });

describe('POST /api/models/:name/traffic', () => {
  it('answers the window with its table artifact, written to the artifact store', async () => {
    await servedIris(test, [4.9, 5.1, 6]);
    const reply = await traffic('iris', { seconds: 60 });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toEqual({
      model: 'iris',
      table: {
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        size: expect.any(Number),
        mediaType: 'application/vnd.apache.parquet',
      },
      rows: 3,
      version: 1,
      versions: { '1': 3 },
      start: expect.any(String),
      end: expect.any(String),
      missingInputs: [],
      predictionColumn: 'prediction',
    });
    expect(Date.parse(body.end) - Date.parse(body.start)).toBe(60_000);
    const table = await previewTable(await test.app.artifacts.localPath(body.table.sha256));
    expect(table.rows.map((row) => row.sepal_length)).toEqual([4.9, 5.1, 6]);
  });

  it('answers rows 0 for a window without requests', async () => {
    await servedIris(test, []);
    const reply = await traffic('iris', { seconds: 5, version: 1 });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ rows: 0, version: 1, versions: {} });
  });

  it('answers 404 for an unknown model or version, 400 for bad seconds', async () => {
    await servedIris(test, [5]);
    const unknown = await traffic('rose', { seconds: 60 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not-found', message: 'the registry has no model "rose"' });
    expect((await traffic('iris', { seconds: 60, version: 9 })).statusCode).toBe(404);
    for (const payload of [{}, { seconds: 0 }, { seconds: 2.5 }, { seconds: 2_592_001 }, { seconds: 60, extra: 1 }]) {
      const bad = await traffic('iris', payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await traffic('iris', { seconds: 0 })).json().message).toMatch(/seconds/);
  });
});

describe('httpModelRegistry: traffic against the real API', () => {
  it('reads over HTTP with the bearer token; a refusal is a NodeError not retried', async () => {
    const secured = await createTestApp({ apiToken: 'sesame' });
    try {
      await servedIris(secured, [5.5, 6.5]);
      const address = await secured.app.listen({ host: '127.0.0.1', port: 0 });
      const registry = httpModelRegistry({ apiUrl: `${address}/`, apiToken: 'sesame' });
      const window = await registry.traffic({ model: 'iris', seconds: 60, version: 1 });
      expect(window).toMatchObject({ model: 'iris', rows: 2, version: 1, versions: { '1': 2 } });
      // Only the sha256 came back: the table is in the artifact store the server shares with its workers.
      const table = await previewTable(await secured.app.artifacts.localPath(window.table.sha256));
      expect(table.rows.map((row) => row.sepal_length)).toEqual([5.5, 6.5]);

      await expect(registry.traffic({ model: 'rose', seconds: 60 })).rejects.toMatchObject({
        name: 'NodeError',
        retryable: false,
        message: expect.stringMatching(
          /^reading the traffic of model "rose": .*\/api\/models\/rose\/traffic answered 404: the registry has no model "rose"$/,
        ),
      });
      await expect(
        httpModelRegistry({ apiUrl: address }).traffic({ model: 'iris', seconds: 60 }),
      ).rejects.toMatchObject({
        retryable: false,
        message: expect.stringContaining('answered 401'),
      });
    } finally {
      await secured.close();
    }
  });

  it('fails retryably, naming the server, when nothing answers', async () => {
    const refused = httpModelRegistry({ apiUrl: 'http://127.0.0.1:9' }).traffic({ model: 'iris', seconds: 60 });
    await expect(refused).rejects.toThrow(
      /^reading the traffic of model "iris": the Loom server at http:\/\/127\.0\.0\.1:9 did not answer: /,
    );
    await expect(refused).rejects.not.toHaveProperty('retryable', false);
  });
});
