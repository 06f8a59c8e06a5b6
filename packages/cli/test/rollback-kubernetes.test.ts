/**
 * `loom rollback` of an endpoint deployed to Kubernetes re-applies its Deployment with the routes rolled
 * back to, as the API does (its pods are pinned to versions), against the Kubernetes API test server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubernetesTestServer } from '@loom/kubernetes/testing';
import { LocalArtifactStore } from '@loom/runtime';
import { kubernetesEndpointsFromEnv, storeModelRegistry } from '@loom/server/models';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleOnnx } from '../../../server/src/test-fixtures/onnx-models.ts';
import { rollbackCommand } from '../src/commands/rollback.ts';
import { openRunStore } from '../src/run-store.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

describe('loom rollback of an endpoint on Kubernetes', () => {
  it('moves the alias back and re-applies the Deployment with the earlier version', async () => {
    const home = await mkdtemp(join(tmpdir(), 'loom-rollback-k8s-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    const cluster = await startKubernetesTestServer();
    cleanups.push(() => cluster.close());
    const kubeconfig = join(home, 'kubeconfig');
    await writeFile(kubeconfig, cluster.kubeconfig);
    const kubernetes = kubernetesEndpointsFromEnv(
      { KUBECONFIG: kubeconfig, LOOM_KUBERNETES_ENDPOINT_IMAGE: 'loom/model-server:0.1.0' },
      { pollMs: 20, backoff: { initialMs: 10, maxMs: 50 } },
    );
    const artifacts = new LocalArtifactStore(home);
    const store = openRunStore(home);
    try {
      const models = storeModelRegistry({
        store,
        artifacts,
        home,
        modelServerUrl: () => 'http://127.0.0.1:8080',
        kubernetes,
      });
      for (const example of ['logisticBinary', 'softmaxIntegerClasses'] as const) {
        const onnx = await artifacts.put(exampleOnnx(example));
        await models.deploy({
          model: 'iris',
          alias: 'production',
          onnx: { ...onnx, path: '/unused' },
          trafficPercent: 100,
          target: 'kubernetes',
          provenance: { runId: 'run-1', stepId: 'deploy', attempt: 1 },
        });
      }
    } finally {
      store.close();
    }
    const routes = () =>
      cluster
        .objects<{ spec: { template: { metadata: { annotations: Record<string, string> } } } }>('Deployment')
        .map((deployment) => deployment.spec.template.metadata.annotations['loom.dev/routes']);
    expect(routes()).toEqual(['2:100']);

    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    expect(await rollbackCommand('iris', { home }, kubernetes)).toBe(0);
    expect(printed.join('')).toMatch(
      /^iris production: v2 → v1\nendpoint iris now routes v1.*\nthe Kubernetes Deployment loom-endpoint-iris serves v1\n$/,
    );
    expect(routes()).toEqual(['1:100']);
  });
});
