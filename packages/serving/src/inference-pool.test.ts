import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelFile } from '@loom/ml';
import { buildOnnxModel } from '@loom/onnx';
import { exampleModels, rawColumns } from '@loom/onnx/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InferenceError,
  InferenceThreadError,
  ModelLoadError,
  ModelNotLoadedError,
  OverloadedError,
} from './errors.ts';
import { InferencePool } from './inference-pool.ts';
import type { Tensor, Tensors } from './tensor.ts';
import { irisExample, numberFeeds, type TrainedExample } from './testing/index.ts';

/** A `@loom/onnx` example model by name. */
function example(name: string): ModelFile {
  const model = exampleModels()[name];
  if (!model) throw new Error(`no example model '${name}'`);
  return model;
}

let iris: TrainedExample;
let pool: InferencePool;
let dir: string;

beforeAll(async () => {
  iris = await irisExample();
  dir = await mkdtemp(join(tmpdir(), 'loom-serving-'));
  pool = new InferencePool({ size: 2 });
  await pool.load('iris@1', iris.onnx);
});

afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** The same rows through a bare onnxruntime session on this thread. */
async function runDirect(bytes: Uint8Array, feeds: Tensors): Promise<Record<string, ort.Tensor>> {
  // One intra-op thread, as in the pool: a forest's float32 sums depend on how onnxruntime splits them.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    return await session.run(ortFeeds);
  } finally {
    await session.release();
  }
}

/** Feeds for every sample row of a `@loom/onnx` example model (numbers float32, strings with '' for NULL). */
function exampleFeeds(columns: ReturnType<typeof rawColumns>, rows: number): Tensors {
  const feeds: Tensors = {};
  for (const [name, column] of Object.entries(columns)) {
    feeds[name] =
      column instanceof Float64Array
        ? { type: 'float32', data: Float32Array.from(column.subarray(0, rows)), dims: [rows, 1] }
        : { type: 'string', data: column.slice(0, rows).map((v) => v ?? ''), dims: [rows, 1] };
  }
  return feeds;
}

function copy(feeds: Tensors): Tensors {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { ...t, data: t.data.slice() } as Tensor]));
}

