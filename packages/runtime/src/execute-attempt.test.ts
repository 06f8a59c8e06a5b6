import type { PlanStep } from '@loom/compiler';
import { NodeError, NodeRegistry } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AttemptHooks, type AttemptRequest, executeAttempt, resolvePath } from './execute-attempt.ts';
import { type HostTrafficWindow, NO_MODEL_REGISTRY, NO_MODEL_REGISTRY_FOR_TRAFFIC } from './model-registry-host.ts';
import type { OutputRecord } from './output-record.ts';
import { type DocNode, pipeline, TestWorkspace } from './test-fixtures/harness.ts';
import { activity, resetActivity } from './test-fixtures/nodes.ts';
import { recordingModelHost } from './test-fixtures/recording-model-host.ts';

let ws: TestWorkspace;

beforeEach(async () => {
  resetActivity();
  ws = await TestWorkspace.create();
});

afterEach(async () => {
  await ws.cleanup();
});

/** The compiled step of `node`, in a pipeline with whatever it needs connected. */
function stepOf(node: DocNode, feeders: DocNode[] = [], edges: Array<[string, string]> = []): PlanStep {
  const step = ws.plan(pipeline([...feeders, node], edges)).steps.find((s) => s.id === node.id);
  if (step === undefined) throw new Error('no step');
  return step;
}

function recorder() {
  const calls: string[] = [];
  const hooks: AttemptHooks = {
    started: () => calls.push('started'),
    progress: (fraction, message) => calls.push(`progress ${fraction} ${message ?? ''}`.trim()),
    log: (level, message) => calls.push(`log ${level} ${message}`),
    metric: (name, value, step) => calls.push(`metric ${name}=${value}${step === undefined ? '' : `@${step}`}`),
  };
  return { calls, hooks };
}

function request(step: PlanStep, inputs: Record<string, OutputRecord[]> = {}, signal = new AbortController().signal) {
  return { runId: 'run-1', step, attempt: 1, inputs, contentKey: 'k'.repeat(64), signal } satisfies AttemptRequest;
}

const environment = () => ({ registry: ws.registry, store: ws.store, baseDir: ws.dir });

