import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { KubernetesStepRunner } from '@loom/kubernetes';
import { kubernetesPlanStep, startKubernetesTestServer } from '@loom/kubernetes/testing';
import { type AttemptOutcome, type AttemptRequest, LocalArtifactStore } from '@loom/runtime';
import { round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const SEQUENTIAL = 40;
const CONCURRENT = 32;

/**
 * `pnpm bench kubernetes`: what the Kubernetes backend itself costs per step, against the Kubernetes
 * API test server over HTTP on this machine, with pods that end at once (their outcome as termination
 * message): Job create, pod watch, log follow, outcome, one step after another and many at once. On a
 * real cluster the pod's own start (scheduling, image pull, container start: seconds) comes on top;
 * that cannot be measured here.
 */
export async function benchKubernetes(): Promise<BenchResult> {
  const outcome: AttemptOutcome = { ok: true, durationMs: 1, outputs: {}, metrics: {} };
  const cluster = await startKubernetesTestServer({
    nodes: [{ name: 'node-1', cpu: '256', memory: '1024Gi' }],
    kubelet: () => ({ kind: 'succeed', afterMs: 0, log: ['done'], terminationMessage: JSON.stringify({ outcome }) }),
  });
  try {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(cluster.kubeconfig);
    const runner = new KubernetesStepRunner({
      kubeConfig,
      jobs: { namespace: 'default', image: 'loom/worker:bench' },
      store: new LocalArtifactStore('/nonexistent'),
      say: () => undefined,
    });
    const hooks = { started() {}, progress() {}, log() {}, metric() {} };
    let counter = 0;
    const request = (): AttemptRequest => ({
      runId: `bench-${++counter}`,
      step: kubernetesPlanStep({
        id: 'bench',
        resources: { cpu: 0.1, memoryMb: 64, gpu: { count: 0, memoryMb: 0, cpuFallback: false } },
      }),
      attempt: 1,
      inputs: {},
      contentKey: 'c'.repeat(64),
      planSha256: 'a'.repeat(64),
      signal: new AbortController().signal,
    });
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    // Finished Jobs are removed after each step, as the TTL controller does in time: the test server
    // scans every stored Job on each change, and would otherwise measure its own bookkeeping.
    const check = async (result: AttemptOutcome) => {
      if (!result.ok) throw new Error(`a bench step failed: ${result.failure.message}`);
      const jobs = await batch.listNamespacedJob({ namespace: 'default' });
      for (const job of jobs.items) {
        if (job.status?.completionTime === undefined) continue;
        await batch.deleteNamespacedJob({
          name: job.metadata?.name ?? '',
          namespace: 'default',
          propagationPolicy: 'Background',
        });
      }
    };
    for (let i = 0; i < 5; i++) await check(await runner.run(request(), hooks));

    let sequentialMs = 0;
    for (let i = 0; i < SEQUENTIAL; i++) {
      const started = performance.now();
      const result = await runner.run(request(), hooks);
      sequentialMs += (performance.now() - started) / SEQUENTIAL;
      await check(result);
    }

    const concurrentStart = performance.now();
    const results = await Promise.all(Array.from({ length: CONCURRENT }, () => runner.run(request(), hooks)));
    const concurrentMs = performance.now() - concurrentStart;
    for (const result of results) await check(result);
    const requests =
      cluster.requests.filter((r) => !(r.path.endsWith('/jobs') && r.method === 'GET') && !r.query.propagationPolicy)
        .length /
      (SEQUENTIAL + CONCURRENT + 5);

    return {
      title: 'Kubernetes backend overhead per step (API test server on this machine, pods that end at once)',
      rows: [
        ['', 'value'],
        [`${SEQUENTIAL} steps one after another: ms per step`, round(sequentialMs, 1).toString()],
        [`${CONCURRENT} steps at once: total ms`, round(concurrentMs, 0).toString()],
        [`${CONCURRENT} steps at once: steps/s`, round((CONCURRENT / concurrentMs) * 1000, 1).toString()],
        ['API requests per step', round(requests, 1).toString()],
      ],
      figures: {
        sequentialMsPerStep: round(sequentialMs, 2),
        concurrentSteps: CONCURRENT,
        concurrentTotalMs: round(concurrentMs, 1),
        requestsPerStep: round(requests, 2),
      },
    };
  } finally {
    await cluster.close();
  }
}
