import { PassThrough } from 'node:stream';
import { BatchV1Api, CoreV1Api, Log, type V1Job, type V1Pod, Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerScript } from './container-runtime.ts';
import {
  type KubernetesTestServer,
  type KubernetesTestServerOptions,
  startKubernetesTestServer,
} from './kubernetes-test-server.ts';
import { eventually, jobManifest, kubeConfigFor } from './test-support.ts';

let cluster: KubernetesTestServer | undefined;
afterEach(() => cluster?.close());

async function start(options: KubernetesTestServerOptions = {}): Promise<KubernetesTestServer> {
  cluster = await startKubernetesTestServer(options);
  return cluster;
}

const clients = (server: KubernetesTestServer) => {
  const config = kubeConfigFor(server.kubeconfig);
  return { config, batch: config.makeApiClient(BatchV1Api), core: config.makeApiClient(CoreV1Api) };
};

async function podOf(server: KubernetesTestServer, job: string, until: (pod: V1Pod) => boolean): Promise<V1Pod> {
  const { core } = clients(server);
  return eventually(async () => {
    const pods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `batch.kubernetes.io/job-name=${job}`,
    });
    return pods.items.find(until);
  });
}

async function jobCondition(server: KubernetesTestServer, name: string, type: string): Promise<V1Job> {
  const { batch } = clients(server);
  return eventually(async () => {
    const job = await batch.readNamespacedJob({ namespace: 'default', name });
    return job.status?.conditions?.some((condition) => condition.type === type) ? job : undefined;
  });
}

const scripted = (script: ContainerScript) => () => script;

describe('Kubernetes test server: pods through client-node', () => {
  it('runs a process pod: follows its log and reads its termination message', async () => {
    const server = await start();
    const { config, batch } = clients(server);
    const code = "console.log('hi'); require('fs').writeFileSync(process.argv[1], 'done')";
    await batch.createNamespacedJob({
      namespace: 'default',
      body: jobManifest('proc', [process.execPath, '-e', code, '/dev/termination-log']),
    });
    const running = await podOf(
      server,
      'proc',
      (pod) =>
        pod.status?.containerStatuses?.[0]?.state?.waiting === undefined && pod.status?.containerStatuses !== undefined,
    );
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const ended = new Promise((resolve) => output.on('end', resolve));
    await new Log(config).log('default', running.metadata?.name ?? '', 'step', output, { follow: true });
    await ended;
    expect(text).toBe('hi\n');
    const done = await podOf(server, 'proc', (pod) => pod.status?.phase === 'Succeeded');
    const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ exitCode: 0, reason: 'Completed', message: 'done' });
    expect(done.metadata?.labels?.['job-name']).toBe('proc');
    expect(done.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'proc', controller: true });
    expect(done.status?.conditions?.map((condition) => condition.type)).toEqual(
      expect.arrayContaining(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']),
    );
    await jobCondition(server, 'proc', 'Complete');
  });

  it('reports OOMKilled and fails the Job with BackoffLimitExceeded', async () => {
    const server = await start({ kubelet: scripted({ kind: 'oomKilled', afterMs: 10 }) });
    await clients(server).batch.createNamespacedJob({ namespace: 'default', body: jobManifest('oom', ['x']) });
    const pod = await podOf(server, 'oom', (candidate) => candidate.status?.phase === 'Failed');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    const job = await jobCondition(server, 'oom', 'Failed');
    expect(job.status?.conditions?.find((condition) => condition.type === 'Failed')?.reason).toBe(
      'BackoffLimitExceeded',
    );
    expect(job.status?.failed).toBe(1);
  });

  it('leaves a GPU pod Unschedulable with the scheduler message', async () => {
    const server = await start({ kubelet: scripted({ kind: 'hang' }) });
    const body = jobManifest('gpu', ['x']);
    const container = body.spec?.template.spec?.containers[0];
    if (container !== undefined) container.resources = { limits: { 'nvidia.com/gpu': '1' } };
    await clients(server).batch.createNamespacedJob({ namespace: 'default', body });
    const pod = await podOf(server, 'gpu', (candidate) =>
      (candidate.status?.conditions ?? []).some((condition) => condition.reason === 'Unschedulable'),
    );
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('fails a Job past activeDeadlineSeconds with DeadlineExceeded', async () => {
    const server = await start({ kubelet: scripted({ kind: 'hang' }) });
    await clients(server).batch.createNamespacedJob({
      namespace: 'default',
      body: jobManifest('slow', ['x'], { activeDeadlineSeconds: 1 }),
    });
    const job = await jobCondition(server, 'slow', 'Failed');
    const failed = job.status?.conditions?.find((condition) => condition.type === 'Failed');
    expect(failed).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
  });

  it('kills a running process pod when its Job is deleted with Background propagation', async () => {
    const server = await start();
    const { batch } = clients(server);
    await batch.createNamespacedJob({
      namespace: 'default',
      body: jobManifest('long', [process.execPath, '-e', 'setInterval(() => {}, 1000)']),
    });
    await podOf(server, 'long', (pod) => pod.status?.phase === 'Running');
    await batch.deleteNamespacedJob({ namespace: 'default', name: 'long', propagationPolicy: 'Background' });
    expect(server.objects('Job')).toEqual([]);
    await eventually(() => (server.objects('Pod').length === 0 ? true : undefined));
  });

  it('fails the pod and its Job when the node is lost', async () => {
    const server = await start({ kubelet: scripted({ kind: 'hang' }) });
    const { batch, config } = clients(server);
    await batch.createNamespacedJob({ namespace: 'default', body: jobManifest('lost', ['x']) });
    const running = await podOf(server, 'lost', (pod) => pod.status?.phase === 'Running');
    const seen: V1Pod[] = [];
    const controller = await new Watch(config).watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: running.metadata?.resourceVersion },
      (_type, pod: V1Pod) => seen.push(pod),
      () => {},
    );
    server.loseNode('node-1');
    const job = await jobCondition(server, 'lost', 'Failed');
    controller.abort();
    expect(job.status?.conditions?.find((condition) => condition.type === 'Failed')?.reason).toBe(
      'BackoffLimitExceeded',
    );
    const disrupted = seen.find((pod) =>
      pod.status?.conditions?.some((condition) => condition.type === 'DisruptionTarget'),
    );
    expect(disrupted?.status?.conditions?.find((condition) => condition.type === 'DisruptionTarget')).toMatchObject({
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    expect(seen.some((pod) => pod.status?.phase === 'Failed')).toBe(true);
  });

  it('goes unavailable (a watch ends with an error) and comes back on the same URL', async () => {
    const server = await start({ kubelet: scripted({ kind: 'hang' }) });
    const { core, config } = clients(server);
    const ended = new Promise<unknown>((resolve) => {
      void new Watch(config).watch('/api/v1/namespaces/default/pods', {}, () => {}, resolve);
    });
    await eventually(() =>
      server.requests.some((request) => request.query.watch === 'true' && request.status === 200) ? true : undefined,
    );
    await server.setAvailable(false);
    await ended;
    await expect(core.listNamespacedPod({ namespace: 'default' })).rejects.toThrow();
    await server.setAvailable(true);
    const pods = await core.listNamespacedPod({ namespace: 'default' });
    expect(pods.items).toEqual([]);
  });
});