describe('executeAttempt', () => {
  it('runs a node, stores its outputs and reports what it said along the way', async () => {
    const { calls, hooks } = recorder();
    const outcome = await executeAttempt(request(stepOf({ id: 'talk', type: 'fixture.chatty' })), hooks, environment());
    expect(outcome).toMatchObject({ ok: true, metrics: { loss: 0.25 } });
    if (!outcome.ok) return;
    expect(outcome.outputs.value).toEqual({
      type: 'json',
      storage: 'json',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: 6,
      mediaType: 'application/json',
    });
    expect(Buffer.from(await ws.store.read(outcome.outputs.value?.sha256 ?? '')).toString()).toBe('"done"');
    expect(calls).toEqual([
      'started',
      'progress 1 more than done',
      'log info hello',
      'metric loss=0.5@1',
      'metric loss=0.25@2',
    ]);
  });

  it('fails without starting a node type that is not installed here, saying so in its log', async () => {
    const { calls, hooks } = recorder();
    const outcome = await executeAttempt(
      request(stepOf({ id: 'a', type: 'fixture.emit', params: { value: 1 } })),
      hooks,
      {
        ...environment(),
        registry: new NodeRegistry(),
      },
    );
    const message =
      'this machine does not have node type fixture.emit@1.0.0, which comes from plugin test-fixtures; it has no version of fixture.emit. Install test-fixtures where this step runs.';
    expect(outcome).toEqual({ ok: false, durationMs: 0, failure: { reason: 'error', message }, retryable: false });
    expect(calls).toEqual([`log error ${message}`]);
  });

  it('does not start an attempt whose signal is already aborted', async () => {
    const { calls, hooks } = recorder();
    const step = stepOf({ id: 'a', type: 'fixture.emit', params: { value: 1 } });
    const outcome = await executeAttempt(request(step, {}, AbortSignal.abort()), hooks, environment());
    expect(outcome).toEqual({
      ok: false,
      durationMs: 0,
      failure: { reason: 'cancelled', message: 'cancelled' },
      retryable: false,
    });
    expect(calls).toEqual([]);
    expect(activity.runs).toEqual([]);
  });

  it('fails with reason input, not retryable, when an input cannot be loaded', async () => {
    const { hooks } = recorder();
    const missing: OutputRecord = { type: 'text', storage: 'text', sha256: 'a'.repeat(64), size: 3 };
    const outcome = await executeAttempt(
      request(
        stepOf(
          { id: 'u', type: 'fixture.upper' },
          [{ id: 't', type: 'fixture.emit_text', params: { text: 'x' } }],
          [['t.text', 'u.text']],
        ),
        { text: [missing] },
      ),
      hooks,
      environment(),
    );
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'input' }, retryable: false });
    if (!outcome.ok) expect(outcome.failure.message).toContain('ENOENT');
    expect(activity.runs).toEqual([]);
  });

  it('gives a multiple input without records [], and runs a node whose optional input is unconnected', async () => {
    const { hooks } = recorder();
    const feeder: DocNode = { id: 'e', type: 'fixture.emit', params: { value: 1 } };
    const sumStep = stepOf({ id: 's', type: 'fixture.sum' }, [feeder], [['e.value', 's.values']]);
    // The compiler insists on a connection; a driver that sends none still gets a defined value.
    const sum = await executeAttempt(request(sumStep), hooks, environment());
    expect(sum.ok).toBe(true);
    if (sum.ok) {
      expect(Buffer.from(await ws.store.read(sum.outputs.values?.sha256 ?? '')).toString()).toBe('[]');
    }
    const sleep = await executeAttempt(
      request(stepOf({ id: 'z', type: 'fixture.sleep', params: { ms: 0 } })),
      hooks,
      environment(),
    );
    expect(sleep.ok).toBe(true);
  });

  it('marks a thrown plain error retryable with its stack as detail, and a NodeError as it says', async () => {
    const { hooks } = recorder();
    const flaky = await executeAttempt(
      request(stepOf({ id: 'f', type: 'fixture.flaky', params: { failures: 1 } })),
      hooks,
      environment(),
    );
    expect(flaky).toMatchObject({ ok: false, retryable: true, failure: { reason: 'error' } });
    if (!flaky.ok) expect(flaky.failure.detail).toMatch(/^Error: flaky failure on attempt 1\n\s+at /);
    const fatal = await executeAttempt(request(stepOf({ id: 'x', type: 'fixture.fatal' })), hooks, environment());
    expect(fatal).toMatchObject({
      ok: false,
      retryable: false,
      failure: { reason: 'error', message: 'the input is unusable' },
    });
    if (!fatal.ok) expect(fatal.failure.detail).toBeUndefined();
  });

  it('reports cancellation, not an error, when the node throws because it was aborted', async () => {
    const { hooks } = recorder();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const outcome = await executeAttempt(
      request(stepOf({ id: 'z', type: 'fixture.sleep', params: { ms: 10_000 } }), {}, controller.signal),
      hooks,
      environment(),
    );
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'cancelled' }, retryable: false });
    expect(activity.aborted).toEqual(['z']);
  });

  it('removes the attempt temp dir whether the node succeeds or fails', async () => {
    const { hooks } = recorder();
    const ok = await executeAttempt(
      request(stepOf({ id: 'w', type: 'fixture.write_file', params: { content: 'x', via: 'import' } })),
      hooks,
      environment(),
    );
    expect(ok.ok).toBe(true);
    const failed = await executeAttempt(
      request(stepOf({ id: 'b', type: 'fixture.write_then_fail' })),
      hooks,
      environment(),
    );
    expect(failed.ok).toBe(false);
    expect(await ws.tempEntries()).toEqual([]);
  });
});

describe('executeAttempt: ctx.models', () => {
  it("hands a deploy to the host's registry with the step's provenance", async () => {
    const { host, asked } = recordingModelHost();
    const outcome = await executeAttempt(
      request(stepOf({ id: 'ship', type: 'fixture.deploy', params: { model: 'iris' } })),
      recorder().hooks,
      { ...environment(), models: host },
    );
    expect(outcome.ok).toBe(true);
    expect(asked).toEqual([
      {
        model: 'iris',
        alias: 'production',
        onnx: expect.objectContaining({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        trafficPercent: 100,
        provenance: { runId: 'run-1', stepId: 'ship', attempt: 1 },
      },
    ]);
    if (!outcome.ok) return;
    const endpoint = JSON.parse(Buffer.from(await ws.store.read(outcome.outputs.endpoint?.sha256 ?? '')).toString());
    expect(endpoint).toEqual({
      url: 'http://models.test/v2/models/iris',
      model: 'iris',
      version: 3,
      alias: 'production',
    });
  });

  it('fails the step, not retryable, saying where deploying works, when the host offers no registry', async () => {
    const outcome = await executeAttempt(
      request(stepOf({ id: 'ship', type: 'fixture.deploy', params: { model: 'iris' } })),
      recorder().hooks,
      environment(),
    );
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      failure: { reason: 'error', message: NO_MODEL_REGISTRY },
    });
    expect(NO_MODEL_REGISTRY).toMatch(/loom start.*loom run.*loom worker.*LOOM_API_URL/);
  });

  it('refuses a deploy from an attempt that already timed out', async () => {
    const { host, asked } = recordingModelHost();
    const outcome = await executeAttempt(
      request(stepOf({ id: 'late', type: 'fixture.deploy', params: { model: 'iris', waitMs: 300 }, timeoutMs: 30 })),
      recorder().hooks,
      { ...environment(), models: host },
    );
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'timeout' } });
    await until(() => activity.deploys.length > 0);
    expect(activity.deploys).toEqual([
      { error: 'deploy of model "iris" refused: the attempt that asked has ended', retryable: false },
    ]);
    expect(asked).toEqual([]);
  });
});

