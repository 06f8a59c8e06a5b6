import { setMaxListeners } from 'node:events';
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import {
  type ArtifactStore,
  type AttemptHooks,
  type AttemptOutcome,
  type AttemptRequest,
  type AttemptRunner,
  sleep,
  stepJobId,
} from '@loom/runtime';
import { apiMessage, apiStatus, type Backoff, retrying } from './api-errors.ts';
import { watchObjects } from './job-watch.ts';
import { followPodLog } from './pod-log.ts';
import { decodeLogLine, type PodReport, parseTerminationMessage } from './pod-protocol.ts';
import { type PodVerdict, podVerdict } from './pod-verdict.ts';
import {
  ANNOTATIONS,
  type KubernetesJobsConfig,
  memoryLimit,
  STEP_CONTAINER,
  stepJob,
  stepJobName,
} from './step-job.ts';

export interface KubernetesStepRunnerOptions {
  kubeConfig: KubeConfig;
  jobs: KubernetesJobsConfig;
  /** The artifact store the step pods share: outcomes too large for a termination message are read from it. */
  store: ArtifactStore;
  /** Waits between tries when the API server does not answer. */
  backoff?: Backoff;
  /** How often the Job itself is read while its pod is watched (its deadline, its deletion). @default 10000 */
  jobPollMs?: number;
  /** Where the runner says what it does about the cluster (re-attaching, API trouble). @default stderr */
  say?: (message: string) => void;
}

const DEFAULT_PENDING_TIMEOUT_MS = 300_000;
/** How long the end of a pod's log may trail its end before the outcome is reported without it. */
const LOG_DRAIN_MS = 5_000;
/** How long the pod's end may trail the Job's disappearance before the step counts the Job as deleted. */
const JOB_GONE_GRACE_MS = 3_000;

/** The state of one step's Job, as its watch and reads have seen it. */
interface Tracked {
  pod: V1Pod | undefined;
  /** Set when the pod was deleted, and no newer pod has appeared. */
  podDeleted: V1Pod | undefined;
  /** Counts the changes seen, so that one arriving while the loop was busy is not slept through. */
  changes: number;
  wake: () => void;
}

/**
 * The Kubernetes backend: runs each attempt as a Kubernetes Job whose one pod runs `loom step` against
 * the shared artifact store. Streams the pod's log into the step's log, names the ways pods fail
 * (OOMKilled, ImagePullBackOff, Unschedulable with the scheduler's message, the deadline, a lost
 * node), deletes the Job on cancel, and re-attaches to the Job a previous worker started for the same
 * queue job. API trouble is waited out with backoff: the Job runs on in the cluster meanwhile, and the
 * queue job stays locked by this worker, so the step is neither lost nor started twice.
 */
export class KubernetesStepRunner implements AttemptRunner {
  readonly #options: KubernetesStepRunnerOptions;
  readonly #batch: BatchV1Api;
  readonly #core: CoreV1Api;
  readonly #say: (message: string) => void;
  /** Aborted by {@link detach}. */
  readonly #detached = new AbortController();

  constructor(options: KubernetesStepRunnerOptions) {
    this.#options = options;
    this.#batch = options.kubeConfig.makeApiClient(BatchV1Api);
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#say = options.say ?? ((message) => process.stderr.write(`loom worker (kubernetes): ${message}\n`));
    // Every running attempt listens for a detach: as many listeners as Jobs at once, not a leak.
    setMaxListeners(0, this.#detached.signal);
  }

  async run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    const startedAt = Date.now();
    const elapsed = () => Date.now() - startedAt;
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#attempt(request, hooks, elapsed);
    } catch (cause) {
      outcome = failed(`internal error in the Kubernetes backend: ${apiMessage(cause)}`, true, elapsed());
    }
    // Detached: the Job runs on, and whichever worker takes its queue job again reports how it ended.
    if (this.#detached.signal.aborted) return new Promise<never>(() => undefined);
    return outcome;
  }

  /**
   * Stops following every running Job without touching it (a worker shutting down, or restarting):
   * their `run` calls never settle, and the worker that takes their queue jobs next re-attaches.
   */
  detach(): void {
    this.#detached.abort();
  }

