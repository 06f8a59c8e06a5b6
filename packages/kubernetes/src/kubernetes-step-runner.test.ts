/**
 * The Kubernetes backend against the Kubernetes API test server, over real HTTP: each behaviour of a
 * step pod (scripted by the test kubelet) ends as the outcome a user should read.
 */
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  type AttemptHooks,
  type AttemptOutcome,
  type AttemptRequest,
  LocalArtifactStore,
  stepJobId,
} from '@loom/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesStepRunner } from './kubernetes-step-runner.ts';
import { encodeReport } from './pod-protocol.ts';
import { type KubernetesJobsConfig, stepJobName } from './step-job.ts';
import {
  type ContainerScript,
  type KubernetesTestServer,
  kubernetesPlanStep,
  startKubernetesTestServer,
} from './testing/index.ts';

const running: KubernetesTestServer[] = [];
afterEach(async () => {
  for (const cluster of running.splice(0)) await cluster.close();
});

async function cluster(options: Parameters<typeof startKubernetesTestServer>[0]) {
  const started = await startKubernetesTestServer(options);
  running.push(started);
  return started;
}

function runnerFor(server: KubernetesTestServer, jobs: Partial<KubernetesJobsConfig> = {}) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig);
  const said: string[] = [];
  const runner = new KubernetesStepRunner({
    kubeConfig,
    jobs: { namespace: 'default', image: 'loom/worker:test', terminationGracePeriodSeconds: 1, ...jobs },
    store: new LocalArtifactStore('/nonexistent-loom-home'),
    backoff: { initialMs: 50, maxMs: 300 },
    jobPollMs: 200,
    say: (message) => said.push(message),
  });
  return { runner, said };
}

let runCounter = 0;
function request(step = kubernetesPlanStep(), signal = new AbortController().signal): AttemptRequest {
  return {
    runId: `run-${++runCounter}`,
    step,
    attempt: 1,
    inputs: {},
    contentKey: 'c'.repeat(64),
    planSha256: 'a'.repeat(64),
    signal,
  };
}

interface Heard {
  logs: string[];
  progress: number[];
  metrics: Record<string, number>;
  hooks: AttemptHooks;
}
function listen(): Heard {
  const heard: Heard = {
    logs: [],
    progress: [],
    metrics: {},
    hooks: {
      started: () => undefined,
      progress: (fraction) => heard.progress.push(fraction),
      log: (_level, message) => heard.logs.push(message),
      metric: (name, value) => {
        heard.metrics[name] = value;
      },
    },
  };
  return heard;
}

const succeeded: AttemptOutcome = {
  ok: true,
  durationMs: 12,
  outputs: { text: { sha256: 'b'.repeat(64), type: 'text', storage: 'json', size: 5 } as never },
  metrics: { accuracy: 0.97 },
};

/** A pod that prints what `loom step` prints and leaves the outcome as its termination message. */
function podLike(outcome: AttemptOutcome, afterMs = 100): ContainerScript {
  return {
    kind: outcome.ok ? 'succeed' : 'fail',
    afterMs,
    log: [
      encodeReport({ kind: 'progress', fraction: 0.5 }),
      'plain output of the node',
      encodeReport({ kind: 'log', level: 'info', message: 'trained 150 rows' }),
      encodeReport({ kind: 'metric', name: 'loss', value: 0.25 }),
    ],
    terminationMessage: JSON.stringify({ outcome }),
  };
}

const posts = (server: KubernetesTestServer) =>
  server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length;

