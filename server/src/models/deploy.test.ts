import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import { newRun, pipelineDocument, runId } from '../store/test-fixtures/runs.ts';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { deployModel, type ModelDeployment } from './deploy.ts';
import { storeModelRegistry } from './deploy-host.ts';

let test: TestApp;
let first: string;
let second: string;

beforeEach(async () => {
  test = await createTestApp();
  first = (await test.app.artifacts.put(exampleOnnx('logisticBinary'))).sha256;
  second = (await test.app.artifacts.put(exampleOnnx('softmaxIntegerClasses'))).sha256;
});
afterEach(() => test.close());

const deploy = (onnx: string, extra: Partial<ModelDeployment> = {}) =>
  deployModel(test.app.store, test.app.artifacts, {
    model: 'churn',
    alias: 'production',
    trafficPercent: 100,
    onnx,
    ...extra,
  });
const kinds = () =>
  (test.app.store.listModelEvents('churn') ?? []).map((e) => `${e.kind} ${e.fromVersion ?? '-'}→${e.toVersion ?? '-'}`);

describe('deployModel', () => {
  it('registers version 1, sets the alias and an endpoint that follows it', async () => {
    const result = await deploy(first, { metrics: { accuracy: 0.93 }, description: 'Who leaves' });
    expect(result).toEqual({
      model: 'churn',
      version: 1,
      created: true,
      alias: 'production',
      traffic: [{ version: 1, percent: 100 }],
    });
    expect(test.app.store.getEndpoint('churn')).toMatchObject({
      alias: 'production',
      traffic: [],
      routes: [{ version: 1, percent: 100 }],
    });
    expect(test.app.store.getModelVersion('churn', 1)).toMatchObject({
      metrics: { accuracy: 0.93 },
      aliases: ['production'],
    });
    expect(test.app.store.getModel('churn')?.description).toBe('Who leaves');
    expect(kinds()).toEqual(['alias.moved -→1', 'version.registered -→1']);
  });

  it('deploying the same ONNX again finds its version and changes nothing', async () => {
    await deploy(first);
    const before = test.app.store.getEndpoint('churn');
    const again = await deploy(first);
    expect(again).toEqual({
      model: 'churn',
      version: 1,
      created: false,
      alias: 'production',
      traffic: [{ version: 1, percent: 100 }],
    });
    expect(test.app.store.getEndpoint('churn')).toEqual(before);
    expect(kinds()).toHaveLength(2);
  });

  it('at 100% moves the alias to the new version; the endpoint follows', async () => {
    await deploy(first);
    const result = await deploy(second);
    expect(result).toEqual({
      model: 'churn',
      version: 2,
      created: true,
      alias: 'production',
      previousVersion: 1,
      traffic: [{ version: 2, percent: 100 }],
    });
    expect(test.app.store.getEndpoint('churn')?.routes).toEqual([{ version: 2, percent: 100 }]);
  });

  it('below 100% starts a canary: the alias stays, the endpoint splits between new and old', async () => {
    await deploy(first);
    const result = await deploy(second, { trafficPercent: 10 });
    expect(result).toMatchObject({
      version: 2,
      previousVersion: 1,
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    expect(test.app.store.getModel('churn')?.aliases).toMatchObject([{ alias: 'production', version: 1 }]);
    expect(test.app.store.getEndpoint('churn')).toMatchObject({
      alias: 'production',
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    // Promoting the canary: the alias moves and the split goes.
    const promoted = await deploy(second);
    expect(promoted).toMatchObject({ created: false, previousVersion: 1, traffic: [{ version: 2, percent: 100 }] });
    expect(test.app.store.getEndpoint('churn')?.traffic).toEqual([]);
  });

  it('below 100% with no alias yet sets the alias, with nothing to split', async () => {
    const result = await deploy(first, { trafficPercent: 25 });
    expect(result).toEqual({
      model: 'churn',
      version: 1,
      created: true,
      alias: 'production',
      traffic: [{ version: 1, percent: 100 }],
    });
    expect(test.app.store.getEndpoint('churn')?.traffic).toEqual([]);
  });

  it('points the endpoint at the alias deployed to', async () => {
    await deploy(first);
    await deploy(second, { alias: 'staging' });
    expect(test.app.store.getEndpoint('churn')).toMatchObject({
      alias: 'staging',
      routes: [{ version: 2, percent: 100 }],
    });
    expect(test.app.store.getModel('churn')?.aliases.map((a) => `${a.alias}@${a.version}`)).toEqual([
      'production@1',
      'staging@2',
    ]);
  });

  it("fills the run's pipeline and version into the provenance from its run id", async () => {
    const pipeline = test.app.store.createPipeline(pipelineDocument('churn-pipeline', ['export', 'deploy']));
    const id = runId(1);
    test.app.store.createRun(
      newRun(id, ['export', 'deploy'], { pipelineId: pipeline.pipelineId, pipelineVersion: pipeline.version }),
    );
    await deploy(first, { provenance: { runId: id, stepId: 'deploy' } });
    expect(test.app.store.getModelVersion('churn', 1)?.provenance).toEqual({
      pipelineId: pipeline.pipelineId,
      pipelineVersion: pipeline.version,
      runId: id,
      stepId: 'deploy',
    });
  });

  it('refuses a bad traffic share, alias or artifact, naming the field', async () => {
    await expect(deploy(first, { trafficPercent: 0 })).rejects.toMatchObject({
      reason: 'invalid',
      field: '/trafficPercent',
      message: 'trafficPercent must be an integer from 1 to 100, not 0',
    });
    await expect(deploy(first, { trafficPercent: 12.5 })).rejects.toBeInstanceOf(ModelRegistryError);
    await expect(deploy(first, { alias: '1st' })).rejects.toMatchObject({ reason: 'invalid', field: '/alias' });
    await expect(deploy('f'.repeat(64))).rejects.toMatchObject({
      field: '/onnx',
      message: `the artifact store holds no artifact ${'f'.repeat(64)}`,
    });
    expect(test.app.store.getModel('churn')).toBeUndefined();
  });
});

describe('storeModelRegistry', () => {
  const request = (onnx: string, model = 'churn') => ({
    model,
    alias: 'production',
    onnx: { sha256: onnx, size: 1, path: '/elsewhere' },
    trafficPercent: 100,
    provenance: { runId: 'r1', stepId: 'deploy', attempt: 1 },
  });

  it("deploys with the step as provenance and author, and gives the endpoint's url on the model server", async () => {
    const host = storeModelRegistry({
      store: test.app.store,
      artifacts: test.app.artifacts,
      home: test.app.config.home,
      modelServerUrl: () => 'http://models.example:9000/',
    });
    const result = await host.deploy(request(first));
    expect(result).toMatchObject({ version: 1, url: 'http://models.example:9000/v2/models/churn' });
    expect(test.app.store.getModelVersion('churn', 1)?.provenance).toMatchObject({ runId: 'r1', stepId: 'deploy' });
    expect(test.app.store.listModelEvents('churn')?.every((e) => e.by === 'run r1 step deploy')).toBe(true);
  });

  it('with the model server of this process, resolves once that server serves what was deployed', async () => {
    const serving = test.app.modelServing;
    if (serving === undefined) throw new Error('the test app has no model server');
    const host = storeModelRegistry({
      store: test.app.store,
      artifacts: test.app.artifacts,
      home: test.app.config.home,
      modelServerUrl: () => 'http://x',
      servedHere: () => serving,
    });
    await host.deploy(request(first));
    expect(serving.endpoint('churn')?.routes).toEqual([{ version: 1, percent: 100 }]);
    await host.deploy(request(second));
    expect(serving.endpoint('churn')?.routes).toEqual([{ version: 2, percent: 100 }]);
    expect(serving.served('churn', 1)).toBeUndefined();
  });

  it("turns the registry's refusal into an error the step does not retry", async () => {
    const host = storeModelRegistry({
      store: test.app.store,
      artifacts: test.app.artifacts,
      home: test.app.config.home,
      modelServerUrl: () => 'http://x',
    });
    await expect(host.deploy(request(first, 'bad name'))).rejects.toMatchObject({
      name: 'NodeError',
      retryable: false,
      message: expect.stringMatching(/^deploying model "bad name" was refused: model name "bad name" is invalid/),
    });
  });
});
