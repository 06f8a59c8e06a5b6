import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';
import { ModelRegistryError } from './model-registry-error.ts';
import { classifierVersion, onnxHash } from './test-fixtures/models.ts';

let dir: string;
let store: LoomStore;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-models-'));
  clock = Date.UTC(2026, 2, 1);
  const now = () => {
    clock += 60_000;
    return new Date(clock);
  };
  store = LoomStore.open(join(dir, 'loom.db'), { now });
});

afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

/** What `action` threw, for assertions on a ModelRegistryError's reason, field and message. */
function refusal(action: () => unknown): ModelRegistryError {
  try {
    action();
  } catch (error) {
    if (error instanceof ModelRegistryError) return error;
    throw error;
  }
  throw new Error('expected a ModelRegistryError, but nothing was thrown');
}

/** Registers `count` versions of `model` (ONNX files v1.onnx, v2.onnx, …). */
function registerVersions(model: string, count: number): void {
  for (let v = 1; v <= count; v++) store.registerModelVersion(classifierVersion(model, `v${v}.onnx`));
}

describe('registering versions', () => {
  it('creates the model with its first version and numbers the next ones, keeping every field', () => {
    const first = store.registerModelVersion(
      classifierVersion('iris', 'a.onnx', {
        description: 'Iris species from petal and sepal sizes',
        lineage: { sources: ['sepal_length', 'species_hint'], features: 4 },
        metrics: { accuracy: 0.96, passed: true },
        provenance: { pipelineId: 'p1', pipelineVersion: 3, runId: 'r1', stepId: 'export' },
        by: 'deploy.endpoint',
      }),
    );
    expect(first.created).toBe(true);
    expect(first.version).toEqual({
      model: 'iris',
      version: 1,
      onnxSha256: onnxHash('a.onnx'),
      onnxSize: 1234,
      inputs: [
        { name: 'sepal_length', kind: 'number' },
        { name: 'species_hint', kind: 'string' },
      ],
      outputs: [
        { name: 'label', kind: 'string', shape: [-1] },
        { name: 'probabilities', kind: 'number', shape: [-1, 3] },
      ],
      task: 'classification',
      label: 'species',
      labelKind: 'string',
      classes: ['setosa', 'versicolor', 'virginica'],
      trainedBy: 'train.random_forest',
      lineage: { sources: ['sepal_length', 'species_hint'], features: 4 },
      metrics: { accuracy: 0.96, passed: true },
      provenance: { pipelineId: 'p1', pipelineVersion: 3, runId: 'r1', stepId: 'export' },
      createdAt: '2026-03-01T00:01:00.000Z',
      aliases: [],
      hasBaseline: false,
    });
    const second = store.registerModelVersion(
      classifierVersion('iris', 'b.onnx', { provenance: { runId: 'r2' }, description: 'ignored: not the first' }),
    );
    expect(second.version).toMatchObject({
      version: 2,
      lineage: null,
      metrics: null,
      provenance: { pipelineId: null, pipelineVersion: null, runId: 'r2', stepId: null },
    });
    expect(store.getModel('iris')).toEqual({
      name: 'iris',
      description: 'Iris species from petal and sepal sizes',
      createdAt: '2026-03-01T00:01:00.000Z',
      latestVersion: 2,
      versionCount: 2,
      aliases: [],
    });
    expect(store.getModelVersion('iris', 1)).toEqual(first.version);
    expect(store.listModelVersions('iris')?.map((v) => v.version)).toEqual([2, 1]);
  });

  it('gives back the existing version when the same ONNX is registered again, recording nothing', () => {
    registerVersions('iris', 2);
    const again = store.registerModelVersion(classifierVersion('iris', 'v1.onnx'));
    expect(again.created).toBe(false);
    expect(again.version.version).toBe(1);
    expect(store.listModelVersions('iris')).toHaveLength(2);
    expect(store.listModelEvents('iris')?.filter((event) => event.kind === 'version.registered')).toHaveLength(2);
    // The same file under another model is that model's own version.
    expect(store.registerModelVersion(classifierVersion('iris-copy', 'v1.onnx')).version.version).toBe(1);
  });

  it('lists models by name and answers undefined for an unknown one', () => {
    registerVersions('wine', 1);
    registerVersions('iris', 3);
    store.setAlias('iris', 'production', 2);
    expect(store.listModels()).toEqual([
      expect.objectContaining({
        name: 'iris',
        latestVersion: 3,
        versionCount: 3,
        aliases: [{ alias: 'production', version: 2, updatedAt: expect.any(String) }],
      }),
      expect.objectContaining({ name: 'wine', latestVersion: 1, versionCount: 1, aliases: [] }),
    ]);
    expect(store.getModel('nope')).toBeUndefined();
    expect(store.listModelVersions('nope')).toBeUndefined();
    expect(store.getModelVersion('iris', 9)).toBeUndefined();
    expect(store.listModelEvents('nope')).toBeUndefined();
  });

  it('refuses a model name that cannot stand in a URL', () => {
    for (const name of ['', '-iris', 'iris/2', 'iris model', 'x'.repeat(129)]) {
      const error = refusal(() => store.registerModelVersion(classifierVersion(name, 'a.onnx')));
      expect(error.reason).toBe('invalid');
      expect(error.message).toContain(`model name "${name}" is invalid`);
    }
    expect(store.listModels()).toEqual([]);
  });

  it('never gives a deleted version’s number again', () => {
    registerVersions('iris', 2);
    store.deleteModelVersion('iris', 2);
    expect(store.registerModelVersion(classifierVersion('iris', 'v3.onnx')).version.version).toBe(3);
    // Its ONNX registered again is a new version: the old one is gone.
    expect(store.registerModelVersion(classifierVersion('iris', 'v2.onnx')).version.version).toBe(4);
    expect(store.getModel('iris')).toMatchObject({ latestVersion: 4, versionCount: 3 });
  });
});

