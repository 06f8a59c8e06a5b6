import {
  type DeployRequest,
  type DeployResult,
  type ModelRegistryAccess,
  NodeRegistry,
  upgradeNodeParams,
} from '@loom/sdk';
import { type RunNodeOptions, runNode } from '@loom/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { deployEndpoint, deployEndpointV1 } from './deploy-endpoint.ts';
import { deployNodes } from './index.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const onnx = { sha256: 'c'.repeat(64), size: 1234, path: '/artifacts/model.onnx' };
const validation = { accuracy: 0.95, f1_macro: 0.94, rows: 30 };

/** A registry double: it answers as the registry does for a first deploy, and notes what it was asked. */
function registry(
  answer: Partial<DeployResult> = {},
): Pick<ModelRegistryAccess, 'deploy'> & { asked: DeployRequest[] } {
  const asked: DeployRequest[] = [];
  return {
    asked,
    deploy: async (request) => {
      asked.push(request);
      return {
        model: request.model,
        version: 1,
        created: true,
        alias: request.alias,
        traffic: [{ version: 1, percent: 100 }],
        url: `http://127.0.0.1:8080/v2/models/${request.model}`,
        ...answer,
      };
    },
  };
}

async function run(options: RunNodeOptions<typeof deployEndpoint.params, typeof deployEndpoint.inputs>) {
  const result = await runNode(deployEndpoint, options);
  cleanups.push(result.cleanup);
  return result;
}

describe('deploy.endpoint', () => {
  it('deploys the ONNX model with its metrics to the production alias, and outputs the endpoint', async () => {
    const models = registry();
    const result = await run({ params: { model: 'iris' }, inputs: { onnx, metrics: validation }, models });
    expect(models.asked).toEqual([
      { model: 'iris', alias: 'production', onnx, trafficPercent: 100, metrics: validation, target: 'local' },
    ]);
    expect(result.outputs.endpoint).toEqual({
      url: 'http://127.0.0.1:8080/v2/models/iris',
      model: 'iris',
      version: 1,
      alias: 'production',
    });
    expect(result.metrics).toEqual({ version: 1 });
    expect(result.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'registered iris version 1; production serves v1 100% at http://127.0.0.1:8080/v2/models/iris',
      }),
    );
  });

  it('asks for a canary share, and says when the model held this ONNX file already', async () => {
    const models = registry({
      version: 2,
      created: false,
      previousVersion: 1,
      traffic: [
        { version: 2, percent: 10 },
        { version: 1, percent: 90 },
      ],
    });
    const result = await run({
      params: { model: 'iris', alias: 'staging', traffic_percent: 10 },
      inputs: { onnx },
      models,
    });
    expect(models.asked).toEqual([{ model: 'iris', alias: 'staging', onnx, trafficPercent: 10, target: 'local' }]);
    expect(result.outputs.endpoint).toMatchObject({ version: 2, alias: 'staging' });
    expect(result.logs[0]?.message).toBe(
      'iris already held this model as version 2; staging serves v2 10%, v1 90% at http://127.0.0.1:8080/v2/models/iris',
    );
  });

  it('deploys when every require_metrics rule holds, reporting the metrics it judged', async () => {
    const models = registry();
    const result = await run({
      params: {
        model: 'iris',
        require_metrics: [
          { metric: 'accuracy', min: 0.9 },
          { metric: 'f1_macro', min: 0.9, max: 1 },
        ],
      },
      inputs: { onnx, metrics: validation },
      models,
    });
    expect(models.asked).toHaveLength(1);
    expect(result.metrics).toEqual({ accuracy: 0.95, f1_macro: 0.94, version: 1 });
  });

  it('refuses to deploy, not retryable, naming the metric, when a rule fails', async () => {
    const models = registry();
    await expect(
      run({
        params: {
          model: 'iris',
          require_metrics: [{ metric: 'accuracy', min: 0.97 }, { metric: 'auc', min: 0.9 }, { metric: 'rows' }],
        },
        inputs: { onnx, metrics: validation },
        models,
      }),
    ).rejects.toMatchObject({
      name: 'NodeError',
      retryable: false,
      message:
        'not deployed: accuracy = 0.95 is below the minimum 0.97; metric "auc" is missing; rule for "rows" sets neither min nor max',
    });
    expect(models.asked).toEqual([]);
  });

  it('refuses to deploy when rules are set but no metrics are connected', async () => {
    const models = registry();
    await expect(
      run({ params: { model: 'iris', require_metrics: [{ metric: 'accuracy', min: 0.9 }] }, inputs: { onnx }, models }),
    ).rejects.toMatchObject({
      retryable: false,
      message:
        'require_metrics checks "accuracy", but no metrics are connected: connect validate.model\'s metrics to the metrics input',
    });
    expect(models.asked).toEqual([]);
  });

  it('checks the model name, alias and traffic share against the registry’s rules before running', async () => {
    for (const params of [
      { model: 'my model' },
      { model: '' },
      { model: 'iris', alias: '1st' },
      { model: 'iris', traffic_percent: 0 },
      { model: 'iris', traffic_percent: 101 },
      // Not a target: typed as one here, so that the node's own check is what refuses it.
      { model: 'iris', target: 'moon' as 'local' },
    ]) {
      await expect(run({ params, inputs: { onnx }, models: registry() }), JSON.stringify(params)).rejects.toThrow(
        /deploy\.endpoint@1\.1\.0: invalid params: \/(model|alias|traffic_percent|target)/,
      );
    }
  });

  it('passes on what the registry refused', async () => {
    const refusing: Pick<ModelRegistryAccess, 'deploy'> = {
      deploy: async () => {
        throw new Error('deploying model "iris" was refused: the artifact store holds no artifact cccc');
      },
    };
    await expect(run({ params: { model: 'iris' }, inputs: { onnx }, models: refusing })).rejects.toThrow(
      'deploying model "iris" was refused: the artifact store holds no artifact cccc',
    );
  });
});

describe('deploy.endpoint versions', () => {
  it('1.1.0 asks the registry for the target; 1.0.0 asks as it did', async () => {
    const models = registry({ url: 'http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris' });
    const result = await run({ params: { model: 'iris', target: 'kubernetes' }, inputs: { onnx }, models });
    expect(models.asked).toEqual([
      { model: 'iris', alias: 'production', onnx, trafficPercent: 100, target: 'kubernetes' },
    ]);
    expect(result.outputs.endpoint.url).toBe('http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris');
    const old = registry();
    const v1 = await runNode(deployEndpointV1, { params: { model: 'iris' }, inputs: { onnx }, models: old });
    cleanups.push(v1.cleanup);
    expect(old.asked).toEqual([{ model: 'iris', alias: 'production', onnx, trafficPercent: 100 }]);
    expect(deployNodes.map((n) => `${n.type}@${n.version}`)).toEqual([
      'deploy.endpoint@1.0.0',
      'deploy.endpoint@1.1.0',
    ]);
  });

  it("carries a 1.0.0 document's parameters up to 1.1.0 unchanged, target taking its default", () => {
    const nodes = new NodeRegistry(deployNodes.map((definition) => ({ definition, source: 'test' })));
    const params = { model: 'iris', traffic_percent: 10 };
    expect(upgradeNodeParams(nodes, 'deploy.endpoint', '1.0.0', undefined, params)).toEqual({
      ok: true,
      upgrade: { type: 'deploy.endpoint', version: '1.1.0', params, migrations: [] },
    });
  });
});
