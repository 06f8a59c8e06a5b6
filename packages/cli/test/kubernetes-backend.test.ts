/**
 * `loom worker --backend kubernetes` end to end, with nothing faked but the cluster: a real server and
 * Redis, a real worker process, and the Kubernetes API test server whose kubelet runs each step pod's
 * command (`loom step …`) as a local process on the shared artifact store.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubernetesTestServer } from '@loom/kubernetes/testing';
import { startRedisServer } from '@loom/runtime/testing';
import { describe, expect, it } from 'vitest';
import { LOOM_BIN } from './loom-process.ts';
import {
  afterEachTest,
  json,
  post,
  type RunView,
  runDocument,
  servingAddress,
  startLoom,
  stepLogs,
} from './loom-server.ts';

const test = afterEachTest();

/** A plugin of two nodes: one writes a text and says things, the other reads it. */
async function writeRelayPlugin(dir: string) {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'loom-relay',
      version: '1.0.0',
      type: 'module',
      loom: {
        apiVersion: 1,
        entry: './src/index.ts',
        nodes: ['relay.say@1.0.0', 'relay.shout@1.0.0', 'relay.wait@1.0.0'],
      },
      peerDependencies: { '@loom/sdk': '^0.1.0' },
    }),
  );
  await writeFile(
    join(dir, 'src', 'index.ts'),
    `import { defineNode, input, output } from '@loom/sdk';
export const say = defineNode({
  type: 'relay.say', version: '1.0.0', title: 'Say', description: 'Says hello.', category: 'testing',
  outputs: { text: output('text') },
  async run(ctx) {
    ctx.progress(0.5, 'halfway');
    ctx.log.info('saying hello from ' + process.env.HOSTNAME);
    console.log('printed by the node');
    ctx.metric('words', 2);
    return { text: 'hello kubernetes' };
  },
});
export const shout = defineNode({
  type: 'relay.shout', version: '1.0.0', title: 'Shout', description: 'Shouts.', category: 'testing',
  inputs: { text: input('text') },
  outputs: { text: output('text') },
  async run(ctx) { return { text: String(ctx.inputs.text).toUpperCase() }; },
});
export const wait = defineNode({
  type: 'relay.wait', version: '1.0.0', title: 'Wait', description: 'Waits.', category: 'testing',
  outputs: { text: output('text') },
  async run(ctx) {
    ctx.log.info('waiting');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return { text: 'waited' };
  },
});
export const nodes = [say, shout, wait];
`,
  );
}

