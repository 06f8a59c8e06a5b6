import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '@loom/drift';
import type { ModelFile } from '@loom/ml';
import {
  type ArtifactRef,
  NodeRegistry,
  type TrafficWindow,
  type TrafficWindowRequest,
  upgradeNodeParams,
} from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorNodes } from './index.ts';
import { monitorDrift, monitorDriftV1 } from './monitor-drift.ts';

let tables: TableFixtures;
let dir: string;
beforeAll(async () => {
  tables = await TableFixtures.create();
  dir = await mkdtemp(join(tmpdir(), 'loom-monitor-drift-'));
});
afterAll(async () => {
  tables.close();
  await rm(dir, { recursive: true, force: true });
});

/** The training rows: x spread over [0, 10), y = sin, colour in turn; the label says whether x > y + 5. */
const TRAINING = `SELECT (i * 7919 % 2000) / 200.0 AS x, sin(i) AS y, ['red', 'green', 'blue'][i % 3 + 1] AS colour FROM range(2000) t(i)`;

/** A logistic model on x and y whose baseline profiles the training rows above (as a train node writes it). */
async function modelFile(withBaseline = true): Promise<ArtifactRef> {
  const x = Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 2000) / 200);
  const y = Array.from({ length: 2000 }, (_, i) => Math.sin(i));
  const colour = Array.from({ length: 2000 }, (_, i) => ['red', 'green', 'blue'][i % 3] as string);
  const labels = x.map((v, i) => (v - (y[i] as number) - 5 > 0 ? 'yes' : 'no'));
  const model: ModelFile = {
    format: 'loom.model',
    version: 1,
    trainedBy: 'test.logistic_regression',
    task: 'classification',
    label: 'over',
    classes: ['no', 'yes'],
    labelKind: 'string',
    lineage: {
      format: 'loom.lineage',
      version: 1,
      sources: [
        { name: 'x', kind: 'number' },
        { name: 'y', kind: 'number' },
        { name: 'colour', kind: 'string' },
      ],
      steps: [],
    },
    features: ['x', 'y'],
    estimator: { kind: 'linear', link: 'logistic', weights: [[1, -1]], intercepts: [-5] },
    sample: {},
    ...(withBaseline ? { baseline: profileData({ x, y, colour }, labels) } : {}),
    training: { rows: 2000, seed: 0, params: {} },
  };
  const path = join(dir, `model-${withBaseline}.json`);
  const text = JSON.stringify(model);
  await writeFile(path, text);
  return { sha256: 'model', size: text.length, path };
}

describe('monitor.drift', () => {
  it('finds no drift in data like the training data', async () => {
    const current = await tables.table(TRAINING.replace('range(2000)', 'range(500, 2500)'));
    const result = await runNode(monitorDrift, { inputs: { current, model: await modelFile() } });
    expect(result.outputs.metrics).toMatchObject({
      rows: 2000,
      dataset_drift: 0,
      drifted_features: 0,
      prediction_drifted: 0,
    });
    expect(result.outputs.metrics['drift_score:x'] as number).toBeLessThan(0.1);
    expect(result.outputs.report).toMatchObject({ status: 'ok', rows: 2000 });
    expect(result.logs.some((l) => /no dataset drift: 0 of 3 features/.test(l.message))).toBe(true);
    await result.cleanup();
  });

  it('finds drift in shifted features and in the predictions, and can fail the step', async () => {
    const current = await tables.table(
      `SELECT x + 4 AS x, y, CASE WHEN i % 5 = 0 THEN colour ELSE 'red' END AS colour FROM (SELECT (i * 7919 % 2000) / 200.0 AS x, sin(i) AS y, ['red', 'green', 'blue'][i % 3 + 1] AS colour, i FROM range(2000) t(i))`,
    );
    const result = await runNode(monitorDrift, { inputs: { current, model: await modelFile() } });
    const metrics = result.outputs.metrics;
    expect(metrics).toMatchObject({ dataset_drift: 1, drifted_features: 2, prediction_drifted: 1 });
    expect(metrics['drift_score:x'] as number).toBeGreaterThan(0.1);
    expect(metrics['psi:x'] as number).toBeGreaterThan(0.25);
    expect(metrics['drift_score:colour'] as number).toBeGreaterThan(0.1);
    await result.cleanup();
    await expect(
      runNode(monitorDrift, { params: { fail_on_drift: true }, inputs: { current, model: await modelFile() } }),
    ).rejects.toThrow(/the data drifted: the dataset drifts: 2 of 3 features \(67%\).*drifting: x, colour/);
  });

  it('tests small tables instead of measuring distances', async () => {
    const current = await tables.table(`${TRAINING.replace('range(2000)', 'range(200)')}`);
    const result = await runNode(monitorDrift, { inputs: { current, model: await modelFile() } });
    const report = result.outputs.report as { features: Array<{ name: string; method: string }> };
    expect(report.features.map((f) => f.method)).toEqual(['ks', 'ks', 'chi_squared']);
    await result.cleanup();
  });

  it('reports a missing column and skips prediction drift; refuses a model without a baseline', async () => {
    const current = await tables.table('SELECT (i % 10) * 1.0 AS x FROM range(1500) t(i)');
    const result = await runNode(monitorDrift, { inputs: { current, model: await modelFile() } });
    const report = result.outputs.report as { features: Array<{ name: string; kind: string }>; prediction: unknown };
    expect(report.features.filter((f) => f.kind === 'missing').map((f) => f.name)).toEqual(['y', 'colour']);
    expect(report.prediction).toBeNull();
    expect(
      result.logs.some((l) => /no prediction drift: the current table lacks the model input "y"/.test(l.message)),
    ).toBe(true);
    await result.cleanup();
    await expect(runNode(monitorDrift, { inputs: { current, model: await modelFile(false) } })).rejects.toThrow(
      /has no training baseline.*train it again/,
    );
    const unrelated = await tables.table('SELECT 1 AS other');
    await expect(runNode(monitorDrift, { inputs: { current: unrelated, model: await modelFile() } })).rejects.toThrow(
      /has none of the model's input columns \(x, y, colour\)/,
    );
  });
});

