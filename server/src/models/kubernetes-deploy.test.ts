import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubernetesTestServer, startKubernetesTestServer } from '@loom/kubernetes/testing';
import type { HostDeployRequest } from '@loom/runtime';
import { NodeError } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleOnnx } from '../test-fixtures/onnx-models.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { storeModelRegistry } from './deploy-host.ts';
import { type KubernetesEndpointsSource, kubernetesEndpointsFromEnv } from './kubernetes-deploy.ts';

/**
 * deploy.endpoint with target kubernetes against the Kubernetes API test server (@loom/kubernetes/testing)
 * over real HTTP: client-node's server-side apply, the Deployment controller's rollout, and its
 * ProgressDeadlineExceeded (600 s scaled to 0.6 s) for a Deployment whose pods never become ready.
 */
let test: TestApp | undefined;
let cluster: KubernetesTestServer | undefined;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-k8s-deploy-'));
});
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  await test?.close();
  test = undefined;
  await rm(dir, { recursive: true, force: true });
});

/**
 * The test server; the Loom server's Kubernetes endpoints from an environment naming its kubeconfig;
 * an app with them, two ONNX files in its artifact store, and its registry as steps get it.
 */
async function setup(neverReady: (routes: string) => boolean = () => false) {
  cluster = await startKubernetesTestServer({
    deploymentBehaviour: (deployment) =>
      neverReady(deployment.spec?.template?.metadata?.annotations?.['loom.dev/routes'] ?? '') ? 'neverReady' : 'ready',
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfig);
  const kubernetes = kubernetesEndpointsFromEnv(
    {
      KUBECONFIG: kubeconfig,
      LOOM_KUBERNETES_ENDPOINT_IMAGE: 'loom/model-server:0.1.0',
      LOOM_KUBERNETES_ENDPOINT_NAMESPACE: 'ml',
    },
    { pollMs: 20, backoff: { initialMs: 10, maxMs: 50 } },
  );
  test = await createTestApp({ kubernetesEndpoints: kubernetes });
  const app = test.app;
  const onnx = {
    first: (await app.artifacts.put(exampleOnnx('logisticBinary'))).sha256,
    second: (await app.artifacts.put(exampleOnnx('softmaxIntegerClasses'))).sha256,
  };
  return { app, onnx, models: registry(test, kubernetes) };
}

function registry(test: TestApp, kubernetes: KubernetesEndpointsSource) {
  return storeModelRegistry({
    store: test.app.store,
    artifacts: test.app.artifacts,
    home: test.home,
    modelServerUrl: () => 'http://127.0.0.1:8080',
    kubernetes,
  });
}

const request = (sha256: string, extra: Partial<HostDeployRequest> = {}): HostDeployRequest => ({
  model: 'iris',
  alias: 'production',
  onnx: { sha256, size: 1, path: '/unused' },
  trafficPercent: 100,
  target: 'kubernetes',
  provenance: { runId: 'run-1', stepId: 'deploy', attempt: 1 },
  ...extra,
});

type Deployment = {
  metadata: { name: string; generation: number; managedFields?: Array<{ manager: string; operation: string }> };
  spec: { template: { metadata: { annotations: Record<string, string> } } };
};
const routesOnCluster = () =>
  cluster?.objects<Deployment>('Deployment', 'ml').map((d) => d.spec.template.metadata.annotations['loom.dev/routes']);

describe('deploy.endpoint with target kubernetes', () => {
  it('applies the Deployment, Service and HPA with field manager loom, waits for the rollout, answers the Service address', async () => {
    const { app, onnx, models } = await setup();
    const deployed = await models.deploy(request(onnx.first));
    expect(deployed).toMatchObject({
      model: 'iris',
      version: 1,
      created: true,
      traffic: [{ version: 1, percent: 100 }],
    });
    expect(deployed.url).toBe('http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris');

    const applies = (cluster?.requests ?? []).filter((r) => r.method === 'PATCH');
    expect(applies.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/ml/services/loom-endpoint-iris',
      '/apis/autoscaling/v2/namespaces/ml/horizontalpodautoscalers/loom-endpoint-iris',
      '/apis/apps/v1/namespaces/ml/deployments/loom-endpoint-iris',
    ]);
    for (const apply of applies) {
      expect(apply.contentType).toBe('application/apply-patch+yaml');
      expect(apply.query).toMatchObject({ fieldManager: 'loom', force: 'true' });
      expect(apply.status).toBeLessThan(300);
    }
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler'] as const) {
      const [object] = cluster?.objects<Deployment>(kind, 'ml') ?? [];
      expect(object?.metadata.name).toBe('loom-endpoint-iris');
      expect(object?.metadata.managedFields).toContainEqual(
        expect.objectContaining({ manager: 'loom', operation: 'Apply' }),
      );
    }
    expect(routesOnCluster()).toEqual(['1:100']);

    // The next version rolls the pods: the template's routes change.
    const next = await models.deploy(request(onnx.second));
    expect(next).toMatchObject({ version: 2, previousVersion: 1 });
    expect(routesOnCluster()).toEqual(['2:100']);

    // Rolling the alias back over the API re-applies the Deployment with the routes rolled back to.
    const rolled = await app.inject({
      method: 'POST',
      url: '/api/models/iris/aliases/production/rollback',
      payload: {},
    });
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json()).toMatchObject({ previousVersion: 2, version: 1 });
    expect(routesOnCluster()).toEqual(['1:100']);
  });

  it('a canary pins the pods to both versions', async () => {
    const { onnx, models } = await setup();
    await models.deploy(request(onnx.first));
    const canary = await models.deploy(request(onnx.second, { trafficPercent: 10 }));
    expect(canary.traffic).toEqual([
      { version: 2, percent: 10 },
      { version: 1, percent: 90 },
    ]);
    expect(routesOnCluster()).toEqual(['2:10,1:90']);
  });

  it('a rollout that never becomes ready rolls the alias back, re-applies the previous routes and fails the step', async () => {
    const { app, onnx, models } = await setup((routes) => routes.startsWith('2:'));
    await models.deploy(request(onnx.first));
    const failed = await models.deploy(request(onnx.second)).catch((cause: unknown) => cause);
    expect(failed).toBeInstanceOf(NodeError);
    expect((failed as NodeError).retryable).toBe(false);
    expect((failed as Error).message).toMatch(
      /^deploying model "iris" was refused: rollout of iris v2 on Kubernetes failed: ProgressDeadlineExceeded: .+; rolled the alias production back to v1; the Deployment serves v1 again$/,
    );
    expect(app.store.getModel('iris')?.aliases).toEqual([expect.objectContaining({ alias: 'production', version: 1 })]);
    expect(app.store.getEndpoint('iris')?.routes).toEqual([{ version: 1, percent: 100 }]);
    expect(routesOnCluster()).toEqual(['1:100']);
  });

  it('refuses, naming what is missing, when the server has no Kubernetes configuration; the registry is untouched', async () => {
    test = await createTestApp();
    const sha256 = (await test.app.artifacts.put(exampleOnnx('logisticBinary'))).sha256;
    const noKubeconfig = kubernetesEndpointsFromEnv({
      KUBECONFIG: join(dir, 'missing'),
      LOOM_KUBERNETES_ENDPOINT_IMAGE: 'loom/model-server:0.1.0',
    });
    const refused = await registry(test, noKubeconfig)
      .deploy(request(sha256))
      .catch((cause: unknown) => cause);
    expect(refused).toBeInstanceOf(NodeError);
    expect((refused as NodeError).retryable).toBe(false);
    expect((refused as Error).message).toMatch(
      /deploying model "iris" with target kubernetes needs this Loom server to be configured for Kubernetes: no Kubernetes configuration found; tried \$KUBECONFIG \(.*missing: no such file\)/,
    );
    const noImage = kubernetesEndpointsFromEnv({});
    await expect(registry(test, noImage).deploy(request(sha256))).rejects.toThrow(
      /configured for Kubernetes: LOOM_KUBERNETES_ENDPOINT_IMAGE is not set/,
    );
    expect(test.app.store.getModel('iris')).toBeUndefined();
    // Over the HTTP API (a loom worker's deploy): 400 naming the field.
    const answer = await test.app.inject({
      method: 'POST',
      url: '/api/models/iris/deployments',
      payload: { onnx: sha256, alias: 'production', target: 'kubernetes' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().message).toMatch(/configured for Kubernetes/);
  });
});
