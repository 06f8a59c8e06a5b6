/**
 * A plugin whose nodes throw, hang, leak memory and call process.exit, run by a real `loom start`
 * (steps in step-runner processes) and by a real `loom worker` on Redis: each fails its own step with
 * the reason in the step's log, and the server and worker keep serving.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRedisServer } from '@loom/runtime/testing';
import { describe, expect, it } from 'vitest';
import { FIXTURES, loom } from './loom-process.ts';
import {
  afterEachTest,
  json,
  type RunView,
  runDocument,
  servingAddress,
  singleNodeDocument,
  startLoom,
  stepLogs,
} from './loom-server.ts';

const PLUGINS = join(FIXTURES, 'plugins');
const test = afterEachTest();

/** What each misbehaving node's step must say, in its failure and in its log. */
const EXPECTED: Array<{ type: string; reason: string; message: RegExp }> = [
  { type: 'misbehave.throws', reason: 'error', message: /the plugin gave up: no luck today/ },
  {
    type: 'misbehave.hangs',
    reason: 'timeout',
    message: /timed out after 1 s \(the step ignored its abort signal and its process was stopped\)/,
  },
  {
    type: 'misbehave.leaks',
    reason: 'error',
    message: /ran out of memory: the step's JavaScript heap reached its limit of 96 MB/,
  },
  { type: 'misbehave.exits', reason: 'error', message: /the node's code called process\.exit\(7\)/ },
];

/** Runs every misbehaving node at once, then a well-behaved one, against the server at `base`. */
async function expectEachFailsAlone(base: string): Promise<void> {
  const runs = await Promise.all(
    EXPECTED.map(({ type }) => runDocument(base, singleNodeDocument(type.replace('.', '-'), type))),
  );
  for (const [index, expected] of EXPECTED.entries()) {
    const run = runs[index] as RunView;
    const step = run.steps[0];
    expect(run.status, expected.type).toBe('failed');
    expect(step?.failure?.reason, expected.type).toBe(expected.reason);
    expect(step?.failure?.message, expected.type).toMatch(expected.message);
    const logs = await stepLogs(base, run.id, 'only');
    expect(
      logs.some((line) => expected.message.test(line)),
      `${expected.type} logs: ${logs.join(' | ')}`,
    ).toBe(true);
  }
  expect(await json<{ status: string }>(await fetch(`${base}/healthz`))).toMatchObject({ status: 'ok' });
  const after = await runDocument(base, singleNodeDocument('fine', 'misbehave.fine'));
  expect(after.status).toBe('succeeded');
  expect(await stepLogs(base, after.id, 'only')).toContain('all good');
}

describe('misbehaving plugin nodes', () => {
  it('fail their own steps in loom run, which finishes the rest and reports them', async () => {
    const dir = await test.tempDir('loom-misbehaving-');
    const document = {
      ...singleNodeDocument('mixed', 'misbehave.exits'),
      nodes: [
        { id: 'exits', type: 'misbehave.exits', version: '1.0.0', params: {} },
        { id: 'leaks', type: 'misbehave.leaks', version: '1.0.0', params: {} },
        { id: 'fine', type: 'misbehave.fine', version: '1.0.0', params: {} },
      ],
    };
    await writeFile(join(dir, 'mixed.loom.json'), JSON.stringify(document));
    const result = await loom(['run', 'mixed.loom.json', '--json'], dir, {
      LOOM_PLUGINS_DIR: PLUGINS,
      LOOM_HOME: join(dir, 'home'),
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      steps: Array<{ id: string; status: string; error?: { message: string } }>;
    };
    const step = (id: string) => report.steps.find((s) => s.id === id);
    expect(step('fine')?.status).toBe('succeeded');
    expect(step('exits')?.error?.message).toMatch(/process\.exit\(7\)/);
    expect(step('leaks')?.error?.message).toMatch(/ran out of memory/);
  }, 60_000);

  it('each fails only its own step in loom start, which keeps serving', async () => {
    const home = await test.tempDir('loom-misbehaving-');
    const server = startLoom(['start', '--port', '0', '--home', home], { LOOM_PLUGINS_DIR: PLUGINS }, /serving on/);
    test.track(server);
    const base = await servingAddress(server);
    await expectEachFailsAlone(base);
    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);

  it('each fails only its own step on a loom worker, which keeps taking steps', async () => {
    const redis = await startRedisServer();
    test.later(() => redis.stop());
    const home = await test.tempDir('loom-misbehaving-');
    const env = { REDIS_URL: redis.url, LOOM_HOME: home, LOOM_PLUGINS_DIR: PLUGINS, LOOM_QUEUE_PREFIX: 'misbehave' };
    const worker = startLoom(['worker', '--concurrency', '4'], env, /loom worker.*taking cpu steps/);
    const server = startLoom(['start', '--port', '0'], env, /serving on/);
    test.track(worker);
    test.track(server);
    await worker.line;
    const base = await servingAddress(server);
    await expectEachFailsAlone(base);
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await server.exited).toBe(0);
  }, 150_000);
});