describe('InferencePool', () => {
  it('loads a model in every thread and answers as a bare session.run does', async () => {
    expect(pool.keys()).toEqual(['iris@1']);
    expect(pool.signature('iris@1')).toEqual({
      inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({
        name,
        type: 'float32',
        shape: ['N', 1],
      })),
      outputs: [
        { name: 'label', type: 'string', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', 3] },
      ],
    });
    const feeds = numberFeeds(iris.columns, 0, iris.rows);
    const expected = await runDirect(iris.onnx, copy(feeds));
    const outputs = await pool.infer('iris@1', feeds);
    expect(outputs.label).toEqual({ type: 'string', data: expected.label?.data, dims: [150] });
    expect(outputs.probabilities?.dims).toEqual([150, 3]);
    expect(outputs.probabilities?.data).toEqual(expected.probabilities?.data);
    // The iris classes are well apart: a trained model gets nearly all of them right.
    const right = ((outputs.label?.data ?? []) as string[]).filter(
      (label, r) => label === iris.model.classes?.[r < 50 ? 0 : r < 100 ? 1 : 2],
    );
    expect(right.length).toBeGreaterThan(140);
  });

  it('serves string inputs and every estimator kind like a bare session, side by side under several keys', async () => {
    for (const name of ['forestThreeClasses', 'mlpRelu', 'linearRegressionScaled']) {
      const model = example(name);
      const bytes = buildOnnxModel(model);
      await pool.load(`${name}@1`, bytes);
      const feeds = exampleFeeds(rawColumns(model), 60);
      const expected = await runDirect(bytes, copy(feeds));
      const outputs = await pool.infer(`${name}@1`, feeds);
      expect(Object.keys(outputs)).toEqual(Object.keys(expected));
      for (const [output, tensor] of Object.entries(expected)) {
        expect(outputs[output]?.data).toEqual(tensor.data);
        expect(outputs[output]?.dims).toEqual(tensor.dims);
      }
      await pool.unload(`${name}@1`);
    }
    expect(pool.keys()).toEqual(['iris@1']);
  });

  it('computes only the outputs asked for', async () => {
    const outputs = await pool.infer('iris@1', numberFeeds(iris.columns, 0, 2), { outputs: ['label'] });
    expect(outputs).toEqual({ label: { type: 'string', data: ['setosa', 'setosa'], dims: [2] } });
  });

  it('loads a model from a file path', async () => {
    const path = join(dir, 'iris.onnx');
    await writeFile(path, iris.onnx);
    await pool.load('iris@file', path);
    const outputs = await pool.infer('iris@file', numberFeeds(iris.columns, 100, 101));
    expect(outputs.label?.data).toEqual(['virginica']);
    await pool.unload('iris@file');
  });

  it('rejects a corrupt ONNX with a ModelLoadError, keeps nothing of it, and the other models keep serving', async () => {
    const corrupt = iris.onnx.slice(0, Math.floor(iris.onnx.length / 2));
    const failure = pool.load('broken@1', corrupt);
    await expect(failure).rejects.toBeInstanceOf(ModelLoadError);
    await expect(failure).rejects.toThrow(/^model 'broken@1' failed to load: .+/);
    expect(pool.keys()).toEqual(['iris@1']);
    await expect(pool.infer('broken@1', {})).rejects.toThrow("model 'broken@1' is not loaded");
    await expect(pool.load('missing@1', join(dir, 'nowhere.onnx'))).rejects.toThrow(
      /model 'missing@1' failed to load: cannot read .*nowhere\.onnx/,
    );
    const outputs = await pool.infer('iris@1', numberFeeds(iris.columns, 0, 1));
    expect(outputs.label?.data).toEqual(['setosa']);
  });

  it('refuses a key already loaded, and names a key that is not', async () => {
    await expect(pool.load('iris@1', iris.onnx)).rejects.toThrow("model 'iris@1' is already loaded; unload it first");
    await expect(pool.unload('nope')).rejects.toBeInstanceOf(ModelNotLoadedError);
    await expect(pool.infer('nope', {})).rejects.toThrow("model 'nope' is not loaded");
  });

  it('rejects feeds onnxruntime refuses with an InferenceError, and the thread keeps serving', async () => {
    const { petal_width: _, ...incomplete } = numberFeeds(iris.columns, 0, 1);
    const refused = pool.infer('iris@1', incomplete);
    await expect(refused).rejects.toBeInstanceOf(InferenceError);
    await expect(refused).rejects.toThrow(/^model 'iris@1' failed to run: .*petal_width/);
    // The feeds' buffers went to the thread with the first request; sent again, they fail that request alone.
    await expect(pool.infer('iris@1', incomplete)).rejects.toThrow(
      "model 'iris@1' failed to run: its feeds cannot be sent to a thread: 'sepal_length' has 0 elements where its dims [1, 1] need 1",
    );
    const outputs = await pool.infer('iris@1', numberFeeds(iris.columns, 0, 1));
    expect(outputs.label?.data).toEqual(['setosa']);
  });

  it('lets the requests already queued finish when a model is unloaded, and refuses new ones', async () => {
    await pool.load('iris@2', iris.onnx);
    const pending = Array.from({ length: 6 }, (_, i) => pool.infer('iris@2', numberFeeds(iris.columns, i, i + 1)));
    const unloaded = pool.unload('iris@2');
    await expect(pool.infer('iris@2', numberFeeds(iris.columns, 0, 1))).rejects.toThrow(
      "model 'iris@2' is being unloaded",
    );
    const results = await Promise.all(pending);
    expect(results.map((r) => r.label?.data[0])).toEqual(Array(6).fill('setosa'));
    await unloaded;
    expect(pool.keys()).toEqual(['iris@1']);
  });
});