async function waitForRun(base: string, id: string): Promise<RunView> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const run = await json<RunView>(await fetch(`${base}/api/runs/${id}`));
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`the run did not end: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function relayDocument(name: string) {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    description: '',
    nodes: [
      { id: 'say', type: 'relay.say', version: '1.0.0', backend: 'kubernetes' },
      { id: 'shout', type: 'relay.shout', version: '1.0.0', backend: 'kubernetes' },
    ],
    edges: [{ from: { node: 'say', port: 'text' }, to: { node: 'shout', port: 'text' } }],
  };
}

/** A server, Redis and the Kubernetes test cluster; `startWorker` starts a Kubernetes worker on them. */
async function setUp() {
  const root = await test.tempDir('loom-k8s-');
  const plugins = join(root, 'plugins');
  await writeRelayPlugin(join(plugins, 'relay'));
  const home = join(root, 'home');
  const cluster = await startKubernetesTestServer({
    nodes: [{ name: 'node-1', cpu: '8', memory: '16Gi' }],
    // What the worker image has installed: here, the plugin folder.
    podEnv: { LOOM_PLUGINS_DIR: plugins, PATH: process.env.PATH ?? '' },
  });
  test.later(() => cluster.close());
  const kubeconfig = join(root, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfig);
  const redis = await startRedisServer();
  test.later(() => redis.stop());
  const env = { REDIS_URL: redis.url, LOOM_HOME: home, LOOM_QUEUE_PREFIX: 'k8s', LOOM_PLUGINS_DIR: plugins };
  const server = test.track(startLoom(['start', '--port', '0'], env, /serving on/));
  const startWorker = async () => {
    const worker = test.track(
      startLoom(
        ['worker', '--backend', 'kubernetes'],
        {
          ...env,
          KUBECONFIG: kubeconfig,
          LOOM_KUBERNETES_IMAGE: 'loom/worker:test',
          // No images here: the test kubelet runs the container command itself, from this checkout.
          LOOM_KUBERNETES_COMMAND: JSON.stringify([process.execPath, LOOM_BIN]),
          LOOM_KUBERNETES_ARTIFACT_MOUNT: home,
        },
        /taking kubernetes steps/,
      ),
    );
    await worker.line;
    return worker;
  };
  return { cluster, base: await servingAddress(server), startWorker };
}

describe('loom worker --backend kubernetes', () => {
  it('runs each step as a Kubernetes Job whose pod runs loom step on the shared store', async () => {
    const { cluster, base, startWorker } = await setUp();
    await startWorker();

    const run = await runDocument(base, relayDocument('relay'));
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const shouted = await fetch(
      `${base}/api/artifacts/${run.steps.find((s) => s.id === 'shout')?.outputs.text?.sha256}`,
    );
    expect(await shouted.text()).toBe('HELLO KUBERNETES');

    const logs = await stepLogs(base, run.id, 'say');
    expect(logs[0]).toMatch(/^started Kubernetes Job default\/loom-say-1-[0-9a-f]{10}$/);
    expect(logs).toContain('printed by the node');
    expect(logs.some((line) => line.startsWith('saying hello from '))).toBe(true);

    const jobs = cluster.objects<{
      metadata: { labels: Record<string, string> };
      spec: { backoffLimit: number; template: { spec: { containers: { args: string[] }[] } } };
    }>('Job');
    expect(jobs.map((job) => job.metadata.labels['loom.dev/step']).sort()).toEqual(['say', 'shout']);
    for (const job of jobs) {
      expect(job.metadata.labels['loom.dev/run']).toBe(run.id);
      expect(job.spec.backoffLimit).toBe(0);
      expect(job.spec.template.spec.containers[0]?.args[0]).toBe('step');
    }
  }, 120_000);

  it('a worker that crashes mid-step is replaced by one that re-attaches to the running Job', async () => {
    const { cluster, base, startWorker } = await setUp();
    const first = await startWorker();
    const document = {
      format: 'loom.pipeline',
      formatVersion: 2,
      name: 'crash',
      description: '',
      nodes: [{ id: 'wait', type: 'relay.wait', version: '1.0.0', backend: 'kubernetes' }],
      edges: [],
    };
    const saved = (await (await post(base, '/api/pipelines', document)).json()) as { id: string };
    const run = (await (await post(base, `/api/pipelines/${saved.id}/runs`, {})).json()) as { id: string };
    await expect.poll(() => cluster.objects('Pod').length, { timeout: 30_000 }).toBe(1);
    first.child.kill('SIGKILL');
    await first.exited;
    await startWorker();
    const ended = await waitForRun(base, run.id);
    expect(ended.status, JSON.stringify(ended.steps)).toBe('succeeded');
    expect(cluster.objects('Job')).toHaveLength(1);
    expect(cluster.objects('Pod')).toHaveLength(1);
    const logs = await stepLogs(base, run.id, 'wait');
    expect(logs.some((line) => line.startsWith('re-attached to Kubernetes Job default/loom-wait-1-'))).toBe(true);
  }, 120_000);

  it('refuses to start without a kubeconfig, naming each place it looked', async () => {
    const root = await test.tempDir('loom-k8s-none-');
    const redis = await startRedisServer();
    test.later(() => redis.stop());
    const worker = test.track(
      startLoom(
        ['worker', '--backend', 'kubernetes'],
        { REDIS_URL: redis.url, LOOM_HOME: join(root, 'home'), HOME: root, KUBECONFIG: '', LOOM_KUBERNETES_IMAGE: 'x' },
        /no Kubernetes configuration/,
      ),
    );
    const line = await worker.line;
    expect(line).toMatch(
      /no Kubernetes configuration found; tried \$KUBECONFIG \(not set\), .*\.kube\/config \(no such file\), the in-cluster service account/,
    );
    expect(await worker.exited).toBe(2);
  }, 60_000);

  it('refuses to start when the identity may not make Jobs, naming the permission', async () => {
    const root = await test.tempDir('loom-k8s-rbac-');
    const cluster = await startKubernetesTestServer();
    test.later(() => cluster.close());
    cluster.deny({ verb: 'create', resource: 'jobs' });
    const kubeconfig = join(root, 'kubeconfig');
    await writeFile(kubeconfig, cluster.kubeconfig);
    const redis = await startRedisServer();
    test.later(() => redis.stop());
    const worker = test.track(
      startLoom(
        ['worker', '--backend', 'kubernetes'],
        { REDIS_URL: redis.url, LOOM_HOME: join(root, 'home'), KUBECONFIG: kubeconfig, LOOM_KUBERNETES_IMAGE: 'x' },
        /may not/,
      ),
    );
    expect(await worker.line).toMatch(/may not create jobs\.batch in namespace "default" of http:\/\/127\.0\.0\.1:\d+/);
    expect(await worker.exited).toBe(2);
  }, 60_000);
});
