/**
 * `loom remote run` as a CI job runs it: the real `loom` binary in a child process against a real
 * server listening on loopback in this process.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineVersionList, RunSummary, StoredRun } from '@loom/server/api-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  closeGate,
  type InProcessServer,
  oneNodeDocument,
  startInProcessServer,
} from '../../../test/in-process-server.ts';
import { EXAMPLES, loom } from '../../../test/loom-process.ts';
import { afterEachTest, json, startLoom } from '../../../test/loom-server.ts';

const IRIS = join(EXAMPLES, 'iris-classification', 'pipeline.loom.json');
/** No token or server from the developer's environment leaks into the commands under test. */
const CLEAN_ENV = { LOOM_TOKEN: '', LOOM_SERVER: '' };

const test = afterEachTest();
let server: InProcessServer;
let dir: string;

beforeAll(async () => {
  // Shared by the tests, in order: afterEachTest's folders go after each test.
  dir = await mkdtemp(join(tmpdir(), 'loom-remote-run-'));
  server = await startInProcessServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

const remote = (args: string[], env: Record<string, string> = {}) =>
  loom(['remote', ...args], dir, { ...CLEAN_ENV, ...env });

async function writeDocument(name: string, document: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(document, null, 2));
  return path;
}

describe('loom remote run', { timeout: 90_000 }, () => {
  it('fails the run when the validation gate fails, and deploys nothing', async () => {
    const result = await remote(['run', IRIS, '--server', server.base, '--wait', '-p', 'min_accuracy=0.99']);
    expect(result.code, result.stderr).toBe(1);
    // The step lines `loom run` prints, streamed from the server's events.
    expect(result.stderr).toMatch(/✔ train succeeded in/);
    expect(result.stderr).toMatch(
      /✖ validate failed: quality gate failed: accuracy 0\.9667 is below min_accuracy 0\.99/,
    );
    expect(result.stderr).toMatch(/⊘ deploy skipped: validate did not succeed/);
    expect(result.stdout).toMatch(/✖ validate failed \(error\): quality gate failed/);
    expect(result.stdout).toMatch(/last log lines of validate:\n {2}info accuracy 0\.9667/);
    expect(result.stdout).toMatch(/run failed/);
    const { models } = await json<{ models: unknown[] }>(await fetch(`${server.base}/api/models`));
    expect(models).toEqual([]);
  });

  it('runs the same document at the same version, and exits 0 once the run succeeded', async () => {
    const result = await remote(['run', IRIS, '--server', server.base, '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/▶ run \S+ of iris-classification v1 \(unchanged since that version\)/);
    const page = /(http:\/\/127\.0\.0\.1:\d+\/#\/pipelines\/([\w-]+)\/runs\/([\w-]+))/.exec(result.stdout);
    expect(page?.[1]?.startsWith(server.base)).toBe(true);
    expect(result.stderr).toMatch(/↺ train cached/);
    expect(result.stderr).toMatch(/▶ deploy started\n[\s\S]*✔ deploy succeeded in/);
    expect(result.stdout).toMatch(/✔ deploy +deploy\.endpoint@1\.0\.0 +succeeded/);
    expect(result.stdout).toMatch(/run succeeded in .* · 8 steps, \d cached/);

    const run = await json<StoredRun>(await fetch(`${server.base}/api/runs/${page?.[3]}`));
    expect(run).toMatchObject({ status: 'succeeded', pipelineId: page?.[2], pipelineVersion: 1 });
    const { versions } = await json<PipelineVersionList>(
      await fetch(`${server.base}/api/pipelines/${page?.[2]}/versions`),
    );
    expect(versions).toHaveLength(1);
  });

  it('saves a changed document as a new version and runs that version', async () => {
    const document = JSON.parse(await readFile(IRIS, 'utf8'));
    document.description = 'A new description: a new version, the same steps.';
    const file = await writeDocument('iris.loom.json', document);
    const result = await remote(['run', file, '--json'], { LOOM_SERVER: server.base });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ pipelineVersion: 2, upload: 'new-version', status: expect.any(String) });
    expect(report.url).toBe(`${server.base}/#/pipelines/${report.pipelineId}/runs/${report.runId}`);
  });

  it('passes -p values to the run typed as the parameters declare them', async () => {
    const file = await writeDocument(
      'echo.loom.json',
      oneNodeDocument('echo', 'test.echo', {
        message: { type: 'string', default: 'hello' },
        times: { type: 'integer', default: 1 },
        fail: { type: 'boolean', default: false },
      }),
    );
    const result = await remote([
      'run',
      file,
      '--server',
      server.base,
      '--wait',
      '--json',
      '-p',
      'times=3',
      '-p',
      'message=hi',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ status: 'succeeded', steps: [{ id: 'only', status: 'succeeded' }] });
    const run = await json<StoredRun>(await fetch(`${server.base}/api/runs/${report.runId}`));
    expect(run.options.parameters).toEqual({ times: 3, message: 'hi' });
    const { logs } = await json<{ logs: Array<{ message: string }> }>(
      await fetch(`${server.base}/api/runs/${report.runId}/steps/only/logs`),
    );
    expect(logs.map((line) => line.message)).toEqual(['hi 1/3', 'hi 2/3', 'hi 3/3']);
  });

  it('exits 1 with the failing step, its error and its last log lines', async () => {
    const file = join(dir, 'echo.loom.json');
    const result = await remote(['run', file, '--server', server.base, '--wait', '-p', 'fail=true', '-p', 'times=12']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/✖ only failed \(error\): boom: told to fail/);
    // The last ten lines, not all twelve.
    expect(result.stdout).toMatch(/last log lines of only:\n {2}info hello 3\/12\n[\s\S]* {2}info hello 12\/12\n/);
    expect(result.stdout).not.toMatch(/hello 2\/12/);
    expect(result.stdout).toMatch(/see it in the designer: http/);
  });

  it('refuses an unknown parameter or a value of the wrong type before anything reaches the server', async () => {
    const file = join(dir, 'echo.loom.json');
    const before = await json<{ runs: RunSummary[] }>(await fetch(`${server.base}/api/runs?limit=500`));
    const unknown = await remote(['run', file, '--server', server.base, '-p', 'tims=3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /--param tims: the pipeline has no parameter "tims"; its parameters are message, times, fail/,
    );
    const wrongType = await remote(['run', file, '--server', server.base, '-p', 'times=often']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toMatch(/--param times: expected a number, got "often"/);
    const after = await json<{ runs: RunSummary[] }>(await fetch(`${server.base}/api/runs?limit=500`));
    expect(after.runs).toHaveLength(before.runs.length);
  });

  it('reports a broken document with its file and JSON path, without calling the server', async () => {
    const document = oneNodeDocument('broken', 'test.echo');
    (document.nodes[0] as { version: unknown }).version = 12;
    const file = await writeDocument('broken.loom.json', document);
    // Nothing listens there: had it made a request, this would be a connection error (exit 2).
    const result = await remote(['run', file, '--server', await closedPort(), '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✖ .*broken\.loom\.json cannot run: 1 problem/);
    expect(result.stderr).toMatch(/at \/nodes\/0\/version: .*expected string/);
  });

  it('reports a node type the server does not have with the diagnostics it sends, and saves nothing', async () => {
    const file = await writeDocument('unknown-node.loom.json', oneNodeDocument('unknown-node', 'test.nowhere'));
    const result = await remote(['run', file, '--server', server.base]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`unknown-node\\.loom\\.json cannot run on ${server.base.replace(/\./g, '\\.')}: 1 problem`),
    );
    expect(result.stderr).toMatch(/at \/nodes\/0\/type: unknown node type "test\.nowhere"/);
    const { pipelines } = await json<{ pipelines: Array<{ name: string }> }>(
      await fetch(`${server.base}/api/pipelines`),
    );
    expect(pipelines.map((pipeline) => pipeline.name)).not.toContain('unknown-node');
  });

  it('names the address when no server answers there (exit 2)', async () => {
    const address = await closedPort();
    const result = await remote(['run', join(dir, 'echo.loom.json'), '--server', address]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: cannot reach the Loom server at ${address}: connection refused`);
  });

  it('reconnects when the event stream drops, and shows every step once', async () => {
    const file = await writeDocument('gate.loom.json', oneNodeDocument('gate', 'test.gate'));
    const open = closeGate();
    const watcher = test.track(
      startLoom(['remote', 'run', file, '--server', server.base, '--wait'], CLEAN_ENV, /only started/, dir),
    );
    await watcher.line;
    // Every connection the server holds, the event stream among them, cut as a failing proxy would.
    const reconnected = watcher.nextLine(/event stream dropped .*reconnecting/);
    server.app.server.closeAllConnections();
    await reconnected;
    open();
    expect(await watcher.exited).toBe(0);
    const stderr = watcher.stderr();
    expect(stderr.match(/▶ only started/g)).toHaveLength(1);
    expect(stderr.match(/✔ only succeeded/g)).toHaveLength(1);
  });
});

describe('loom remote against a server that needs a token', { timeout: 60_000 }, () => {
  let guarded: InProcessServer;
  beforeAll(async () => {
    guarded = await startInProcessServer({ apiToken: 's3cret-token' });
  });
  afterAll(() => guarded.close(), 30_000);

  it('says to set LOOM_TOKEN when none is set, that it was refused when wrong, and works with the right one', async () => {
    const file = await writeDocument('token.loom.json', oneNodeDocument('token', 'test.echo'));
    const none = await remote(['run', file, '--server', guarded.base]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(new RegExp(`${guarded.base.replace(/\./g, '\\.')} needs an API token: set LOOM_TOKEN`));
    const wrong = await remote(['runs', '--server', guarded.base], { LOOM_TOKEN: 'guess' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the token in LOOM_TOKEN \(401\)/);
    const right = await remote(['run', file, '--server', guarded.base, '--wait'], { LOOM_TOKEN: 's3cret-token' });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stderr).toMatch(/✔ only succeeded/);
  });
});
