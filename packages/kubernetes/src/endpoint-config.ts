import { envPullPolicy, envSetting } from './env-settings.ts';
/** How the Loom server runs endpoints on Kubernetes: where, with which image, how many pods, how long a rollout may take. */
export interface KubernetesEndpointConfig {
  namespace: string;
  /** The model server's image (`loom serve`), e.g. `loom/model-server:0.1.0`. */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccountName?: string;
  /**
   * The PersistentVolumeClaim holding the Loom home the server writes (registry and ONNX artifacts),
   * mounted read-write at `mountPath`: the pods also write their request logs there for the monitors.
   */
  artifactVolume: { claimName: string; mountPath: string };
  /** The HPA's minimum replicas (the Deployment leaves its count to the HPA). @default 2 */
  minReplicas: number;
  /** @default 10 */
  maxReplicas: number;
  /** The HPA's average CPU utilisation target, in percent. @default 70 */
  cpuTargetPercent: number;
  /** How long the server waits for a rollout before it rolls back. @default 600000 (10 minutes) */
  rolloutTimeoutMs: number;
  /** The Deployment's `progressDeadlineSeconds`, after which Kubernetes reports ProgressDeadlineExceeded. @default 600 */
  progressDeadlineSeconds: number;
  /** A Secret whose key `token` the pods get as LOOM_API_TOKEN (listening beyond loopback needs one). */
  tokenSecret?: string;
  /** The pods' inference threads (`--threads`). @default 2, matching the CPU limit */
  threads: number;
}

/** The environment variables the Loom server reads for `deploy.endpoint` with `target: kubernetes`, with what each sets. */
export const KUBERNETES_ENDPOINT_ENV = {
  LOOM_KUBERNETES_ENDPOINT_IMAGE:
    'the model-server image the endpoint pods run (required for target kubernetes), e.g. loom/model-server:0.1.0',
  LOOM_KUBERNETES_ENDPOINT_NAMESPACE:
    "where endpoint Deployments go (default: the kubeconfig context's namespace, else default)",
  LOOM_KUBERNETES_ENDPOINT_IMAGE_PULL_POLICY: 'Always, IfNotPresent or Never',
  LOOM_KUBERNETES_ENDPOINT_SERVICE_ACCOUNT: 'the service account endpoint pods run as',
  LOOM_KUBERNETES_ENDPOINT_CLAIM: 'the PersistentVolumeClaim of the shared Loom home (default loom-home)',
  LOOM_KUBERNETES_ENDPOINT_MOUNT: 'where it is mounted, --home of the pods (default /var/lib/loom)',
  LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS: 'the HPA minimum replicas (default 2)',
  LOOM_KUBERNETES_ENDPOINT_MAX_REPLICAS: 'the HPA maximum (default 10)',
  LOOM_KUBERNETES_ENDPOINT_CPU_TARGET: 'the HPA average CPU utilisation target in percent (default 70)',
  LOOM_KUBERNETES_ENDPOINT_THREADS: 'inference threads per pod, --threads (default 2)',
  LOOM_KUBERNETES_ENDPOINT_ROLLOUT_TIMEOUT:
    'seconds to wait for a rollout before rolling back (default 600); also the progressDeadlineSeconds',
  LOOM_KUBERNETES_ENDPOINT_TOKEN_SECRET:
    'a Secret whose key "token" the pods get as LOOM_API_TOKEN (default loom-api-token, as docker/kubernetes has)',
} as const;

/**
 * The endpoint configuration from the server's environment; throws naming the variable that is
 * missing or wrong. `defaults.namespace` is the kubeconfig context's.
 *
 * @example
 * const config = kubernetesEndpointConfigFromEnv(process.env, { namespace: loaded.namespace });
 */
export function kubernetesEndpointConfigFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: { namespace?: string | undefined } = {},
): KubernetesEndpointConfig {
  const value = (name: keyof typeof KUBERNETES_ENDPOINT_ENV) => envSetting(env, name);
  const image = value('LOOM_KUBERNETES_ENDPOINT_IMAGE');
  if (image === undefined) {
    throw new Error(
      `LOOM_KUBERNETES_ENDPOINT_IMAGE is not set: it names ${KUBERNETES_ENDPOINT_ENV.LOOM_KUBERNETES_ENDPOINT_IMAGE}`,
    );
  }
  const whole = (name: keyof typeof KUBERNETES_ENDPOINT_ENV, fallback: number, min: number, max: number) => {
    const text = value(name);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    }
    return parsed;
  };
  const minReplicas = whole('LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS', 2, 1, 1000);
  const maxReplicas = whole('LOOM_KUBERNETES_ENDPOINT_MAX_REPLICAS', Math.max(10, minReplicas), 1, 1000);
  if (maxReplicas < minReplicas) {
    throw new Error(
      `LOOM_KUBERNETES_ENDPOINT_MAX_REPLICAS (${maxReplicas}) is below LOOM_KUBERNETES_ENDPOINT_MIN_REPLICAS (${minReplicas})`,
    );
  }
  const rolloutSeconds = whole('LOOM_KUBERNETES_ENDPOINT_ROLLOUT_TIMEOUT', 600, 1, 86_400);
  const config: KubernetesEndpointConfig = {
    namespace: value('LOOM_KUBERNETES_ENDPOINT_NAMESPACE') ?? defaults.namespace ?? 'default',
    image,
    artifactVolume: {
      claimName: value('LOOM_KUBERNETES_ENDPOINT_CLAIM') ?? 'loom-home',
      mountPath: value('LOOM_KUBERNETES_ENDPOINT_MOUNT') ?? '/var/lib/loom',
    },
    minReplicas,
    maxReplicas,
    cpuTargetPercent: whole('LOOM_KUBERNETES_ENDPOINT_CPU_TARGET', 70, 1, 1000),
    threads: whole('LOOM_KUBERNETES_ENDPOINT_THREADS', 2, 1, 256),
    rolloutTimeoutMs: rolloutSeconds * 1000,
    progressDeadlineSeconds: rolloutSeconds,
    tokenSecret: value('LOOM_KUBERNETES_ENDPOINT_TOKEN_SECRET') ?? 'loom-api-token',
  };
  const pullPolicy = envPullPolicy(env, 'LOOM_KUBERNETES_ENDPOINT_IMAGE_PULL_POLICY');
  if (pullPolicy !== undefined) config.imagePullPolicy = pullPolicy;
  const serviceAccount = value('LOOM_KUBERNETES_ENDPOINT_SERVICE_ACCOUNT');
  if (serviceAccount !== undefined) config.serviceAccountName = serviceAccount;
  return config;
}