describe('aliases', () => {
  it('sets and moves an alias, one event per move, and none when it already points there', () => {
    registerVersions('iris', 3);
    expect(store.setAlias('iris', 'production', 1, 'ana')).toEqual({
      alias: 'production',
      version: 1,
      previousVersion: null,
      moved: true,
      updatedAt: expect.any(String),
    });
    expect(store.setAlias('iris', 'production', 2)).toMatchObject({ version: 2, previousVersion: 1, moved: true });
    const unchanged = store.setAlias('iris', 'production', 2);
    expect(unchanged).toMatchObject({ version: 2, previousVersion: 2, moved: false });
    store.setAlias('iris', 'staging', 2);
    expect(store.getModelVersion('iris', 2)?.aliases).toEqual(['production', 'staging']);
    expect(store.getModelVersion('iris', 1)?.aliases).toEqual([]);
    expect(store.listModelEvents('iris')?.filter((event) => event.kind === 'alias.moved')).toEqual([
      expect.objectContaining({ alias: 'staging', toVersion: 2 }),
      expect.objectContaining({ alias: 'production', fromVersion: 1, toVersion: 2 }),
      {
        id: expect.any(Number),
        model: 'iris',
        kind: 'alias.moved',
        alias: 'production',
        toVersion: 1,
        at: expect.any(String),
        by: 'ana',
      },
    ]);
  });

  it('refuses an unknown model or version and a malformed alias', () => {
    registerVersions('iris', 1);
    expect(refusal(() => store.setAlias('nope', 'production', 1))).toMatchObject({
      reason: 'not-found',
      message: 'no model "nope"',
    });
    expect(refusal(() => store.setAlias('iris', 'production', 7))).toMatchObject({
      reason: 'not-found',
      message: 'model "iris" has no version 7',
    });
    expect(refusal(() => store.setAlias('iris', '2', 1))).toMatchObject({
      reason: 'invalid',
      message: expect.stringContaining('alias "2" is invalid'),
    });
  });

  it('removes an alias with an event, but not one the endpoint serves', () => {
    registerVersions('iris', 1);
    store.setAlias('iris', 'staging', 1);
    store.setAlias('iris', 'production', 1);
    store.setEndpoint('iris', { alias: 'production' });
    store.removeAlias('iris', 'staging', 'ana');
    expect(store.getModel('iris')?.aliases.map((a) => a.alias)).toEqual(['production']);
    expect(store.listModelEvents('iris')?.[0]).toMatchObject({
      kind: 'alias.removed',
      alias: 'staging',
      fromVersion: 1,
      by: 'ana',
    });
    expect(refusal(() => store.removeAlias('iris', 'staging'))).toMatchObject({
      reason: 'not-found',
      message: 'model "iris" has no alias "staging"',
    });
    expect(refusal(() => store.removeAlias('iris', 'production'))).toMatchObject({
      reason: 'conflict',
      message: expect.stringContaining('alias "production" of model "iris" is served by the model\'s endpoint'),
    });
  });
});