describe('executeAttempt: ctx.models.traffic', () => {
  const window = (table: { sha256: string; size: number }): HostTrafficWindow => ({
    model: 'iris',
    table,
    rows: 2,
    version: 3,
    versions: { '3': 2 },
    start: '2026-12-07T10:00:00.000Z',
    end: '2026-12-07T10:01:00.000Z',
    missingInputs: [],
    predictionColumn: 'prediction',
  });

  it("hands the request to the host and gives the node the table's path in this machine's store", async () => {
    const table = await ws.store.put('rows of the request log');
    const { host, trafficAsked } = recordingModelHost(undefined, () => window(table));
    const outcome = await executeAttempt(
      request(stepOf({ id: 'watch', type: 'fixture.traffic', params: { model: 'iris', seconds: 60 } })),
      recorder().hooks,
      { ...environment(), models: host },
    );
    expect(trafficAsked).toEqual([{ model: 'iris', seconds: 60 }]);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const seen = JSON.parse(Buffer.from(await ws.store.read(outcome.outputs.window?.sha256 ?? '')).toString());
    expect(seen).toEqual({
      ...window(table),
      table: { sha256: table.sha256, mediaType: 'application/vnd.apache.parquet', text: 'rows of the request log' },
    });
  });

  it('fails the step, not retryable, when the table the host names is not in this machine’s store', async () => {
    const { host } = recordingModelHost(undefined, () => window({ sha256: 'f'.repeat(64), size: 10 }));
    const outcome = await executeAttempt(
      request(stepOf({ id: 'watch', type: 'fixture.traffic', params: { model: 'iris' } })),
      recorder().hooks,
      { ...environment(), models: host, machine: 'worker w-1' },
    );
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      failure: {
        message: `the traffic table of model "iris" (${'f'.repeat(64)}) is not in the artifact store of worker w-1: it must share the server’s artifact store`,
      },
    });
  });

  it('fails the step, not retryable, saying where it works, when the host offers no registry', async () => {
    const outcome = await executeAttempt(
      request(stepOf({ id: 'watch', type: 'fixture.traffic', params: { model: 'iris' } })),
      recorder().hooks,
      environment(),
    );
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      failure: { reason: 'error', message: NO_MODEL_REGISTRY_FOR_TRAFFIC },
    });
    expect(NO_MODEL_REGISTRY_FOR_TRAFFIC).toMatch(
      /^reading an endpoint’s traffic needs the model registry.*loom worker/,
    );
  });

  it("passes the host's refusal on as it is, and refuses a read from an attempt that already timed out", async () => {
    const refusing = recordingModelHost(new NodeError('the registry has no model "iris"', { retryable: false }));
    const refused = await executeAttempt(
      request(stepOf({ id: 'watch', type: 'fixture.traffic', params: { model: 'iris' } })),
      recorder().hooks,
      { ...environment(), models: refusing.host },
    );
    expect(refused).toMatchObject({
      ok: false,
      retryable: false,
      failure: { message: 'the registry has no model "iris"' },
    });

    const table = await ws.store.put('rows');
    const { host, trafficAsked } = recordingModelHost(undefined, () => window(table));
    const outcome = await executeAttempt(
      request(stepOf({ id: 'late', type: 'fixture.traffic', params: { model: 'iris', waitMs: 300 }, timeoutMs: 30 })),
      recorder().hooks,
      { ...environment(), models: host },
    );
    expect(outcome).toMatchObject({ ok: false, failure: { reason: 'timeout' } });
    await until(() => activity.traffic.length > 1);
    expect(activity.traffic.at(-1)).toEqual({
      error: 'reading the traffic of model "iris" refused: the attempt that asked has ended',
      retryable: false,
    });
    expect(trafficAsked).toEqual([]);
  });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolveSoon) => setTimeout(resolveSoon, 10));
}

describe('resolvePath', () => {
  it('takes relative paths from the base directory and keeps absolute ones', () => {
    expect(resolvePath('/work/pipelines', 'data/a.json')).toBe('/work/pipelines/data/a.json');
    expect(resolvePath('/work/pipelines', '../b.json')).toBe('/work/b.json');
    expect(resolvePath('/work/pipelines', '/abs/c.json')).toBe('/abs/c.json');
  });
});
