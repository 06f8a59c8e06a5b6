import { createHash } from 'node:crypto';
import type { V1Deployment, V1EnvVar, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { KubernetesEndpointConfig } from './endpoint-config.ts';
import { labelValue } from './step-job.ts';

/** The port the endpoint pods' model server listens on, and the Service's. */
export const ENDPOINT_PORT = 8081;

/** A share of an endpoint's requests, as the registry routes them. */
export interface EndpointRoute {
  version: number;
  /** An integer from 0 to 100; an endpoint's shares sum to 100. */
  percent: number;
}

/** Loom's labels and annotations on endpoint objects. */
export const ENDPOINT_LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  model: 'loom.dev/model',
} as const;
export const ENDPOINT_ANNOTATIONS = {
  /** The model's name exactly (a label value cannot hold every model name). */
  model: 'loom.dev/model',
  /** The routes the pods serve, `3:90,4:10`: a new deploy changes the template, so the pods roll. */
  routes: 'loom.dev/routes',
} as const;

const PREFIX = 'loom-endpoint-';
/** A Service name is a DNS-1035 label: at most 63 characters. */
const MAX_NAME = 63;

/**
 * The name of the Deployment, Service and HPA of a model's endpoint: `loom-endpoint-<model>` when the
 * model's name is already a DNS label (lower case, digits, `-`) short enough, else a slug of it with a
 * hash of the exact name, so that `Iris` and `iris`, or two long names sharing a prefix, never collide.
 *
 * @example
 * endpointObjectName('iris') // 'loom-endpoint-iris'
 * endpointObjectName('Churn_v2') // 'loom-endpoint-churn-v2-1a2b3c4d5e'
 */
export function endpointObjectName(model: string): string {
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(model) && PREFIX.length + model.length <= MAX_NAME) {
    return `${PREFIX}${model}`;
  }
  const hash = createHash('sha256').update(model).digest('hex').slice(0, 10);
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_NAME - PREFIX.length - hash.length - 1)
    .replace(/-+$/, '');
  return `${PREFIX}${slug === '' ? '' : `${slug}-`}${hash}`;
}

/**
 * Routes as `LOOM_SERVE_ROUTES` and the routes annotation write them: `version:percent` joined by
 * commas, in the registry's order. The model server's `parseServeRoutes` reads them back.
 *
 * @example
 * formatServeRoutes([{ version: 3, percent: 90 }, { version: 4, percent: 10 }]) // '3:90,4:10'
 */
export function formatServeRoutes(routes: readonly EndpointRoute[]): string {
  return routes.map((route) => `${route.version}:${route.percent}`).join(',');
}

/** The in-cluster address of a model's endpoint: `http://<name>.<namespace>.svc.cluster.local:8081/v2/models/<model>`. */
export function endpointServiceUrl(namespace: string, model: string): string {
  return `http://${endpointObjectName(model)}.${namespace}.svc.cluster.local:${ENDPOINT_PORT}/v2/models/${encodeURIComponent(model)}`;
}

/** The three objects of one endpoint, as server-side apply sends them. */
export interface EndpointManifests {
  deployment: V1Deployment;
  service: V1Service;
  hpa: V2HorizontalPodAutoscaler;
}

/**
 * The Deployment, Service and autoscaling/v2 HPA that serve `model` on Kubernetes, shaped like
 * docker/kubernetes/base/model-server.yaml but for one model: the pods run `loom serve` on the shared
 * home, restricted to the model and pinned to `routes` (LOOM_SERVE_MODEL, LOOM_SERVE_ROUTES) instead of
 * following the alias, so that a rolling update switches versions pod by pod and a rollback re-applies
 * the previous routes. The routes are in a pod-template annotation too, for `kubectl describe`; either
 * change rolls the pods. The Deployment sets no `replicas`: the HPA owns the count (from `minReplicas`
 * up), and a field `loom` applied would be reset on every deploy, undoing the HPA's scaling.
 *
 * @example
 * const { deployment, service, hpa } = endpointManifests(config, 'iris', [{ version: 3, percent: 100 }]);
 */
export function endpointManifests(
  config: KubernetesEndpointConfig,
  model: string,
  routes: readonly EndpointRoute[],
): EndpointManifests {
  const name = endpointObjectName(model);
  const selector = { [ENDPOINT_LABELS.name]: 'loom-endpoint', [ENDPOINT_LABELS.instance]: name };
  const labels = {
    ...selector,
    [ENDPOINT_LABELS.managedBy]: 'loom',
    [ENDPOINT_LABELS.component]: 'model-server',
    [ENDPOINT_LABELS.model]: labelValue(model),
  };
  const metadata = { name, namespace: config.namespace, labels, annotations: { [ENDPOINT_ANNOTATIONS.model]: model } };
  const mount = config.artifactVolume.mountPath;
  const env: V1EnvVar[] = [
    { name: 'LOOM_SERVE_MODEL', value: model },
    { name: 'LOOM_SERVE_ROUTES', value: formatServeRoutes(routes) },
  ];
  if (config.tokenSecret !== undefined) {
    // Listening beyond loopback requires a token on /v2 (but /v2/health/*); it stays in its Secret.
    env.push({ name: 'LOOM_API_TOKEN', valueFrom: { secretKeyRef: { name: config.tokenSecret, key: 'token' } } });
  }
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      selector: { matchLabels: selector },
      progressDeadlineSeconds: config.progressDeadlineSeconds,
      // A new pod serves before an old one goes: the endpoint never has fewer ready pods than asked.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels,
          annotations: {
            [ENDPOINT_ANNOTATIONS.model]: model,
            [ENDPOINT_ANNOTATIONS.routes]: formatServeRoutes(routes),
          },
        },
        spec: {
          ...(config.serviceAccountName === undefined ? {} : { serviceAccountName: config.serviceAccountName }),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'model-server',
              image: config.image,
              ...(config.imagePullPolicy === undefined ? {} : { imagePullPolicy: config.imagePullPolicy }),
              args: [
                'serve',
                '--host',
                '0.0.0.0',
                '--port',
                String(ENDPOINT_PORT),
                '--home',
                mount,
                '--threads',
                String(config.threads),
              ],
              ports: [{ name: 'http', containerPort: ENDPOINT_PORT }],
              env,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: {
                requests: { cpu: '1', memory: '1Gi' },
                limits: { cpu: String(config.threads), memory: '2Gi' },
              },
              // `/v2/models/<model>/ready` needs the bearer token, which a probe could only carry written
              // into the Deployment. `/v2/health/ready` is open and, on a server pinned to one model,
              // says exactly that: 200 once every pinned version has loaded, 503 before or when one fails.
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' }, periodSeconds: 5 },
              livenessProbe: {
                httpGet: { path: '/v2/health/live', port: 'http' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 6,
              },
              volumeMounts: [{ name: 'home', mountPath: mount }],
            },
          ],
          volumes: [{ name: 'home', persistentVolumeClaim: { claimName: config.artifactVolume.claimName } }],
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { selector, ports: [{ name: 'http', port: ENDPOINT_PORT, targetPort: 'http' }] },
  };
  const hpa: V2HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: config.minReplicas,
      maxReplicas: config.maxReplicas,
      // Inference is CPU-bound (onnxruntime in worker threads): scale on CPU (needs metrics-server).
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: config.cpuTargetPercent } },
        },
      ],
    },
  };
  return { deployment, service, hpa };
}