describe('deleting a version', () => {
  it('is refused while an alias points at it or the endpoint routes to it, naming each', () => {
    registerVersions('iris', 3);
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'staging', 1);
    store.setAlias('iris', 'canary', 3);
    store.setEndpoint('iris', {
      alias: 'canary',
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });

    expect(refusal(() => store.deleteModelVersion('iris', 1))).toMatchObject({
      reason: 'conflict',
      message:
        'version 1 of model "iris" is in use: alias "production" points at it; alias "staging" points at it; ' +
        "the model's endpoint sends 90% of its requests to it. Move the alias or change the endpoint first",
    });
    expect(refusal(() => store.deleteModelVersion('iris', 2)).message).toContain('sends 10% of its requests');
    expect(refusal(() => store.deleteModelVersion('iris', 4))).toMatchObject({
      reason: 'not-found',
      message: 'model "iris" has no version 4',
    });
    expect(store.listModelVersions('iris')).toHaveLength(3);

    store.setEndpoint('iris', { alias: 'canary' });
    store.deleteModelVersion('iris', 2, 'ana');
    expect(store.getModelVersion('iris', 2)).toBeUndefined();
    expect(store.listModelEvents('iris')?.[0]).toMatchObject({ kind: 'version.deleted', fromVersion: 2, by: 'ana' });
  });
});

describe('rollback', () => {
  it('moves the alias back one version per call, along its own history', () => {
    registerVersions('iris', 3);
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'production', 2);
    store.setAlias('iris', 'staging', 1);
    store.setAlias('iris', 'production', 3);

    expect(store.rollback('iris', 'production', 'ana')).toMatchObject({ version: 2, previousVersion: 3, moved: true });
    const [rollbackEvent, moveToThree] = [
      store.listModelEvents('iris')?.[0],
      store.listModelEvents('iris')?.find((event) => event.toVersion === 3 && event.kind === 'alias.moved'),
    ];
    expect(rollbackEvent).toMatchObject({
      kind: 'alias.moved',
      alias: 'production',
      fromVersion: 3,
      toVersion: 2,
      rollbackOf: moveToThree?.id,
      by: 'ana',
    });
    expect(store.rollback('iris', 'production').version).toBe(1);
    expect(refusal(() => store.rollback('iris', 'production'))).toMatchObject({
      reason: 'conflict',
      message:
        'alias "production" of model "iris" has no earlier version to roll back to (it has pointed at version 1 since it was set)',
    });
    // A move after a rollback is undone by the next rollback.
    store.setAlias('iris', 'production', 3);
    expect(store.rollback('iris', 'production').version).toBe(1);
    expect(store.getModel('iris')?.aliases).toEqual([
      expect.objectContaining({ alias: 'production', version: 1 }),
      expect.objectContaining({ alias: 'staging', version: 1 }),
    ]);
  });

  it('starts the history again when an alias is removed and set anew', () => {
    registerVersions('iris', 2);
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'production', 2);
    store.removeAlias('iris', 'production');
    store.setAlias('iris', 'production', 2);
    expect(refusal(() => store.rollback('iris', 'production')).reason).toBe('conflict');
  });

  it('is refused when the previous version was deleted, or the alias is unknown', () => {
    registerVersions('iris', 2);
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'production', 2);
    store.deleteModelVersion('iris', 1);
    expect(refusal(() => store.rollback('iris', 'production'))).toMatchObject({
      reason: 'conflict',
      message: 'cannot roll alias "production" of model "iris" back: its previous version 1 has been deleted',
    });
    expect(refusal(() => store.rollback('iris', 'staging')).reason).toBe('not-found');
    expect(refusal(() => store.rollback('nope', 'production')).message).toBe('no model "nope"');
  });

  it('clears a canary split on the endpoint serving the alias, so only the version rolled back to serves', () => {
    registerVersions('iris', 2);
    store.setAlias('iris', 'production', 1);
    store.setAlias('iris', 'production', 2);
    store.setEndpoint('iris', {
      alias: 'production',
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    store.rollback('iris', 'production');
    expect(store.getEndpoint('iris')).toMatchObject({
      alias: 'production',
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
    });
  });
});