describe('monitor.drift on an endpoint', () => {
  const endpoint = { url: 'http://127.0.0.1:8080/v2/models/shop', model: 'shop', version: 2, alias: 'production' };

  /** A registry whose traffic read answers `table` as the window's rows, noting what it was asked. */
  function trafficOf(table: ArtifactRef, rows: number, extra: Partial<TrafficWindow> = {}) {
    const asked: TrafficWindowRequest[] = [];
    const traffic = async (request: TrafficWindowRequest): Promise<TrafficWindow> => {
      asked.push(request);
      return {
        model: request.model,
        table,
        rows,
        version: request.version ?? null,
        versions: rows === 0 ? {} : { [String(request.version)]: rows },
        start: '2026-12-07T09:00:00.000Z',
        end: '2026-12-07T10:00:00.000Z',
        missingInputs: [],
        predictionColumn: 'prediction',
        ...extra,
      };
    };
    return { asked, models: { traffic } };
  }

  it("measures the traffic the endpoint's version answered in the last window_seconds, as it measures a table", async () => {
    const logged = await tables.table(
      `SELECT x, y, colour, 'no' AS prediction FROM (${TRAINING.replace('range(2000)', 'range(500, 2500)')})`,
    );
    const { asked, models } = trafficOf(logged, 2000);
    const result = await runNode(monitorDrift, { inputs: { endpoint, model: await modelFile() }, models });
    expect(asked).toEqual([{ model: 'shop', seconds: 3600, version: 2 }]);
    expect(result.outputs.metrics).toMatchObject({ rows: 2000, dataset_drift: 0, drifted_features: 0 });
    expect(result.outputs.report).toMatchObject({
      status: 'ok',
      rows: 2000,
      window: {
        endpoint: 'shop',
        version: 2,
        start: '2026-12-07T09:00:00.000Z',
        end: '2026-12-07T10:00:00.000Z',
        versions: { '2': 2000 },
      },
    });
    // The same rows as a table give the same metrics: the endpoint is only where they come from.
    const asTable = await runNode(monitorDrift, { inputs: { current: logged, model: await modelFile() } });
    expect(result.outputs.metrics).toEqual(asTable.outputs.metrics);
    await result.cleanup();
    await asTable.cleanup();

    const shifted = await tables.table(`SELECT x + 4 AS x, y, 'red' AS colour, 'yes' AS prediction FROM (${TRAINING})`);
    const drifting = trafficOf(shifted, 2000);
    const moved = await runNode(monitorDrift, {
      params: { window_seconds: 600 },
      inputs: { endpoint, model: await modelFile() },
      models: drifting.models,
    });
    expect(drifting.asked).toEqual([{ model: 'shop', seconds: 600, version: 2 }]);
    expect(moved.outputs.metrics).toMatchObject({
      dataset_drift: 1,
      'drifted:x': 1,
      'drifted:colour': 1,
      'drifted:y': 0,
    });
    await moved.cleanup();
  });

  it('reports no_data, never zero drift, for a window without requests', async () => {
    const empty = await tables.table(
      'SELECT NULL::DOUBLE AS x, NULL::DOUBLE AS y, NULL::VARCHAR AS colour, NULL::VARCHAR AS prediction WHERE false',
    );
    const { models } = trafficOf(empty, 0, { versions: { '1': 12 } });
    const result = await runNode(monitorDrift, { inputs: { endpoint, model: await modelFile() }, models });
    expect(result.outputs.metrics).toEqual({ rows: 0 });
    expect(result.outputs.report).toMatchObject({
      status: 'no_data',
      rows: 0,
      reason:
        'endpoint "shop" v2 answered no requests from 2026-12-07T09:00:00.000Z to 2026-12-07T10:00:00.000Z (rows of other versions: v1 12)',
    });
    expect(result.metrics).toEqual({ rows: 0 });
    await result.cleanup();
  });

  it('warns about inputs the request log lacks', async () => {
    const logged = await tables.table(`SELECT x, y, 'no' AS prediction FROM (${TRAINING})`);
    const { models } = trafficOf(logged, 2000, { missingInputs: ['colour'] });
    const result = await runNode(monitorDrift, { inputs: { endpoint, model: await modelFile() }, models });
    const warnings = result.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContain('the request log has no column for colour');
    expect(warnings).toContain('the traffic of endpoint "shop" v2 lacks colour: reported as missing');
    await result.cleanup();
  });

  it('refuses neither or both of current and endpoint, naming both ports', async () => {
    const current = await tables.table(TRAINING);
    const model = await modelFile();
    await expect(runNode(monitorDrift, { inputs: { model } })).rejects.toMatchObject({
      name: 'NodeError',
      retryable: false,
      message: 'connect the current data: either current (a table) or endpoint (a deploy.endpoint output)',
    });
    await expect(runNode(monitorDrift, { inputs: { current, endpoint, model } })).rejects.toMatchObject({
      retryable: false,
      message:
        'connect current (a table) or endpoint (a deploy.endpoint output), not both: which one would be measured?',
    });
  });

  it("passes on the registry's refusal, and says so when the host offers none", async () => {
    const model = await modelFile();
    const refusing = {
      traffic: async (): Promise<TrafficWindow> => {
        throw new Error('reading the traffic of model "shop" was refused: the registry has no model "shop"');
      },
    };
    await expect(runNode(monitorDrift, { inputs: { endpoint, model }, models: refusing })).rejects.toThrow(
      'reading the traffic of model "shop" was refused: the registry has no model "shop"',
    );
    await expect(runNode(monitorDrift, { inputs: { endpoint, model } })).rejects.toThrow(
      /ctx\.models\.traffic was called, but runNode was given no model registry/,
    );
  });
});