  async #attempt(request: AttemptRequest, hooks: AttemptHooks, elapsed: () => number): Promise<AttemptOutcome> {
    const { jobs } = this.#options;
    const namespace = jobs.namespace;
    const jobId = stepJobId(request.runId, request.step.id, request.attempt);
    const name = stepJobName(jobId);
    if (request.planSha256 === undefined) return failed('the step has no stored plan to run from', false, 0);
    if (request.signal.aborted) return cancelled(0);
    const manifest = stepJob(
      {
        runId: request.runId,
        stepId: request.step.id,
        attempt: request.attempt,
        planSha256: request.planSha256,
        contentKey: request.contentKey,
        inputs: request.inputs,
      },
      jobId,
      request.step,
      jobs,
    );
    const retry = {
      signal: request.signal,
      ...(this.#options.backoff === undefined ? {} : { backoff: this.#options.backoff }),
      onRetry: (cause: unknown, delayMs: number) =>
        this.#say(
          `the API server did not answer for Job ${namespace}/${name} (${apiMessage(cause)}); trying again in ${delayMs} ms`,
        ),
    };

    // Create, or find the Job an earlier worker created for this same queue job.
    let attached = false;
    try {
      await retrying(() => this.#batch.createNamespacedJob({ namespace, body: manifest }), retry);
    } catch (cause) {
      if (request.signal.aborted) return this.#cancel(name, elapsed);
      if (apiStatus(cause) !== 409) {
        return failed(`Kubernetes refused the step's Job ${namespace}/${name}: ${apiMessage(cause)}`, false, elapsed());
      }
      const existing = await retrying(() => this.#batch.readNamespacedJob({ name, namespace }), retry);
      const owner = existing.metadata?.annotations?.[ANNOTATIONS.jobId];
      if (owner !== jobId) {
        return failed(
          `a Job named ${namespace}/${name} already exists for ${owner === undefined ? 'something other than Loom' : `queue job ${owner}`}`,
          false,
          elapsed(),
        );
      }
      attached = true;
      hooks.log('info', `re-attached to Kubernetes Job ${namespace}/${name}, started by an earlier worker`);
      this.#say(`re-attached to Job ${namespace}/${name} for ${jobId}`);
    }
    if (!attached) hooks.log('info', `started Kubernetes Job ${namespace}/${name}`);
    hooks.started();

    const watching = new AbortController();
    const stopWatching = () => watching.abort();
    request.signal.addEventListener('abort', stopWatching, { once: true });
    this.#detached.signal.addEventListener('abort', stopWatching, { once: true });
    const tracked: Tracked = {
      pod: undefined,
      podDeleted: undefined,
      changes: 0,
      wake: () => undefined,
    };
    const podWatch = watchObjects<V1Pod>(this.#options.kubeConfig, {
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: `job-name=${name}`,
      signal: watching.signal,
      ...(this.#options.backoff === undefined ? {} : { backoff: this.#options.backoff }),
      list: async () => {
        const list = await this.#core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
      },
      onChange: ({ type, object }) => {
        if (type === 'DELETED') {
          // A pod first seen in its deletion still tells how it ended (the event carries its last state).
          if (tracked.pod === undefined || tracked.pod.metadata?.name === object.metadata?.name) {
            tracked.podDeleted = object;
            tracked.pod = object;
          }
        } else if (tracked.pod === undefined || newer(object, tracked.pod)) {
          tracked.pod = object;
          if (tracked.podDeleted?.metadata?.name !== object.metadata?.name) tracked.podDeleted = undefined;
        }
        tracked.changes++;
        tracked.wake();
      },
      onInterrupted: (reason) => this.#say(`watching the pods of Job ${namespace}/${name}: ${reason}; watching again`),
    });

    let logs: Promise<void> | undefined;
    let ended = false;
    const pendingLimitMs = jobs.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS;
    const watchedSince = Date.now();
    let lastJobRead = 0;
    let jobGoneAt: number | undefined;
    // While a vanished Job's pod is awaited, the Job is looked at again soon.
    const jobPollMs = () => (jobGoneAt === undefined ? (this.#options.jobPollMs ?? 10_000) : 250);
    try {
      for (;;) {
        if (this.#detached.signal.aborted) return failed('detached', true, elapsed());
        if (request.signal.aborted) return await this.#cancel(name, elapsed);
        const seenChanges = tracked.changes;
        const pod = tracked.pod;
        const verdict: PodVerdict | undefined = pod === undefined ? undefined : podVerdict(pod);
        if (verdict?.state === 'running' || verdict?.state === 'terminated') {
          if (logs === undefined && pod?.metadata?.name !== undefined) {
            logs = followPodLog(this.#options.kubeConfig, {
              namespace,
              pod: pod.metadata.name,
              container: STEP_CONTAINER,
              onLine: (line) => report(hooks, decodeLogLine(line)),
              ended: () => ended,
              signal: watching.signal,
              ...(attached ? { since: new Date() } : {}),
              ...(this.#options.backoff === undefined ? {} : { backoff: this.#options.backoff }),
              onInterrupted: (reason) =>
                this.#say(`following the log of pod ${namespace}/${pod.metadata?.name}: ${reason}`),
            }).catch((cause) => hooks.log('warn', `could not follow the step's log: ${apiMessage(cause)}`));
          }
        }
        if (verdict?.state === 'terminated') {
          ended = true;
          if (logs !== undefined) await Promise.race([logs, sleep(LOG_DRAIN_MS)]);
          return await this.#finished(name, pod as V1Pod, verdict, request, elapsed, retry);
        }
        if (verdict?.state === 'lost' || tracked.podDeleted !== undefined) {
          ended = true;
          const job = await this.#readJob(name, retry);
          const deadline = deadlineOutcome(job, request, elapsed());
          if (deadline !== undefined) return deadline;
          await this.#delete(name, retry);
          const why = verdict?.state === 'lost' ? verdict.message : 'the pod was deleted before its step finished';
          return failed(
            `node lost: ${why} (pod ${namespace}/${tracked.pod?.metadata?.name ?? '?'}, Job ${name})`,
            true,
            elapsed(),
          );
        }
        if (verdict?.state === 'pending' && verdict.fatal) {
          await this.#delete(name, retry);
          return failed(
            `${verdict.reason}: ${verdict.message} (image ${jobs.image}, pod ${namespace}/${pod?.metadata?.name})`,
            false,
            elapsed(),
          );
        }
        const pendingFor = Date.now() - watchedSince;
        if (verdict?.state !== 'running' && pendingFor >= pendingLimitMs) {
          await this.#delete(name, retry);
          const what =
            verdict?.state === 'pending'
              ? `${verdict.reason}: ${verdict.message}`
              : `no pod was created for Job ${namespace}/${name}`;
          return failed(
            `${what} (still pending after ${Math.round(pendingFor / 1000)} s, the limit for a step's pod to start)`,
            false,
            elapsed(),
          );
        }
        // The Job itself, now and then: its deadline, and whether someone deleted it.
        if (Date.now() - lastJobRead >= jobPollMs()) {
          lastJobRead = Date.now();
          const job = await this.#readJob(name, retry);
          if (job === undefined) {
            // Gone after it finished (a short ttlSecondsAfterFinished) is no failure: the pod's last
            // state, which its deletion event carries, is on its way through the watch.
            jobGoneAt ??= Date.now();
            if (Date.now() - jobGoneAt >= JOB_GONE_GRACE_MS) {
              return failed(
                `the Job ${namespace}/${name} was deleted while its step ran (not by Loom)`,
                true,
                elapsed(),
              );
            }
          }
          const deadline = deadlineOutcome(job, request, elapsed());
          if (deadline !== undefined) return deadline;
        }
        if (tracked.changes !== seenChanges) continue;
        await new Promise<void>((resolve) => {
          const pollMs = jobPollMs();
          const waitMs =
            verdict?.state === 'running' ? pollMs : Math.min(pollMs, Math.max(50, pendingLimitMs - pendingFor));
          const wake = () => {
            clearTimeout(timer);
            request.signal.removeEventListener('abort', wake);
            this.#detached.signal.removeEventListener('abort', wake);
            tracked.wake = () => undefined;
            resolve();
          };
          const timer = setTimeout(wake, waitMs);
          request.signal.addEventListener('abort', wake, { once: true });
          this.#detached.signal.addEventListener('abort', wake, { once: true });
          tracked.wake = wake;
        });
      }
    } finally {
      ended = true;
      watching.abort();
      request.signal.removeEventListener('abort', stopWatching);
      this.#detached.signal.removeEventListener('abort', stopWatching);
      await podWatch;
      if (logs !== undefined) await logs;
    }
  }

  /** The outcome of a pod whose step container ended. */
  async #finished(
    name: string,
    pod: V1Pod,
    verdict: Extract<PodVerdict, { state: 'terminated' }>,
    request: AttemptRequest,
    elapsed: () => number,
    retry: Parameters<typeof retrying>[1],
  ): Promise<AttemptOutcome> {
    const { namespace } = this.#options.jobs;
    const message = parseTerminationMessage(verdict.terminationMessage);
    let outcome: AttemptOutcome | undefined;
    if (message !== undefined && 'outcome' in message) outcome = message.outcome;
    if (message !== undefined && 'outcomeBlob' in message) {
      try {
        outcome = JSON.parse(Buffer.from(await this.#options.store.read(message.outcomeBlob)).toString('utf8'));
      } catch (cause) {
        return failed(
          `the step's outcome ${message.outcomeBlob} is not in the shared artifact store: ${apiMessage(cause)}`,
          true,
          elapsed(),
        );
      }
    }
    if (outcome?.ok === true) return outcome;
    // A failed or killed container: the deadline explains it before anything the container said.
    if (verdict.exitCode !== 0) {
      const job = await this.#readJob(name, retry);
      const deadline = deadlineOutcome(job, request, elapsed());
      if (deadline !== undefined) return deadline;
    }
    if (outcome !== undefined) return outcome;
    const where = `pod ${namespace}/${pod.metadata?.name ?? '?'}`;
    if (verdict.reason === 'OOMKilled') {
      return failed(
        `OOMKilled: the step used more than its memory limit${limitText(pod)} and was killed (${where}); raise the node's memory`,
        false,
        elapsed(),
      );
    }
    return failed(
      `the step's container exited with code ${verdict.exitCode} (${verdict.reason}) without an outcome (${where})`,
      verdict.exitCode !== 0,
      elapsed(),
    );
  }

  async #readJob(name: string, retry: Parameters<typeof retrying>[1]): Promise<V1Job | undefined> {
    try {
      return await retrying(
        () => this.#batch.readNamespacedJob({ name, namespace: this.#options.jobs.namespace }),
        retry,
      );
    } catch (cause) {
      if (apiStatus(cause) === 404) return undefined;
      throw cause;
    }
  }

  /** Deletes the Job and (in the background, as `kubectl delete` does) its pods; gone already is fine. */
  async #delete(name: string, retry: Parameters<typeof retrying>[1]): Promise<void> {
    const { namespace } = this.#options.jobs;
    try {
      // Not stopped by the step's own signal: a cancelled step's Job must still go.
      const { signal: _stepSignal, ...untilDeleted } = retry ?? {};
      await retrying(() => this.#batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }), {
        ...untilDeleted,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (cause) {
      if (apiStatus(cause) !== 404) this.#say(`could not delete Job ${namespace}/${name}: ${apiMessage(cause)}`);
    }
  }

  async #cancel(name: string, elapsed: () => number): Promise<AttemptOutcome> {
    await this.#delete(name, {
      ...(this.#options.backoff === undefined ? {} : { backoff: this.#options.backoff }),
      signal: AbortSignal.timeout(30_000),
    });
    return cancelled(elapsed());
  }
}

function report(hooks: AttemptHooks, line: PodReport): void {
  if (line.kind === 'log') hooks.log(line.level, line.message, line.fields);
  else if (line.kind === 'progress') hooks.progress(line.fraction, line.message);
  else hooks.metric(line.name, line.value, line.step);
}

function cancelled(durationMs: number): AttemptOutcome {
  return { ok: false, durationMs, failure: { reason: 'cancelled', message: 'cancelled' }, retryable: false };
}

function failed(message: string, retryable: boolean, durationMs: number): AttemptOutcome {
  return { ok: false, durationMs, failure: { reason: 'error', message }, retryable };
}

/** A timeout outcome when the Job failed for running past `activeDeadlineSeconds`. */
function deadlineOutcome(
  job: V1Job | undefined,
  request: AttemptRequest,
  durationMs: number,
): AttemptOutcome | undefined {
  const condition = job?.status?.conditions?.find(
    (c) =>
      (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True' && c.reason === 'DeadlineExceeded',
  );
  if (condition === undefined) return undefined;
  return {
    ok: false,
    durationMs,
    failure: {
      reason: 'timeout',
      message:
        `deadline exceeded: the step ran past its timeout of ${request.step.timeoutMs / 1000} s (the Job's activeDeadlineSeconds); ${condition.message ?? ''}`.trim(),
    },
    retryable: true,
  };
}

function limitText(pod: V1Pod): string {
  const limit = memoryLimit(pod);
  return limit === undefined ? '' : ` of ${limit}`;
}

/** Whether `a` is a later state than `b` (another pod, or the same pod at a higher resourceVersion). */
function newer(a: V1Pod, b: V1Pod): boolean {
  if (a.metadata?.name !== b.metadata?.name) return true;
  const ra = Number(a.metadata?.resourceVersion);
  const rb = Number(b.metadata?.resourceVersion);
  return !(Number.isFinite(ra) && Number.isFinite(rb)) || ra >= rb;
}
