/**
 * `loom models`, `loom endpoints` and `loom rollback` read and change the model registry in a home's
 * store: the very `loom.db` that `loom start` serves, filled here through `LoomStore` as the server's
 * routes and the deploy node fill it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoomStore, type NewModelVersion } from '@loom/server/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loom, loomWithHome } from './loom-process.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-models-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function version(model: string, file: string, extra: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    model,
    onnxSha256: createHash('sha256').update(file).digest('hex'),
    onnxSize: 2048,
    inputs: [
      { name: 'sepal_length', kind: 'number' },
      { name: 'petal_length', kind: 'number' },
    ],
    outputs: [
      { name: 'label', kind: 'string', shape: [-1] },
      { name: 'probabilities', kind: 'number', shape: [-1, 3] },
    ],
    task: 'classification',
    label: 'species',
    labelKind: 'string',
    classes: ['setosa', 'versicolor', 'virginica'],
    trainedBy: 'train.logistic_regression',
    ...extra,
  };
}

/**
 * iris: v1 and v2, `production` moved v1 → v2, `staging` at v2, its endpoint serving `production` with
 * a 10% canary on v2; wine: one regression version, no alias, no endpoint.
 */
function fillRegistry(home: string): void {
  const store = LoomStore.open(join(home, 'loom.db'));
  try {
    store.registerModelVersion(
      version('iris', 'iris-1.onnx', { description: 'Iris species', metrics: { accuracy: 0.9, f1_macro: 0.89 } }),
    );
    store.registerModelVersion(
      version('iris', 'iris-2.onnx', {
        metrics: { accuracy: 0.95, f1_macro: 0.94, log_loss: 0.2, 'recall/setosa': 1 },
        provenance: { pipelineId: 'pipe-1', pipelineVersion: 3, runId: 'run-7', stepId: 'train' },
      }),
    );
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'production', 2);
    store.setAlias('iris', 'staging', 2);
    store.setEndpoint('iris', {
      alias: 'production',
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    const { classes: _classes, ...regression } = version('wine', 'wine-1.onnx');
    store.registerModelVersion({
      ...regression,
      task: 'regression',
      label: 'quality',
      labelKind: 'number',
      outputs: [{ name: 'variable', kind: 'number', shape: [-1, 1] }],
    });
  } finally {
    store.close();
  }
}

function readStore<T>(home: string, read: (store: LoomStore) => T): T {
  const store = LoomStore.open(join(home, 'loom.db'));
  try {
    return read(store);
  } finally {
    store.close();
  }
}

describe('on a home without a store', { timeout: 60_000 }, () => {
  it('lists no models or endpoints and creates no store', async () => {
    const dir = await mkdtemp(join(work, 'empty-'));
    const models = await loomWithHome(['models'], dir);
    expect(models).toMatchObject({ code: 0, stderr: '' });
    expect(models.stdout).toContain(`no models are registered in ${join(dir, 'home', 'loom.db')}`);
    expect(JSON.parse((await loomWithHome(['endpoints', '--json'], dir)).stdout)).toEqual([]);
    const one = await loomWithHome(['models', 'iris'], dir);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(`loom models: no model "iris"; ${join(dir, 'home')} has no store yet (no loom.db)`);
    expect(existsSync(join(dir, 'home', 'loom.db'))).toBe(false);
  });
});

describe('loom models and loom endpoints', { timeout: 60_000 }, () => {
  let dir: string;
  let home: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(work, 'registry-'));
    home = join(dir, 'home');
    fillRegistry(home);
  });

  it('lists the models with their aliases and endpoints', async () => {
    const text = await loom(['models', '--home', home], dir);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^model\s+versions\s+latest\s+aliases\s+endpoint\s+description$/);
    expect(lines[1]).toMatch(
      /^iris\s+2\s+v2\s+production → v2, staging → v2\s+production: v2 10%, v1 90% \(canary split\)\s+Iris species$/,
    );
    expect(lines[2]).toMatch(/^wine\s+1\s+v1$/);

    const json = JSON.parse((await loomWithHome(['models', '--json'], dir)).stdout);
    expect(json).toMatchObject([
      {
        name: 'iris',
        description: 'Iris species',
        latestVersion: 2,
        versionCount: 2,
        aliases: [
          { alias: 'production', version: 2 },
          { alias: 'staging', version: 2 },
        ],
        endpoint: { model: 'iris', alias: 'production', routes: [{ version: 2 }, { version: 1 }] },
      },
      { name: 'wine', versionCount: 1, aliases: [], endpoint: null },
    ]);
  });

  it("shows one model's versions, newest first, with aliases, metrics and provenance", async () => {
    const text = await loomWithHome(['models', 'iris'], dir);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('iris  Iris species');
    expect(lines[1]).toMatch(/^aliases\s+production → v2, staging → v2$/);
    expect(lines[2]).toMatch(/^endpoint\s+production: v2 10%, v1 90% \(canary split\)$/);
    expect(lines[4]).toMatch(/^version\s+created\s+aliases\s+task\s+metrics\s+trained by\s+provenance$/);
    expect(lines[5]).toMatch(
      /^v2\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z\s+production, staging\s+classification \(setosa, versicolor, virginica\)\s+accuracy 0\.95, f1_macro 0\.94, log_loss 0\.2\s+train\.logistic_regression\s+run run-7 step train · pipeline pipe-1 v3$/,
    );
    expect(lines[6]).toMatch(/^v1\s.*\s+accuracy 0\.9, f1_macro 0\.89\s+train\.logistic_regression\s+—$/);

    const json = JSON.parse((await loomWithHome(['models', 'wine', '--json'], dir)).stdout);
    expect(json).toMatchObject({
      model: { name: 'wine', latestVersion: 1 },
      endpoint: null,
      versions: [{ version: 1, task: 'regression', label: 'quality', metrics: null }],
    });
  });

  it('names the models there are when asked for one that is not', async () => {
    const result = await loomWithHome(['models', 'irs'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: loom models: no model "irs"; registered in ${join(home, 'loom.db')}: iris, wine\n`,
    );
  });

  it('lists the endpoints with the alias they serve and where requests go', async () => {
    const text = await loomWithHome(['endpoints'], dir);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^endpoint\s+alias\s+routes\s+traffic\s+updated\s+path$/);
    expect(lines[1]).toMatch(
      /^iris\s+production → v2\s+v2 10%, v1 90%\s+canary split\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z\s+\/v2\/models\/iris$/,
    );
    expect(lines).toHaveLength(3);
    const json = JSON.parse((await loomWithHome(['endpoints', '--json'], dir)).stdout);
    expect(json).toEqual([
      {
        model: 'iris',
        alias: 'production',
        traffic: [
          { version: 2, percent: 10 },
          { version: 1, percent: 90 },
        ],
        routes: [
          { version: 2, percent: 10 },
          { version: 1, percent: 90 },
        ],
        updatedAt: expect.any(String),
      },
    ]);
  });
});

describe('loom rollback', { timeout: 60_000 }, () => {
  let dir: string;
  let home: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(work, 'rollback-'));
    home = join(dir, 'home');
    fillRegistry(home);
  });

  it('moves production back one version in one event, clears the canary, and prints from → to', async () => {
    const result = await loomWithHome(['rollback', 'iris'], dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('iris production: v2 → v1\nendpoint iris now routes v1 100%\n');
    const { aliases, endpoint, events } = readStore(home, (store) => ({
      aliases: store.getModel('iris')?.aliases,
      endpoint: store.getEndpoint('iris'),
      events: store.listModelEvents('iris') ?? [],
    }));
    expect(aliases).toMatchObject([
      { alias: 'production', version: 1 },
      { alias: 'staging', version: 2 },
    ]);
    expect(endpoint).toMatchObject({ traffic: [], routes: [{ version: 1, percent: 100 }] });
    const moves = events.filter((e) => e.kind === 'alias.moved' && e.alias === 'production');
    expect(moves).toHaveLength(3);
    expect(moves[0]).toMatchObject({ fromVersion: 2, toVersion: 1, rollbackOf: moves[1]?.id });
    expect(moves[0]?.by).toMatch(/^cli(:.+)?$/);

    // Back past where production was first set: there is nothing earlier.
    const again = await loomWithHome(['rollback', 'iris', '--json'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'error: loom rollback: alias "production" of model "iris" has no earlier version to roll back to (it has pointed at version 1 since it was set)\n',
    );
  });

  it('rolls back the alias --alias names, and prints the move as JSON', async () => {
    const store = LoomStore.open(join(home, 'loom.db'));
    store.setAlias('iris', 'staging', 1);
    store.close();
    const result = await loom(['rollback', 'iris', '--alias', 'staging', '--json', '--home', home], dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      model: 'iris',
      alias: 'staging',
      version: 2,
      previousVersion: 1,
      moved: true,
      updatedAt: expect.any(String),
      // The endpoint serves production: its canary stays.
      endpoint: expect.objectContaining({ alias: 'production', traffic: [expect.anything(), expect.anything()] }),
    });
  });

  it('refuses an unknown model or alias with exit 1, naming what there is', async () => {
    const alias = await loomWithHome(['rollback', 'iris', '--alias', 'canary'], dir);
    expect(alias.code).toBe(1);
    expect(alias.stderr).toBe(
      'error: loom rollback: model "iris" has no alias "canary"; its aliases: production, staging\n',
    );
    const noAliases = await loomWithHome(['rollback', 'wine'], dir);
    expect(noAliases.stderr).toBe('error: loom rollback: model "wine" has no alias "production"; it has no aliases\n');
    const model = await loomWithHome(['rollback', 'irs'], dir);
    expect(model.code).toBe(1);
    expect(model.stderr).toContain('loom rollback: no model "irs"; registered in');
    expect(readStore(home, (store) => store.getModel('iris')?.aliases[0]?.version)).toBe(2);
  });
});
