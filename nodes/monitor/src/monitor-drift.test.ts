import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '@loom/drift';
import type { ModelFile } from '@loom/ml';
import type { ArtifactRef } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorDrift } from './monitor-drift.ts';

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