describe('KubernetesStepRunner', () => {
  it('runs the step as a Job and reports its log, progress, metrics and outcome', async () => {
    const server = await cluster({ kubelet: () => podLike(succeeded) });
    const { runner } = runnerFor(server);
    const heard = listen();
    const outcome = await runner.run(request(), heard.hooks);
    expect(outcome).toEqual(succeeded);
    expect(heard.logs).toContain('plain output of the node');
    expect(heard.logs).toContain('trained 150 rows');
    expect(heard.logs[0]).toMatch(/^started Kubernetes Job default\/loom-train-1-[0-9a-f]{10}$/);
    expect(heard.progress).toEqual([0.5]);
    expect(heard.metrics).toEqual({ loss: 0.25 });
    const [job] = server.objects<{ spec: { backoffLimit: number; activeDeadlineSeconds: number } }>('Job');
    expect(job?.spec.backoffLimit).toBe(0);
    expect(job?.spec.activeDeadlineSeconds).toBe(60);
  });

  it('names OOMKilled with the memory limit', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'oomKilled', afterMs: 50 }) });
    const outcome = await runnerFor(server).runner.run(request(), listen().hooks);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.message).toMatch(/^OOMKilled: the step used more than its memory limit of 512Mi/);
    expect(outcome.retryable).toBe(false);
  });

  it('fails at once on ImagePullBackOff, naming the image, and deletes the Job', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'imagePullBackOff' }) });
    const outcome = await runnerFor(server, { image: 'loom/worker:missing' }).runner.run(request(), listen().hooks);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.message).toMatch(/^ImagePullBackOff: .*loom\/worker:missing/);
    await expect.poll(() => server.objects('Job').length).toBe(0);
  });

  it('fails a GPU step on a cluster without GPUs within the pending limit, with the scheduler’s reason', async () => {
    const server = await cluster({ nodes: [{ name: 'cpu-only', cpu: '8', memory: '16Gi' }] });
    const started = Date.now();
    const outcome = await runnerFor(server, { pendingTimeoutMs: 1500 }).runner.run(
      request(
        kubernetesPlanStep({
          resources: { cpu: 1, memoryMb: 512, gpu: { count: 1, memoryMb: 0, cpuFallback: false } },
        }),
      ),
      listen().hooks,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.message).toMatch(
      /^Unschedulable: 0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\..*\(still pending after \d+ s/,
    );
  });

  it('deletes the Job in the background when the step is cancelled', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'hang', log: ['working'] }) });
    const controller = new AbortController();
    const heard = listen();
    const outcome = runnerFor(server).runner.run(request(kubernetesPlanStep(), controller.signal), heard.hooks);
    await expect.poll(() => heard.logs.includes('working'), { timeout: 10_000 }).toBe(true);
    controller.abort();
    expect(await outcome).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
    const deletion = server.requests.find((r) => r.method === 'DELETE' && r.path.includes('/jobs/'));
    expect(deletion?.query.propagationPolicy ?? 'Background').toBe('Background');
    await expect.poll(() => server.objects('Job').length + server.objects('Pod').length, { timeout: 10_000 }).toBe(0);
  });

  it('calls a step that outlives its timeout a timeout (the Job’s activeDeadlineSeconds)', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'hang' }) });
    const outcome = await runnerFor(server).runner.run(
      request(kubernetesPlanStep({ timeoutMs: 1000 })),
      listen().hooks,
    );
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'timeout' }, retryable: true });
    if (outcome.ok) return;
    expect(outcome.failure.message).toMatch(/^deadline exceeded: the step ran past its timeout of 1 s/);
  });

  it('calls a pod whose node was lost a retryable node loss', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'hang', log: ['working'] }) });
    const heard = listen();
    const outcome = runnerFor(server).runner.run(request(), heard.hooks);
    await expect.poll(() => heard.logs.includes('working'), { timeout: 10_000 }).toBe(true);
    server.loseNode('node-1');
    const ended = await outcome;
    expect(ended).toMatchObject({ ok: false, retryable: true });
    if (ended.ok) return;
    expect(ended.failure.message).toMatch(/^node lost: /);
  });

  it('waits out an API server that goes away mid-run: the step is neither lost nor run twice', async () => {
    const server = await cluster({ kubelet: () => podLike(succeeded, 1500) });
    const { runner, said } = runnerFor(server);
    const heard = listen();
    const outcome = runner.run(request(), heard.hooks);
    await expect.poll(() => server.objects('Pod').length, { timeout: 10_000 }).toBe(1);
    await server.setAvailable(false);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await server.setAvailable(true);
    expect(await outcome).toEqual(succeeded);
    expect(posts(server)).toBe(1);
    expect(said.some((line) => /watching again|trying again/.test(line))).toBe(true);
    expect(heard.logs.filter((line) => line === 'trained 150 rows')).toHaveLength(1);
  });

  it('re-attaches to the Job an earlier worker started for the same attempt instead of starting it again', async () => {
    const server = await cluster({ kubelet: () => podLike(succeeded, 1500) });
    const attempt = request();
    const first = runnerFor(server);
    void first.runner.run(attempt, listen().hooks);
    await expect.poll(() => server.objects('Pod').length, { timeout: 10_000 }).toBe(1);
    first.runner.detach();
    const second = runnerFor(server);
    const heard = listen();
    expect(await second.runner.run(attempt, heard.hooks)).toEqual(succeeded);
    expect(heard.logs[0]).toMatch(/^re-attached to Kubernetes Job default\/loom-train-1-/);
    expect(server.objects('Job')).toHaveLength(1);
    expect(server.objects('Pod')).toHaveLength(1);
  });

  it('refuses to adopt a Job of its name that Loom did not make for this attempt', async () => {
    const server = await cluster({ kubelet: () => ({ kind: 'hang' }) });
    const attempt = request();
    const name = stepJobName(stepJobId(attempt.runId, attempt.step.id, attempt.attempt));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfig);
    await kubeConfig.makeApiClient(BatchV1Api).createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'other', image: 'busybox', command: ['true'] }] },
          },
        },
      },
    });
    const outcome = await runnerFor(server).runner.run(attempt, listen().hooks);
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    if (outcome.ok) return;
    expect(outcome.failure.message).toBe(`a Job named default/${name} already exists for something other than Loom`);
  });
});
