// ctx.models.deploy from a real step-runner child, relayed over its IPC channel to the pool's host.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_MODEL_REGISTRY, NO_MODEL_REGISTRY_FOR_TRAFFIC } from '../model-registry-host.ts';
import { recordingModelHost } from '../test-fixtures/recording-model-host.ts';
import { StepRunnerPool, type StepRunnerPoolOptions } from './step-runner-pool.ts';
import {
  attemptRequest,
  QueueWorkspace,
  recordingHooks,
  testRegistryModule,
  testStep,
  waitFor,
} from './test-fixtures/queue-harness.ts';

let workspace: QueueWorkspace;
let pool: StepRunnerPool | undefined;

function makePool(options: Partial<StepRunnerPoolOptions> = {}): StepRunnerPool {
  pool = new StepRunnerPool({
    registryModule: testRegistryModule,
    storeRoot: workspace.root,
    baseDir: workspace.root,
    size: 1,
    killGraceMs: 2000,
    ...options,
  });
  return pool;
}

const deployStep = (params: { spinMs?: number; notePath?: string } = {}) =>
  testStep('ship', 'test.deploy', { model: 'iris', spinMs: params.spinMs ?? 0, notePath: params.notePath ?? '' });

beforeEach(async () => {
  workspace = await QueueWorkspace.create();
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await workspace.remove();
});

describe('StepRunnerPool: ctx.models', () => {
  it("relays a child's deploy to the pool's host, with the provenance of the attempt running there", async () => {
    const { host, asked } = recordingModelHost();
    const runner = makePool({ models: host });
    const outcome = await runner.run(
      attemptRequest(deployStep(), { runId: 'run-7', attempt: 2 }),
      recordingHooks().hooks,
    );
    expect(outcome.ok).toBe(true);
    expect(asked).toEqual([
      {
        model: 'iris',
        alias: 'production',
        onnx: expect.objectContaining({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: 21 }),
        trafficPercent: 100,
        provenance: { runId: 'run-7', stepId: 'ship', attempt: 2 },
      },
    ]);
    if (!outcome.ok) return;
    expect(await workspace.readJson(outcome.outputs.endpoint)).toEqual({
      url: 'http://models.test/v2/models/iris',
      model: 'iris',
      version: 3,
      alias: 'production',
    });
  });

  it("passes the host's refusal back as the step's error, not retryable when the host says so", async () => {
    const { host } = recordingModelHost(
      new NodeError('model name "iris" is taken by a regression', { retryable: false }),
    );
    const outcome = await makePool({ models: host }).run(attemptRequest(deployStep()), recordingHooks().hooks);
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      failure: { reason: 'error', message: 'model name "iris" is taken by a regression' },
    });
    const { host: failing } = recordingModelHost(new Error('database is locked'));
    const transient = await makePool({ models: failing }).run(attemptRequest(deployStep()), recordingHooks().hooks);
    expect(transient).toMatchObject({ ok: false, retryable: true, failure: { message: 'database is locked' } });
  });

  it('fails the step, saying where deploying works, when the pool offers no registry', async () => {
    const outcome = await makePool().run(attemptRequest(deployStep()), recordingHooks().hooks);
    expect(outcome).toMatchObject({ ok: false, retryable: false, failure: { message: NO_MODEL_REGISTRY } });
  });

  it('refuses a deploy that reaches it from an attempt already cancelled', async () => {
    const { host, asked } = recordingModelHost();
    const notePath = join(workspace.root, 'deploy-note.txt');
    const runner = makePool({ models: host });
    const controller = new AbortController();
    const { hooks, started } = recordingHooks();
    // The node busy-loops before it asks, so the cancel cannot reach the child first: only the pool can refuse.
    const outcome = runner.run(
      attemptRequest(deployStep({ spinMs: 600, notePath }), { signal: controller.signal }),
      hooks,
    );
    await started;
    controller.abort();
    expect(await outcome).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
    await waitFor(async () => (await readFile(notePath, 'utf8').catch(() => '')) !== '');
    expect(await readFile(notePath, 'utf8')).toBe(
      'NodeError: deploy of model "iris" refused: the attempt that asked has ended (retryable: false)\n',
    );
    expect(asked).toEqual([]);
  });

  it("relays a child's traffic read to the pool's host; the child reads the table from its own store", async () => {
    const table = await workspace.store.put('rows of the request log');
    const { host, trafficAsked } = recordingModelHost(undefined, (asked) => ({
      model: asked.model,
      table,
      rows: 5,
      version: 2,
      versions: { '1': 1, '2': 5 },
      start: '2026-12-07T10:00:00.000Z',
      end: '2026-12-07T10:00:30.000Z',
      missingInputs: ['colour'],
      predictionColumn: 'prediction',
    }));
    const outcome = await makePool({ models: host }).run(
      attemptRequest(testStep('watch', 'test.traffic', { model: 'iris', seconds: 30 })),
      recordingHooks().hooks,
    );
    expect(trafficAsked).toEqual([{ model: 'iris', seconds: 30 }]);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(await workspace.readJson(outcome.outputs.window)).toEqual({
      model: 'iris',
      table: { sha256: table.sha256, text: 'rows of the request log' },
      rows: 5,
      version: 2,
      versions: { '1': 1, '2': 5 },
      start: '2026-12-07T10:00:00.000Z',
      end: '2026-12-07T10:00:30.000Z',
      missingInputs: ['colour'],
      predictionColumn: 'prediction',
    });
  });

  it("passes the host's refusal of a traffic read back, and says where reading works without a registry", async () => {
    const { host } = recordingModelHost(new NodeError('the registry has no model "iris"', { retryable: false }));
    const refused = await makePool({ models: host }).run(
      attemptRequest(testStep('watch', 'test.traffic', { model: 'iris' })),
      recordingHooks().hooks,
    );
    expect(refused).toMatchObject({
      ok: false,
      retryable: false,
      failure: { message: 'the registry has no model "iris"' },
    });
    await pool?.close();
    const none = await makePool().run(
      attemptRequest(testStep('watch', 'test.traffic', { model: 'iris' })),
      recordingHooks().hooks,
    );
    expect(none).toMatchObject({ ok: false, retryable: false, failure: { message: NO_MODEL_REGISTRY_FOR_TRAFFIC } });
  });
});
