import { AppsV1Api, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KubernetesTestServer,
  type KubernetesTestServerOptions,
  startKubernetesTestServer,
} from './kubernetes-test-server.ts';
import { eventually, kubeConfigFor, statusBody } from './test-support.ts';

let cluster: KubernetesTestServer | undefined;
afterEach(() => cluster?.close());

function deployment(image: string, replicas?: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'endpoint', labels: { app: 'endpoint' } },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'endpoint' } },
      template: { metadata: { labels: { app: 'endpoint' } }, spec: { containers: [{ name: 'serve', image }] } },
    },
  };
}

async function setup(options: KubernetesTestServerOptions = {}) {
  cluster = await startKubernetesTestServer(options);
  const apps = kubeConfigFor(cluster.kubeconfig).makeApiClient(AppsV1Api);
  const apply = (body: V1Deployment, fieldManager = 'loom', force = true) =>
    apps.patchNamespacedDeployment(
      { name: 'endpoint', namespace: 'default', body, fieldManager, force },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  const condition = (type: string, reason: string) =>
    eventually(async () => {
      const live = await apps.readNamespacedDeployment({ name: 'endpoint', namespace: 'default' });
      return live.status?.conditions?.some((entry) => entry.type === type && entry.reason === reason)
        ? live
        : undefined;
    });
  return { apps, apply, condition };
}

describe('Kubernetes test server: Deployments by server-side apply', () => {
  it('creates, then updates, recording managedFields and rolling out', async () => {
    const { apply, condition } = await setup();
    const created = await apply(deployment('serve:1', 2));
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'loom',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    });
    const fields = JSON.stringify(created.metadata?.managedFields?.[0]?.fieldsV1);
    expect(fields).toContain('"f:replicas"');
    expect(fields).toContain('k:{\\"name\\":\\"serve\\"}');
    const rolled = await condition('Progressing', 'NewReplicaSetAvailable');
    expect(rolled.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(rolled.status?.conditions?.find((entry) => entry.type === 'Available')?.status).toBe('True');
    const updated = await apply(deployment('serve:2', 2));
    expect(updated.metadata?.generation).toBe(2);
    expect(updated.spec?.template.spec?.containers[0]?.image).toBe('serve:2');
    const again = await condition('Progressing', 'NewReplicaSetAvailable');
    expect(again.status?.observedGeneration).toBe(2);
    expect(cluster?.requests.filter((request) => request.method === 'PATCH').map((request) => request.status)).toEqual([
      201, 200,
    ]);
    expect(cluster?.requests.find((request) => request.method === 'PATCH')?.contentType).toBe(
      'application/apply-patch+yaml',
    );
  });

  it('answers 409 Conflict when another manager applies a different value without force', async () => {
    const { apply } = await setup();
    await apply(deployment('serve:1', 2));
    const error = await apply(deployment('serve:1', 3), 'kubectl', false).catch((caught: unknown) => caught);
    expect(statusBody(error)).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "loom" using apps/v1: .spec.replicas',
    });
    const forced = await apply(deployment('serve:1', 3), 'kubectl', true);
    expect(forced.spec?.replicas).toBe(3);
  });

  it('reports ProgressDeadlineExceeded for a Deployment that never becomes ready', async () => {
    const { apply, condition } = await setup({ deploymentBehaviour: () => 'neverReady' });
    const body = deployment('broken:1');
    if (body.spec !== undefined) body.spec.progressDeadlineSeconds = 100;
    await apply(body);
    const live = await condition('Progressing', 'ProgressDeadlineExceeded');
    const progressing = live.status?.conditions?.find((entry) => entry.type === 'Progressing');
    expect(progressing?.status).toBe('False');
    expect(progressing?.message).toMatch(/^ReplicaSet "endpoint-[a-z0-9]+" has timed out progressing\.$/);
    expect(live.status?.availableReplicas).toBeUndefined();
  });

  it('answers 415 for an unsupported patch type', async () => {
    const { apps } = await setup();
    await expect(
      apps.patchNamespacedDeployment(
        { name: 'endpoint', namespace: 'default', body: {} },
        setHeaderOptions('Content-Type', 'application/x-yaml'),
      ),
    ).rejects.toMatchObject({ code: 415 });
  });
});
