import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StepRunnerPool, type StepRunnerPoolOptions } from './step-runner-pool.ts';
import {
  attemptRequest,
  QueueWorkspace,
  recordingHooks,
  testRegistryModule,
  testStep,
} from './test-fixtures/queue-harness.ts';

let workspace: QueueWorkspace;
let pool: StepRunnerPool | undefined;

function makePool(options: Partial<StepRunnerPoolOptions> = {}): StepRunnerPool {
  pool = new StepRunnerPool({
    registryModule: testRegistryModule,
    storeRoot: workspace.root,
    baseDir: workspace.root,
    size: 1,
    killGraceMs: 300,
    ...options,
  });
  return pool;
}

beforeEach(async () => {
  workspace = await QueueWorkspace.create();
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await workspace.remove();
});

describe('StepRunnerPool', () => {
  it('runs attempts in a child process and forwards their hooks', async () => {
    const runner = makePool();
    const { hooks, heard } = recordingHooks();
    const outcome = await runner.run(attemptRequest(testStep('a', 'test.noop')), hooks);
    expect(outcome).toMatchObject({ ok: true, metrics: { answer: 42 } });
    if (!outcome.ok) throw new Error('expected success');
    expect(await workspace.readJson(outcome.outputs.value)).toEqual({ ok: true });
    expect(heard.map((event) => event.kind)).toEqual(['started', 'log', 'progress', 'metric']);
    const log = heard.find((event) => event.kind === 'log');
    expect(log?.kind === 'log' && log.fields?.pid).not.toBe(process.pid);
  });

  it('loads inputs from the store and reports node errors', async () => {
    const runner = makePool({ size: 2 });
    const input = await workspace.storeJson({ n: 7 });
    const [echoed, failed] = await Promise.all([
      runner.run(
        attemptRequest(testStep('echo', 'test.echo', {}, { inputs: ['value'] }), { inputs: { value: [input] } }),
        recordingHooks().hooks,
      ),
      runner.run(attemptRequest(testStep('boom', 'test.fail', { message: 'no luck' })), recordingHooks().hooks),
    ]);
    if (!echoed.ok) throw new Error(echoed.failure.message);
    expect(await workspace.readJson(echoed.outputs.value)).toEqual({ n: 7 });
    expect(failed).toMatchObject({ ok: false, failure: { reason: 'error', message: 'no luck' }, retryable: true });
  });

  it('kills a child whose step spins past its timeout; the step beside it, in its own process, runs on', async () => {
    const runner = makePool({ size: 2 });
    const started = Date.now();
    const spinLog = recordingHooks();
    const [spun, neighbour] = await Promise.all([
      runner.run(attemptRequest(testStep('spin', 'test.spin', { ms: 60_000 }, { timeoutMs: 300 })), spinLog.hooks),
      runner.run(attemptRequest(testStep('nap', 'test.sleep', { ms: 1500 })), recordingHooks().hooks),
    ]);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(spun).toMatchObject({
      ok: false,
      failure: {
        reason: 'timeout',
        message: 'timed out after 300 ms (the step ignored its abort signal and its process was stopped)',
      },
      retryable: true,
    });
    expect(spinLog.heard).toContainEqual(expect.objectContaining({ kind: 'log', level: 'error' }));
    expect(neighbour).toMatchObject({ ok: true });
    expect(await runner.run(attemptRequest(testStep('after', 'test.noop')), recordingHooks().hooks)).toMatchObject({
      ok: true,
    });
  });

  it('runs one attempt per process: attempts beyond its size wait for a free one', async () => {
    const runner = makePool({ size: 1 });
    const first = runner.run(attemptRequest(testStep('a', 'test.sleep', { ms: 300 })), recordingHooks().hooks);
    const second = runner.run(attemptRequest(testStep('b', 'test.noop')), recordingHooks().hooks);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runner.running).toBe(1);
    expect(runner.waiting).toBe(1);
    expect(await first).toMatchObject({ ok: true });
    expect(await second).toMatchObject({ ok: true });
    expect(runner.waiting).toBe(0);
  });

  it('cancels a running step through its signal', async () => {
    const runner = makePool();
    const controller = new AbortController();
    const { hooks, started } = recordingHooks();
    const running = runner.run(
      attemptRequest(testStep('nap', 'test.sleep', { ms: 60_000 }), { signal: controller.signal }),
      hooks,
    );
    await started;
    controller.abort();
    expect(await running).toMatchObject({ ok: false, failure: { reason: 'cancelled' }, retryable: false });
    // The child survived: it answered the abort itself.
    expect(runner.running).toBe(0);
    expect(await runner.run(attemptRequest(testStep('after', 'test.noop')), hooks)).toMatchObject({ ok: true });
  });

  it('stops the process of a cancelled step that ignores its signal', async () => {
    const runner = makePool();
    const controller = new AbortController();
    const { hooks, started } = recordingHooks();
    const running = runner.run(
      attemptRequest(testStep('spin', 'test.spin', { ms: 60_000 }), { signal: controller.signal }),
      hooks,
    );
    await started;
    const abortedAt = Date.now();
    controller.abort();
    expect(await running).toMatchObject({ ok: false, failure: { reason: 'cancelled' }, retryable: false });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
  });

  it('fails only the step whose code calls process.exit, saying so in its log', async () => {
    const runner = makePool({ size: 2, output: null });
    const { hooks, heard } = recordingHooks();
    const [crashed, neighbour] = await Promise.all([
      runner.run(attemptRequest(testStep('crash', 'test.exit', { code: 3 })), hooks),
      runner.run(attemptRequest(testStep('nap', 'test.sleep', { ms: 1000 })), recordingHooks().hooks),
    ]);
    const message =
      "the node's code called process.exit(3), which ended its step runner process (throw an error to fail a step)";
    expect(crashed).toMatchObject({ ok: false, failure: { reason: 'error', message }, retryable: true });
    expect(heard).toContainEqual({ kind: 'log', level: 'error', message });
    expect(neighbour).toMatchObject({ ok: true });
    expect(await runner.run(attemptRequest(testStep('after', 'test.noop')), recordingHooks().hooks)).toMatchObject({
      ok: true,
    });
  });

  it("fails a leaking step when its heap reaches the node's memoryMb, and nothing else", async () => {
    const runner = makePool({ size: 2, output: null });
    const [leaked, neighbour] = await Promise.all([
      runner.run(attemptRequest(testStep('leak', 'test.leak', {}, { memoryMb: 96 })), recordingHooks().hooks),
      runner.run(attemptRequest(testStep('nap', 'test.sleep', { ms: 500 })), recordingHooks().hooks),
    ]);
    expect(leaked).toMatchObject({
      ok: false,
      failure: {
        reason: 'error',
        message:
          "ran out of memory: the step's JavaScript heap reached its limit of 96 MB (raise resources.memoryMb if the node needs more)",
      },
    });
    expect(neighbour).toMatchObject({ ok: true });
  });

  it("puts what a node prints into its step's log", async () => {
    const runner = makePool({ output: null });
    const { hooks, heard } = recordingHooks();
    expect(await runner.run(attemptRequest(testStep('p', 'test.print', { text: 'hi' })), hooks)).toMatchObject({
      ok: true,
    });
    expect(heard).toContainEqual({ kind: 'log', level: 'info', message: 'out: hi' });
    expect(heard).toContainEqual({ kind: 'log', level: 'warn', message: 'err: hi' });
  });

  it('loads the node code afresh after recycle: idle processes stop, busy ones after their step', async () => {
    const runner = makePool({ size: 1 });
    const pid = async () => {
      const { hooks, heard } = recordingHooks();
      await runner.run(attemptRequest(testStep('n', 'test.noop')), hooks);
      const log = heard.find((event) => event.kind === 'log');
      return log?.kind === 'log' ? log.fields?.pid : undefined;
    };
    const before = await pid();
    expect(await pid()).toBe(before);
    runner.recycle();
    expect(await pid()).not.toBe(before);
  });

  it('waits to the end for a child it had to kill, even when nothing else keeps the process alive', async () => {
    // Warmed and closed at once: the child is killed before it is up. An idle child is unreferenced, so
    // without the wait holding it, the process ended there with the close unsettled (exit code 13).
    const script = join(import.meta.dirname, 'test-fixtures', 'close-warm-pool.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, workspace.root], {
      cwd: import.meta.dirname,
    });
    expect(stdout).toBe('closed\n');
  });

  it('reports a registry module that cannot be used', async () => {
    const module = join(workspace.root, 'no-registry.mjs');
    await writeFile(module, 'export const nothing = 1;\n');
    const runner = makePool({ registryModule: module });
    const outcome = await runner.run(attemptRequest(testStep('a', 'test.noop')), recordingHooks().hooks);
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'error' }, retryable: false });
    if (outcome.ok) throw new Error('expected failure');
    expect(outcome.failure.message).toContain('does not export createRegistry()');
  });
});