describe('InferencePool under load and failure', () => {
  it('refuses requests past maxQueue with an OverloadedError, and serves the rest', async () => {
    const small = new InferencePool({ size: 1, maxQueue: 2 });
    try {
      await small.load('iris@1', iris.onnx);
      // All in one turn of the event loop: the first goes to the thread, two wait, the others are refused.
      const attempts = Array.from({ length: 5 }, () =>
        small.infer('iris@1', numberFeeds(iris.columns, 0, iris.rows)).then(
          () => 'served',
          (error: Error) => error,
        ),
      );
      expect(small.queued('iris@1')).toBe(2);
      const outcomes = await Promise.all(attempts);
      expect(outcomes.slice(0, 3)).toEqual(['served', 'served', 'served']);
      for (const refused of outcomes.slice(3)) {
        expect(refused).toBeInstanceOf(OverloadedError);
        expect((refused as OverloadedError).message).toBe(
          "model 'iris@1' is overloaded: 2 requests are already waiting",
        );
      }
      // Once the queue drained, requests are served again.
      await expect(small.infer('iris@1', numberFeeds(iris.columns, 0, 1))).resolves.toHaveProperty('label');
    } finally {
      await small.close();
    }
  });

  it('replaces a thread that runs out of memory: its request fails, the next ones are served', async () => {
    const small = new InferencePool({ size: 1, threadHeapMb: 32 });
    try {
      const model = example('forestThreeClasses');
      await small.load('forest@1', buildOnnxModel(model));
      const rows = 1;
      const feeds = exampleFeeds(rawColumns(model), rows);
      // Far more string data than a 32 MB heap holds: the thread dies while taking the message.
      const huge = 2_000_000;
      const city: Tensor = {
        type: 'string',
        data: Array.from({ length: huge }, (_, i) => `city number ${i}`),
        dims: [huge, 1],
      };
      const hugeFeeds: Tensors = { ...exampleFeeds(rawColumns(model), rows), city };
      const crashed = small.infer('forest@1', hugeFeeds);
      await expect(crashed).rejects.toBeInstanceOf(InferenceThreadError);
      await expect(crashed).rejects.toThrow(/^the inference thread running model 'forest@1' stopped: .*memory/);
      const outputs = await small.infer('forest@1', feeds);
      expect(outputs.probabilities?.dims).toEqual([1, 3]);
      expect(small.keys()).toEqual(['forest@1']);
    } finally {
      await small.close();
    }
  });

  it('joins requests that queued while its threads were busy into one inference, each answered with its rows', async () => {
    const small = new InferencePool({ size: 1 });
    try {
      await small.load('iris@1', iris.onnx);
      const picks = Array.from({ length: 10 }, (_, i) => i * 15);
      // The first goes to the idle thread alone; the other nine wait, and then run as one.
      const answers = await Promise.all(picks.map((r) => small.infer('iris@1', numberFeeds(iris.columns, r, r + 1))));
      expect(small.stats()).toEqual({ requests: 10, inferences: 2 });
      const expected = await runDirect(iris.onnx, numberFeeds(iris.columns, 0, iris.rows));
      const probabilities = expected.probabilities?.data as Float32Array;
      const labels = expected.label?.data as string[];
      answers.forEach((answer, i) => {
        const r = picks[i] as number;
        expect(answer.label).toEqual({ type: 'string', data: [labels[r]], dims: [1] });
        expect(answer.probabilities?.dims).toEqual([1, 3]);
        const mine = Array.from(answer.probabilities?.data as Float32Array);
        mine.forEach((p, c) => {
          expect(p).toBeCloseTo(probabilities[r * 3 + c] as number, 6);
        });
      });
      // Requests asking for other outputs do not join a batch: the first alone, two together, then one each.
      const label = { outputs: ['label'] };
      const mixed = await Promise.all(
        [{}, {}, {}, label, {}].map((options, i) =>
          small.infer('iris@1', numberFeeds(iris.columns, i, i + 1), options),
        ),
      );
      expect(mixed.map((answer) => Object.keys(answer))).toEqual([
        ['label', 'probabilities'],
        ['label', 'probabilities'],
        ['label', 'probabilities'],
        ['label'],
        ['label', 'probabilities'],
      ]);
      expect(small.stats()).toEqual({ requests: 15, inferences: 6 });
    } finally {
      await small.close();
    }
  });

  it('tells each request how long it queued and how long its inference took', async () => {
    const small = new InferencePool({ size: 1, batchRows: 1 });
    try {
      await small.load('iris@1', iris.onnx);
      const timings = Array.from({ length: 3 }, () => ({ queueMs: Number.NaN, inferenceMs: Number.NaN }));
      const started = performance.now();
      const settled = await Promise.all(
        timings.map(async (timing) => {
          await small.infer('iris@1', numberFeeds(iris.columns, 0, 150), { timing });
          return performance.now() - started;
        }),
      );
      const [first, second, third] = timings as [(typeof timings)[0], (typeof timings)[0], (typeof timings)[0]];
      for (const [i, timing] of timings.entries()) {
        expect(timing.inferenceMs).toBeGreaterThan(0);
        expect(timing.queueMs).toBeGreaterThanOrEqual(0);
        expect(timing.queueMs + timing.inferenceMs).toBeLessThanOrEqual((settled[i] as number) + 0.5);
      }
      // One thread, no batching: each waits for those before it to finish.
      expect(second.queueMs).toBeGreaterThanOrEqual(first.inferenceMs - 0.5);
      expect(third.queueMs).toBeGreaterThanOrEqual(first.inferenceMs + second.inferenceMs - 1);
      // A request asking for no timing is served the same.
      expect((await small.infer('iris@1', numberFeeds(iris.columns, 0, 1))).label?.data).toEqual(['setosa']);
    } finally {
      await small.close();
    }
  });
  it('rejects what is queued when it closes', async () => {
    const small = new InferencePool({ size: 1 });
    await small.load('iris@1', iris.onnx);
    // The request already on the thread may still be answered before the thread stops: only the
    // one waiting behind it is sure to be refused.
    const running = small.infer('iris@1', numberFeeds(iris.columns, 0, iris.rows)).catch(() => undefined);
    const queued = expect(small.infer('iris@1', numberFeeds(iris.columns, 0, iris.rows))).rejects.toThrow(
      'the inference pool is closed',
    );
    await small.close();
    await Promise.all([running, queued]);
    await expect(small.infer('iris@1', {})).rejects.toThrow('the inference pool is closed');
  });

  it('rejects a load still going when it closes, instead of waiting on threads that are gone', async () => {
    const small = new InferencePool({ size: 1 });
    const loading = small.load('iris@1', iris.onnx);
    await small.close();
    await expect(loading).rejects.toThrow(ModelLoadError);
  });
});
