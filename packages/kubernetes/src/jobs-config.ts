import { envPullPolicy, envSetting } from './env-settings.ts';
import { type KubernetesJobsConfig, MIN_JOB_TTL_SECONDS } from './step-job.ts';

/** The environment variables `loom worker --backend kubernetes` reads, with what each sets. */
export const KUBERNETES_ENV = {
  LOOM_KUBERNETES_IMAGE: 'the image step pods run (required), e.g. loom/worker:0.1.0',
  LOOM_KUBERNETES_NAMESPACE: "where step Jobs go (default: the kubeconfig context's namespace, else default)",
  LOOM_KUBERNETES_COMMAND: 'the container command, a JSON array (default ["loom"], the images\' entrypoint)',
  LOOM_KUBERNETES_IMAGE_PULL_POLICY: 'Always, IfNotPresent or Never',
  LOOM_KUBERNETES_SERVICE_ACCOUNT: 'the service account step pods run as',
  LOOM_KUBERNETES_ARTIFACT_CLAIM: 'the PersistentVolumeClaim of the shared artifact store (default loom-home)',
  LOOM_KUBERNETES_ARTIFACT_MOUNT: 'where it is mounted, LOOM_HOME in the pod (default /var/lib/loom)',
  LOOM_KUBERNETES_NODE_SELECTOR: 'key=value,… for step pods',
  LOOM_KUBERNETES_PENDING_TIMEOUT: 'seconds a step pod may stay pending before its step fails (default 300)',
  LOOM_KUBERNETES_JOB_TTL: 'seconds a finished Job is kept (default 600, at least 60)',
  LOOM_KUBERNETES_TOKEN_SECRET: 'a Secret whose key "token" step pods get as LOOM_API_TOKEN',
} as const;

/** Passed on to step pods as they are: what their steps need of the worker's own configuration. */
const PASSED_ON = ['LOOM_API_URL', 'LOOM_DATA_ROOTS'] as const;

/**
 * The step Jobs' configuration from the worker's environment; throws naming the variable that is
 * missing or wrong.
 */
export function kubernetesJobsConfigFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: { namespace?: string } = {},
): KubernetesJobsConfig {
  const value = (name: keyof typeof KUBERNETES_ENV) => envSetting(env, name);
  const image = value('LOOM_KUBERNETES_IMAGE');
  if (image === undefined) {
    throw new Error(
      `LOOM_KUBERNETES_IMAGE must name the image step pods run (${KUBERNETES_ENV.LOOM_KUBERNETES_IMAGE})`,
    );
  }
  const config: KubernetesJobsConfig = {
    namespace: value('LOOM_KUBERNETES_NAMESPACE') ?? defaults.namespace ?? 'default',
    image,
    artifactVolume: {
      claimName: value('LOOM_KUBERNETES_ARTIFACT_CLAIM') ?? 'loom-home',
      mountPath: value('LOOM_KUBERNETES_ARTIFACT_MOUNT') ?? '/var/lib/loom',
    },
  };
  const command = value('LOOM_KUBERNETES_COMMAND');
  if (command !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(command);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === 'string')) {
      throw new Error(`LOOM_KUBERNETES_COMMAND must be a JSON array of strings, e.g. ["loom"], not ${command}`);
    }
    config.command = parsed;
  }
  const pullPolicy = envPullPolicy(env, 'LOOM_KUBERNETES_IMAGE_PULL_POLICY');
  if (pullPolicy !== undefined) config.imagePullPolicy = pullPolicy;
  const serviceAccount = value('LOOM_KUBERNETES_SERVICE_ACCOUNT');
  if (serviceAccount !== undefined) config.serviceAccountName = serviceAccount;
  const selector = value('LOOM_KUBERNETES_NODE_SELECTOR');
  if (selector !== undefined) {
    config.nodeSelector = {};
    for (const pair of selector.split(',')) {
      const [key, val, ...rest] = pair.split('=');
      if (key === undefined || key.trim() === '' || val === undefined || rest.length > 0) {
        throw new Error(`LOOM_KUBERNETES_NODE_SELECTOR must be key=value pairs separated by commas, not "${selector}"`);
      }
      config.nodeSelector[key.trim()] = val.trim();
    }
  }
  const seconds = (name: 'LOOM_KUBERNETES_PENDING_TIMEOUT' | 'LOOM_KUBERNETES_JOB_TTL') => {
    const text = value(name);
    if (text === undefined) return undefined;
    const parsed = Number(text);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a number of seconds, not "${text}"`);
    return parsed;
  };
  const pending = seconds('LOOM_KUBERNETES_PENDING_TIMEOUT');
  if (pending !== undefined) config.pendingTimeoutMs = pending * 1000;
  const ttl = seconds('LOOM_KUBERNETES_JOB_TTL');
  if (ttl !== undefined) {
    if (ttl < MIN_JOB_TTL_SECONDS) {
      throw new Error(
        `LOOM_KUBERNETES_JOB_TTL must be at least ${MIN_JOB_TTL_SECONDS} seconds, not ${ttl}: a Job deleted before its worker reads how its pod ended takes the step's outcome with it`,
      );
    }
    config.ttlSecondsAfterFinished = Math.round(ttl);
  }
  const passed = Object.fromEntries(
    PASSED_ON.flatMap((name) => (env[name] === undefined || env[name] === '' ? [] : [[name, env[name] as string]])),
  );
  if (Object.keys(passed).length > 0) config.env = passed;
  const tokenSecret = value('LOOM_KUBERNETES_TOKEN_SECRET');
  if (tokenSecret !== undefined) config.secretEnv = { LOOM_API_TOKEN: { secret: tokenSecret, key: 'token' } };
  return config;
}
