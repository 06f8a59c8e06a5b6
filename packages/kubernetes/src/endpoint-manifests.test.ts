import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { kubernetesEndpointConfigFromEnv } from './endpoint-config.ts';
import {
  ENDPOINT_ANNOTATIONS,
  endpointManifests,
  endpointObjectName,
  endpointServiceUrl,
  formatServeRoutes,
} from './endpoint-manifests.ts';
import { rolloutVerdict } from './endpoint-rollout.ts';

const config = kubernetesEndpointConfigFromEnv(
  { LOOM_KUBERNETES_ENDPOINT_IMAGE: 'loom/model-server:0.1.0' },
  { namespace: 'ml' },
);
const canary = [
  { version: 3, percent: 90 },
  { version: 4, percent: 10 },
];

describe('endpointManifests', () => {
  it('builds a Deployment, Service and HPA that the official schemas accept', () => {
    const { deployment, service, hpa } = endpointManifests(config, 'iris', canary);
    // The models' validate() checks every field against the OpenAPI schema of Kubernetes 1.x.
    expect(() => new Deployment(deployment as never).validate()).not.toThrow();
    expect(() => new Service(service as never).validate()).not.toThrow();
    expect(() => new HorizontalPodAutoscaler(hpa as never).validate()).not.toThrow();
    for (const object of [deployment, service, hpa]) {
      expect(object.metadata).toMatchObject({ name: 'loom-endpoint-iris', namespace: 'ml' });
    }
  });

  it('runs loom serve on the shared home, pinned to the routes, and rolls the pods when they change', () => {
    const { deployment } = endpointManifests(config, 'iris', canary);
    const pod = deployment.spec?.template;
    const container = pod?.spec?.containers[0];
    expect(container?.args).toEqual([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '8081',
      '--home',
      '/var/lib/loom',
      '--threads',
      '2',
    ]);
    expect(container?.env).toEqual([
      { name: 'LOOM_SERVE_MODEL', value: 'iris' },
      { name: 'LOOM_SERVE_ROUTES', value: '3:90,4:10' },
      { name: 'LOOM_API_TOKEN', valueFrom: { secretKeyRef: { name: 'loom-api-token', key: 'token' } } },
    ]);
    expect(container?.volumeMounts).toEqual([{ name: 'home', mountPath: '/var/lib/loom' }]);
    expect(pod?.spec?.volumes).toEqual([{ name: 'home', persistentVolumeClaim: { claimName: 'loom-home' } }]);
    expect(container?.readinessProbe?.httpGet?.path).toBe('/v2/health/ready');
    expect(pod?.metadata?.annotations?.[ENDPOINT_ANNOTATIONS.routes]).toBe('3:90,4:10');
    // The HPA owns the count: an apply that set replicas would undo its scaling at every deploy.
    expect(deployment.spec?.replicas).toBeUndefined();
    for (const [key, value] of Object.entries(deployment.spec?.selector.matchLabels ?? {}))
      expect(pod?.metadata?.labels?.[key]).toBe(value);
    const next = endpointManifests(config, 'iris', [{ version: 4, percent: 100 }]).deployment;
    expect(next.spec?.template.metadata?.annotations?.[ENDPOINT_ANNOTATIONS.routes]).toBe('4:100');
  });

  it('points the Service at the pods on 8081 and scales on CPU as configured', () => {
    const tuned = kubernetesEndpointConfigFromEnv({
      LOOM_KUBERNETES_ENDPOINT_IMAGE: 'loom/model-server:0.1.0',
      LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS: '3',
      LOOM_KUBERNETES_ENDPOINT_MAX_REPLICAS: '7',
      LOOM_KUBERNETES_ENDPOINT_CPU_TARGET: '55',
    });
    const { deployment, service, hpa } = endpointManifests(tuned, 'iris', canary);
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 8081, targetPort: 'http' }]);
    expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'loom-endpoint-iris' },
      minReplicas: 3,
      maxReplicas: 7,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } },
      ],
    });
    expect(tuned.namespace).toBe('default');
  });

  it('names objects with DNS labels, hashing names that are not one', () => {
    expect(endpointObjectName('iris')).toBe('loom-endpoint-iris');
    const upper = endpointObjectName('Iris');
    expect(upper).toMatch(/^loom-endpoint-iris-[0-9a-f]{10}$/);
    expect(endpointObjectName('iris_v2.onnx')).toMatch(/^loom-endpoint-iris-v2-onnx-[0-9a-f]{10}$/);
    const long = endpointObjectName(`a${'b'.repeat(120)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([a-z0-9-]*[a-z0-9])?$/);
    expect(endpointObjectName(`a${'b'.repeat(119)}c`)).not.toBe(long);
    const { service } = endpointManifests(config, 'Iris', canary);
    expect(() => new Service(service as never).validate()).not.toThrow();
    expect(service.metadata?.annotations?.[ENDPOINT_ANNOTATIONS.model]).toBe('Iris');
    expect(endpointServiceUrl('ml', 'iris')).toBe('http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris');
    expect(formatServeRoutes([{ version: 3, percent: 100 }])).toBe('3:100');
  });
});

describe('kubernetesEndpointConfigFromEnv', () => {
  it('needs the image, and names each wrong variable', () => {
    expect(() => kubernetesEndpointConfigFromEnv({})).toThrow(/LOOM_KUBERNETES_ENDPOINT_IMAGE is not set/);
    const image = { LOOM_KUBERNETES_ENDPOINT_IMAGE: 'x' };
    expect(() => kubernetesEndpointConfigFromEnv({ ...image, LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS: '0' })).toThrow(
      /LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS must be a whole number from 1/,
    );
    expect(() =>
      kubernetesEndpointConfigFromEnv({
        ...image,
        LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS: '5',
        LOOM_KUBERNETES_ENDPOINT_MAX_REPLICAS: '4',
      }),
    ).toThrow(/MAX_REPLICAS \(4\) is below/);
    expect(() =>
      kubernetesEndpointConfigFromEnv({ ...image, LOOM_KUBERNETES_ENDPOINT_IMAGE_PULL_POLICY: 'Sometimes' }),
    ).toThrow(/Always, IfNotPresent or Never/);
    const set = kubernetesEndpointConfigFromEnv({
      ...image,
      LOOM_KUBERNETES_ENDPOINT_NAMESPACE: 'serving',
      LOOM_KUBERNETES_ENDPOINT_CLAIM: 'shared',
      LOOM_KUBERNETES_ENDPOINT_MOUNT: '/data',
      LOOM_KUBERNETES_ENDPOINT_ROLLOUT_TIMEOUT: '120',
    });
    expect(set).toMatchObject({
      namespace: 'serving',
      artifactVolume: { claimName: 'shared', mountPath: '/data' },
      rolloutTimeoutMs: 120_000,
      progressDeadlineSeconds: 120,
      minReplicas: 2,
      maxReplicas: 10,
    });
  });
});

describe('rolloutVerdict', () => {
  const deployment = (generation: number, status: object, replicas = 2) => ({
    metadata: { generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  });
  it('judges as kubectl rollout status does', () => {
    expect(rolloutVerdict(deployment(2, { observedGeneration: 1 }))).toMatchObject({ kind: 'waiting' });
    expect(rolloutVerdict(deployment(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }))).toEqual({
      kind: 'waiting',
      message: '1 of 2 new replicas have been updated',
    });
    expect(
      rolloutVerdict(deployment(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })),
    ).toEqual({ kind: 'waiting', message: '1 old replicas are pending termination' });
    expect(
      rolloutVerdict(deployment(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })),
    ).toEqual({ kind: 'waiting', message: '1 of 2 updated replicas are available' });
    expect(
      rolloutVerdict(deployment(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })),
    ).toEqual({ kind: 'complete' });
    const stuck = {
      observedGeneration: 2,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "loom-endpoint-iris-abc" has timed out progressing.',
        },
      ],
    };
    expect(rolloutVerdict(deployment(2, stuck))).toEqual({
      kind: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "loom-endpoint-iris-abc" has timed out progressing.',
    });
  });
});

describe('rolloutVerdict and the Progressing condition', () => {
  it('waits while Progressing says anything but NewReplicaSetAvailable', () => {
    const counted = { observedGeneration: 3, updatedReplicas: 1, replicas: 1, availableReplicas: 1 };
    const progressing = (reason: string) => ({
      metadata: { generation: 3 },
      spec: { replicas: 1, selector: {}, template: {} },
      status: { ...counted, conditions: [{ type: 'Progressing', status: 'True', reason, message: `it is ${reason}` }] },
    });
    expect(rolloutVerdict(progressing('ReplicaSetUpdated'))).toEqual({
      kind: 'waiting',
      message: 'it is ReplicaSetUpdated',
    });
    expect(rolloutVerdict(progressing('NewReplicaSetAvailable'))).toEqual({ kind: 'complete' });
  });
});
