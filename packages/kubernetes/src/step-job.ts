import { createHash } from 'node:crypto';
import type { V1EnvVar, V1Job, V1Pod } from '@kubernetes/client-node';
import type { PlanStep } from '@loom/compiler';
import type { StepJobData } from '@loom/runtime';
import { stepArguments, TERMINATION_MESSAGE_PATH } from './pod-protocol.ts';

/** Where and how step pods run: from the worker's configuration (see `kubernetesJobsConfigFromEnv`). */
export interface KubernetesJobsConfig {
  namespace: string;
  /** The image with Loom and the nodes it runs, e.g. `loom/worker:0.1.0`. */
  image: string;
  /** The container's command; its arguments are `step …`. @default ['loom'] */
  command?: string[];
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccountName?: string;
  /** The PersistentVolumeClaim of the artifact store the server and workers share, mounted at `mountPath` (LOOM_HOME). */
  artifactVolume?: { claimName: string; mountPath: string };
  /** Given to every step container (LOOM_API_URL, LOOM_DATA_ROOTS, …). */
  env?: Record<string, string>;
  /** Given from Secrets, so that no credential is written into the Job (LOOM_API_TOKEN). */
  secretEnv?: Record<string, { secret: string; key: string }>;
  nodeSelector?: Record<string, string>;
  /** Labels added to every Job and pod, besides Loom's own. */
  labels?: Record<string, string>;
  /**
   * How long a finished Job stays for `kubectl describe` before Kubernetes deletes it; at least
   * {@link MIN_JOB_TTL_SECONDS}, since a Job gone before its worker read its pod's end takes the outcome
   * with it. @default 600
   */
  ttlSecondsAfterFinished?: number;
  /** A pod not running after this long (unschedulable, image not pulled) fails its step with the reason. @default 300000 */
  pendingTimeoutMs?: number;
  /** How long a cancelled or timed-out step's container has between SIGTERM and SIGKILL. @default 30 */
  terminationGracePeriodSeconds?: number;
}

export const STEP_CONTAINER = 'step';

/** The shortest time a finished Job is kept: long enough for a restarting worker to read how it ended. */
export const MIN_JOB_TTL_SECONDS = 60;

/** Loom's labels and annotations on step Jobs and their pods. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  run: 'loom.dev/run',
  step: 'loom.dev/step',
  attempt: 'loom.dev/attempt',
} as const;
export const ANNOTATIONS = {
  /** The queue job's id, exactly (labels cannot hold every step id). */
  jobId: 'loom.dev/job-id',
  runId: 'loom.dev/run-id',
  stepId: 'loom.dev/step-id',
} as const;

/**
 * The Job's name, the same for every worker that takes this queue job: a restarted worker finds the Job
 * its predecessor made (409 on create) instead of starting the step twice. Readable (step and attempt)
 * and unique (a hash of the whole queue job id), within the 63 characters a pod label allows.
 *
 * @example
 * stepJobName('20250101T000000Z-a1b2c3.train.model.2') // 'loom-train-model-2-3f0c…' (10 hex digits)
 */
export function stepJobName(jobId: string): string {
  const hash = createHash('sha256').update(jobId).digest('hex').slice(0, 10);
  const parts = jobId.split('.');
  const attempt = parts.at(-1) ?? '1';
  const step = parts
    .slice(1, -1)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `loom-${step === '' ? 'step' : step}-${attempt}-${hash}`;
}

/** A label value made of what labels allow: alphanumerics first and last, `-_.` between, at most 63. */
export function labelValue(text: string): string {
  return labelSlug(text)
    .slice(0, 63)
    .replace(/[^A-Za-z0-9]+$/, '');
}

function labelSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
}

/**
 * The Job that runs one attempt of a step: one pod (`backoffLimit: 0`, Loom's scheduler owns retries),
 * the step's resources as requests and limits (equal, so the pod is Guaranteed and the last evicted),
 * its timeout as `activeDeadlineSeconds`, cleaned up `ttlSecondsAfterFinished` after it ends.
 */
export function stepJob(job: StepJobData, jobId: string, step: PlanStep, config: KubernetesJobsConfig): V1Job {
  const labels: Record<string, string> = {
    ...config.labels,
    [LABELS.managedBy]: 'loom',
    [LABELS.component]: 'step',
    [LABELS.run]: labelValue(job.runId),
    [LABELS.step]: labelValue(job.stepId),
    [LABELS.attempt]: String(job.attempt),
  };
  const annotations = { [ANNOTATIONS.jobId]: jobId, [ANNOTATIONS.runId]: job.runId, [ANNOTATIONS.stepId]: job.stepId };
  const resources = stepResources(step);
  const env: V1EnvVar[] = Object.entries(config.env ?? {}).map(([name, value]) => ({ name, value }));
  for (const [name, { secret, key }] of Object.entries(config.secretEnv ?? {})) {
    env.push({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  }
  if (config.artifactVolume !== undefined) env.push({ name: 'LOOM_HOME', value: config.artifactVolume.mountPath });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: stepJobName(jobId), namespace: config.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      // Pending time counts too: a pod that never starts is also stopped by then.
      activeDeadlineSeconds: Math.max(1, Math.ceil(step.timeoutMs / 1000)),
      ttlSecondsAfterFinished: Math.max(MIN_JOB_TTL_SECONDS, config.ttlSecondsAfterFinished ?? 600),
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: config.terminationGracePeriodSeconds ?? 30,
          ...(config.serviceAccountName === undefined ? {} : { serviceAccountName: config.serviceAccountName }),
          ...(config.nodeSelector === undefined ? {} : { nodeSelector: config.nodeSelector }),
          containers: [
            {
              name: STEP_CONTAINER,
              image: config.image,
              ...(config.imagePullPolicy === undefined ? {} : { imagePullPolicy: config.imagePullPolicy }),
              command: config.command ?? ['loom'],
              args: stepArguments(job, TERMINATION_MESSAGE_PATH),
              env,
              resources,
              terminationMessagePath: TERMINATION_MESSAGE_PATH,
              terminationMessagePolicy: 'FallbackToLogsOnError',
              ...(config.artifactVolume === undefined
                ? {}
                : { volumeMounts: [{ name: 'artifacts', mountPath: config.artifactVolume.mountPath }] }),
            },
          ],
          ...(config.artifactVolume === undefined
            ? {}
            : {
                volumes: [{ name: 'artifacts', persistentVolumeClaim: { claimName: config.artifactVolume.claimName } }],
              }),
        },
      },
    },
  };
}

function stepResources(step: PlanStep): { requests: Record<string, string>; limits: Record<string, string> } {
  const amounts: Record<string, string> = {
    cpu: `${Math.max(1, Math.round(step.resources.cpu * 1000))}m`,
    memory: `${Math.max(1, Math.ceil(step.resources.memoryMb))}Mi`,
  };
  if (step.resources.gpu.count > 0) amounts['nvidia.com/gpu'] = String(Math.ceil(step.resources.gpu.count));
  return { requests: { ...amounts }, limits: { ...amounts } };
}

/** The pod's step container limit, as failure messages state it (`memory 512Mi`). */
export function memoryLimit(pod: V1Pod): string | undefined {
  const container = pod.spec?.containers.find((c) => c.name === STEP_CONTAINER);
  const limit = container?.resources?.limits?.memory;
  return typeof limit === 'string' ? limit : undefined;
}