describe('endpoints', () => {
  it('serves the alias’s version, following the alias as it moves', () => {
    registerVersions('iris', 2);
    store.setAlias('iris', 'production', 1);
    expect(store.setEndpoint('iris', { alias: 'production' })).toEqual({
      model: 'iris',
      alias: 'production',
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
      updatedAt: expect.any(String),
    });
    store.setAlias('iris', 'production', 2);
    expect(store.getEndpoint('iris')?.routes).toEqual([{ version: 2, percent: 100 }]);
  });

  it('keeps a canary split, lists endpoints by model and removes one', () => {
    registerVersions('iris', 2);
    registerVersions('wine', 1);
    store.setAlias('iris', 'production', 1);
    store.setAlias('wine', 'production', 1);
    store.setEndpoint('wine', { alias: 'production' });
    const split = [
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ];
    expect(store.setEndpoint('iris', { alias: 'production', traffic: split })).toMatchObject({
      traffic: split,
      routes: split,
    });
    expect(store.listEndpoints().map((endpoint) => endpoint.model)).toEqual(['iris', 'wine']);
    expect(store.removeEndpoint('wine')).toBe(true);
    expect(store.removeEndpoint('wine')).toBe(false);
    expect(store.getEndpoint('wine')).toBeUndefined();
    // Now the alias can go.
    store.removeAlias('wine', 'production');
  });

  it('refuses a split that names a version twice, an unknown version, a bad share or a wrong total', () => {
    registerVersions('iris', 2);
    store.setAlias('iris', 'production', 1);
    const cases = [
      {
        traffic: [
          { version: 1, percent: 50 },
          { version: 1, percent: 50 },
        ],
        field: '/traffic/1/version',
        message: 'traffic names version 1 twice',
      },
      {
        traffic: [{ version: 9, percent: 100 }],
        field: '/traffic/0/version',
        message: 'traffic share 0: model "iris" has no version 9',
      },
      {
        traffic: [{ version: 1, percent: 101 }],
        field: '/traffic/0/percent',
        message: 'traffic share 0: percent must be an integer from 0 to 100',
      },
      {
        traffic: [
          { version: 1, percent: 12.5 },
          { version: 2, percent: 87.5 },
        ],
        field: '/traffic/0/percent',
        message: expect.stringContaining('integer'),
      },
      {
        traffic: [
          { version: 1, percent: 60 },
          { version: 2, percent: 30 },
        ],
        field: '/traffic',
        message: 'the traffic shares sum to 90%, not 100%',
      },
    ];
    for (const { traffic, field, message } of cases) {
      expect(refusal(() => store.setEndpoint('iris', { alias: 'production', traffic }))).toMatchObject({
        reason: 'invalid',
        field,
        message,
      });
    }
    expect(refusal(() => store.setEndpoint('iris', { alias: 'staging' }))).toMatchObject({
      reason: 'invalid',
      field: '/alias',
      message: 'model "iris" has no alias "staging"',
    });
    expect(refusal(() => store.setEndpoint('nope', { alias: 'production' })).reason).toBe('not-found');
    expect(store.listEndpoints()).toEqual([]);
  });
});

describe('servingRevision', () => {
  it('changes with every change to what endpoints serve, and only then', () => {
    const seen = new Set<string>();
    const changed = (what: string) => {
      const revision = store.servingRevision();
      expect(seen.has(revision), what).toBe(false);
      seen.add(revision);
    };
    changed('empty store');
    registerVersions('iris', 2);
    changed('versions registered');
    store.setAlias('iris', 'production', 1);
    changed('alias set');
    store.setEndpoint('iris', { alias: 'production' });
    changed('endpoint set');
    const before = store.servingRevision();
    store.listEndpoints();
    store.getModelVersion('iris', 1);
    expect(store.servingRevision(), 'reads change nothing').toBe(before);
    store.setEndpoint('iris', {
      alias: 'production',
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    changed('canary split');
    store.setAlias('iris', 'production', 2);
    changed('alias moved');
    store.removeEndpoint('iris');
    changed('endpoint removed');
  });
});

describe('two processes on one store', () => {
  const SCRIPT = fileURLToPath(new URL('./test-fixtures/register-same-onnx.ts', import.meta.url));
  const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

  it('registering the same ONNX at once from several processes makes one version', async () => {
    const path = join(dir, 'loom.db');
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, path], { cwd: REPO_ROOT, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const ready = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ready\n')) resolve();
        }),
      );
      const done = new Promise<string>((resolve, reject) =>
        child.on('exit', (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`a registering process exited with ${code}:\n${stderr}`)),
        ),
      );
      return { child, ready, done };
    });
    await Promise.all(children.map(({ ready }) => ready));
    // Released together, so the registrations race for the write lock.
    for (const { child } of children) child.stdin.write('go\n');
    const answers = (await Promise.all(children.map(({ done }) => done))).map((out) =>
      JSON.parse(out.split('\n').filter(Boolean).at(-1) ?? ''),
    );
    expect(answers.map((answer) => answer.version)).toEqual([1, 1, 1, 1]);
    expect(answers.filter((answer) => answer.created)).toHaveLength(1);
    expect(store.listModelVersions('iris')).toHaveLength(1);
    expect(store.listModelEvents('iris')).toHaveLength(1);
  }, 30_000);
});