describe('monitor.drift versions', () => {
  it('keeps 1.0.0 beside 1.1.0: a table only, cacheable, measuring as before', async () => {
    expect(monitorNodes.map((n) => `${n.type}@${n.version}`)).toEqual(['monitor.drift@1.0.0', 'monitor.drift@1.1.0']);
    expect(Object.keys(monitorDriftV1.inputs)).toEqual(['current', 'model']);
    expect(monitorDriftV1.inputs.current.required).toBe(true);
    expect(monitorDriftV1.cacheable).toBe(true);
    // With an endpoint the result depends on when the step runs: 1.1.0 is never taken from the cache.
    expect(monitorDrift.cacheable).toBe(false);
    const current = await tables.table(TRAINING.replace('range(2000)', 'range(500, 2500)'));
    const model = await modelFile();
    const old = await runNode(monitorDriftV1, { inputs: { current, model } });
    const now = await runNode(monitorDrift, { inputs: { current, model } });
    expect(old.outputs.metrics).toEqual(now.outputs.metrics);
    await old.cleanup();
    await now.cleanup();
  });

  it("carries a 1.0.0 document's parameters up to 1.1.0 unchanged, window_seconds taking its default", () => {
    const registry = new NodeRegistry(monitorNodes.map((definition) => ({ definition, source: 'test' })));
    const params = { p_value: 0.01, fail_on_drift: true };
    expect(upgradeNodeParams(registry, 'monitor.drift', '1.0.0', undefined, params)).toEqual({
      ok: true,
      upgrade: { type: 'monitor.drift', version: '1.1.0', params, migrations: [] },
    });
  });
});
