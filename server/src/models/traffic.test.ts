import { previewTable, readTableInfo } from '@loom/tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import { classifierVersion } from '../store/test-fixtures/models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { storeModelRegistry } from './deploy-host.ts';
import { readModelTraffic } from './traffic.ts';

let test: TestApp;
beforeEach(async () => {
  test = await createTestApp();
  test.app.store.registerModelVersion(classifierVersion('iris', 'v1.onnx'));
  test.app.store.registerModelVersion(classifierVersion('iris', 'v2.onnx'));
});
afterEach(() => test.close());

/** One logged request of `version` at `at`, with the classifier fixture's two inputs. */
function entry(version: number, at: Date, length: number, hint: string): InferenceLogEntry {
  return {
    model: 'iris',
    version,
    at,
    latencyMs: 3,
    inputs: { sepal_length: [length], species_hint: [hint] },
    predictions: [{ label: length > 5 ? 'virginica' : 'setosa' }],
  };
}

/** Writes `entries` to the app's request log, as its model server does, and waits until they are on disk. */
async function logged(entries: InferenceLogEntry[]): Promise<void> {
  const log = new ParquetRequestLog({ home: test.home, flushIntervalMs: 3_600_000 });
  for (const e of entries) log.record(e);
  await log.close();
}

const read = (request: Parameters<typeof readModelTraffic>[3]) =>
  readModelTraffic(test.app.store, test.app.artifacts, test.home, request);

describe('readModelTraffic', () => {
  const now = new Date('2026-12-07T10:00:00.000Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('stores the last seconds of the request log as a table artifact, one column per input, and the answers', async () => {
    await logged([
      entry(1, ago(700), 9, 'old'),
      entry(1, ago(300), 4.5, 'a'),
      entry(2, ago(200), 6.5, 'b'),
      entry(2, ago(100), 7, 'c'),
      entry(2, ago(0), 1, 'at the end: outside'),
    ]);
    const window = await read({ model: 'iris', seconds: 600, now });
    expect(window).toEqual({
      model: 'iris',
      table: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) },
      rows: 2,
      version: 2,
      versions: { '1': 1, '2': 2 },
      start: '2026-12-07T09:50:00.000Z',
      end: '2026-12-07T10:00:00.000Z',
      missingInputs: [],
      predictionColumn: 'prediction',
    });
    expect(await test.app.artifacts.has(window.table.sha256, window.table.size)).toBe(true);
    const path = await test.app.artifacts.localPath(window.table.sha256);
    expect((await previewTable(path)).rows).toEqual([
      { sepal_length: 6.5, species_hint: 'b', prediction: 'virginica' },
      { sepal_length: 7, species_hint: 'c', prediction: 'virginica' },
    ]);
    const older = await read({ model: 'iris', seconds: 600, version: 1, now });
    expect(older).toMatchObject({ rows: 1, version: 1 });
    const oldPath = await test.app.artifacts.localPath(older.table.sha256);
    expect((await previewTable(oldPath)).rows).toEqual([
      { sepal_length: 4.5, species_hint: 'a', prediction: 'setosa' },
    ]);
  });

  it('answers an empty table with the newest version’s inputs for a window without requests, not an error', async () => {
    await logged([entry(1, ago(3600), 5, 'long ago')]);
    const window = await read({ model: 'iris', seconds: 60, now });
    expect(window).toMatchObject({ rows: 0, version: null, versions: {} });
    const info = await readTableInfo(await test.app.artifacts.localPath(window.table.sha256));
    expect(info.rowCount).toBe(0);
    expect(info.columns.map((c) => [c.name, c.type])).toEqual([
      ['sepal_length', 'DOUBLE'],
      ['species_hint', 'VARCHAR'],
      ['prediction', 'VARCHAR'],
    ]);
  });

  it('refuses an unknown model or version (not-found) and bad seconds or version (invalid)', async () => {
    const refusal = (request: Parameters<typeof read>[0]) =>
      read(request).then(
        () => undefined,
        (error: unknown) =>
          error instanceof ModelRegistryError
            ? { reason: error.reason, field: error.field, message: error.message }
            : error,
      );
    expect(await refusal({ model: 'rose', seconds: 60 })).toEqual({
      reason: 'not-found',
      field: undefined,
      message: 'the registry has no model "rose"',
    });
    expect(await refusal({ model: 'iris', seconds: 60, version: 7 })).toMatchObject({
      reason: 'not-found',
      message: 'model "iris" has no version 7',
    });
    for (const seconds of [0, -5, 1.5, 2_592_001, Number.NaN]) {
      expect(await refusal({ model: 'iris', seconds })).toMatchObject({
        reason: 'invalid',
        field: '/seconds',
        message: `seconds must be an integer from 1 to 2592000 (30 days), not ${seconds}`,
      });
    }
    expect(await refusal({ model: 'iris', seconds: 60, version: 0 })).toMatchObject({
      reason: 'invalid',
      field: '/version',
    });
    expect(await refusal({ model: '../etc', seconds: 60 })).toMatchObject({ reason: 'invalid' });
  });
});

describe('storeModelRegistry: traffic', () => {
  const host = () =>
    storeModelRegistry({
      store: test.app.store,
      artifacts: test.app.artifacts,
      home: test.home,
      modelServerUrl: () => 'http://x',
    });

  it('reads the request log up to now', async () => {
    const now = Date.now();
    await logged([entry(1, new Date(now - 20_000), 4, 'x'), entry(1, new Date(now - 5_000), 6, 'y')]);
    const window = await host().traffic({ model: 'iris', seconds: 10 });
    expect(window).toMatchObject({ model: 'iris', rows: 1, version: 1, versions: { '1': 1 } });
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(10_000);
    expect(Math.abs(Date.parse(window.end) - Date.now())).toBeLessThan(5_000);
    const path = await test.app.artifacts.localPath(window.table.sha256);
    expect((await previewTable(path)).rows).toEqual([{ sepal_length: 6, species_hint: 'y', prediction: 'virginica' }]);
  });

  it("turns the registry's refusal into an error the step does not retry", async () => {
    await expect(host().traffic({ model: 'rose', seconds: 60 })).rejects.toMatchObject({
      name: 'NodeError',
      retryable: false,
      message: 'reading the traffic of model "rose" was refused: the registry has no model "rose"',
    });
    await expect(host().traffic({ model: 'iris', seconds: 0 })).rejects.toMatchObject({
      name: 'NodeError',
      retryable: false,
      message: expect.stringMatching(/^reading the traffic of model "iris" was refused: seconds must be an integer/),
    });
  });
});
