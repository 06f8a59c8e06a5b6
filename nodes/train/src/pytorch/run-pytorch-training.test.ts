import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnnxTensor } from '@loom/onnx/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTorchPython, probeTorchPython } from '../torch-python.ts';
import { type PytorchEpochEvent, type PytorchLogEvent, runPytorchTraining } from './run-pytorch-training.ts';

const IRIS = fileURLToPath(new URL('../../../../examples/iris-classification/iris.csv', import.meta.url));
const found = await findTorchPython();
const why = found.probes.map((p) => `${p.python}: ${p.reason}`).join('; ');
if (!found.python) console.warn(`PyTorch training tests skipped: no Python with torch and numpy (${why})`);
const python = found.python ?? '';

/** Iris as row-major float32 features and class indices in order of first appearance. */
async function loadIris() {
  const lines = (await readFile(IRIS, 'utf8')).trim().split('\n').slice(1);
  const classes: string[] = [];
  const features = new Float32Array(lines.length * 4);
  const labels = new Int32Array(lines.length);
  lines.forEach((line, r) => {
    const cells = line.split(',');
    for (let c = 0; c < 4; c++) features[r * 4 + c] = Number(cells[c]);
    const species = cells[4] ?? '';
    if (!classes.includes(species)) classes.push(species);
    labels[r] = classes.indexOf(species);
  });
  return { features, labels, rows: lines.length, classes };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-pytorch-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(!found.python)('runPytorchTraining', () => {
  it('learns iris; the exported ONNX runs in onnxruntime with accuracy >= 0.9; epochs arrive while Python runs', async () => {
    const iris = await loadIris();
    const epochs: PytorchEpochEvent[] = [];
    const aliveAtEpoch: boolean[] = [];
    let pid = 0;
    const result = await runPytorchTraining({
      python,
      ...iris,
      cols: 4,
      workDir: join(dir, 'iris'),
      config: {
        task: { kind: 'classification', classes: 3 },
        architecture: { kind: 'mlp', hidden: [32, 16], activation: 'relu' },
        optimizer: { kind: 'adam', lr: 0.01 },
        schedule: { kind: 'cosine' },
        epochs: 150,
        batchSize: 16,
        validationFraction: 0.2,
        earlyStopping: { patience: 30 },
        seed: 7,
        device: 'cpu',
      },
      onSpawn: (p) => {
        pid = p;
      },
      onEpoch: (e) => {
        epochs.push(e);
        aliveAtEpoch.push(isAlive(pid));
      },
    });

    expect(epochs.length).toBeGreaterThan(0);
    expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1));
    expect(aliveAtEpoch.every(Boolean)).toBe(true);
    expect(epochs[0]).toMatchObject({ epochs: 150, lr: 0.01 });
    expect(typeof epochs[0]?.valLoss).toBe('number');
    expect(result.summary).toMatchObject({ device: 'cpu', output: 'logits', epochs: epochs.length });
    // Early stopping exports the epoch with the lowest validation loss, and stops `patience` epochs after it.
    const valLosses = epochs.map((e) => e.valLoss ?? Number.POSITIVE_INFINITY);
    expect(valLosses[result.summary.bestEpoch - 1]).toBe(Math.min(...valLosses));
    if (epochs.length < 150) expect(epochs.length - result.summary.bestEpoch).toBe(30);
    expect(isAlive(pid)).toBe(false);

    // A batch size other than the traced one (1) checks the dynamic batch axis.
    const { logits } = await runOnnxTensor(result.onnx, 'features', iris.features, [iris.rows, 4]);
    expect(logits?.dims).toEqual([iris.rows, 3]);
    let correct = 0;
    for (let r = 0; r < iris.rows; r++) {
      const row = Array.from(logits?.data.subarray(r * 3, r * 3 + 3) ?? []);
      if (row.indexOf(Math.max(...row)) === iris.labels[r]) correct++;
    }
    const accuracy = correct / iris.rows;
    console.info(
      `iris: accuracy ${accuracy.toFixed(3)} after ${epochs.length} epochs (best ${result.summary.bestEpoch})`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('regresses a smooth function with a residual MLP, deterministically per seed; mixed precision is ignored on CPU', async () => {
    const rows = 400;
    const features = new Float32Array(rows * 2);
    const labels = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const a = ((r * 37) % 101) / 50 - 1;
      const b = ((r * 53) % 97) / 48 - 1;
      features[r * 2] = a;
      features[r * 2 + 1] = b;
      labels[r] = Math.sin(2 * a) + 0.5 * b;
    }
    const train = async (name: string) => {
      const epochs: PytorchEpochEvent[] = [];
      const logs: PytorchLogEvent[] = [];
      const result = await runPytorchTraining({
        python,
        features,
        labels,
        rows,
        cols: 2,
        workDir: join(dir, name),
        config: {
          task: { kind: 'regression' },
          architecture: { kind: 'residual-mlp', width: 32, blocks: 2, activation: 'tanh', batchNorm: true },
          optimizer: { kind: 'adamw', lr: 0.01, weightDecay: 1e-4 },
          schedule: { kind: 'step', stepSize: 40, gamma: 0.5 },
          epochs: 80,
          batchSize: 32,
          seed: 3,
          mixedPrecision: true,
          device: 'cpu',
        },
        onEpoch: (e) => epochs.push(e),
        onLog: (l) => logs.push(l),
      });
      return { result, epochs, logs };
    };
    const first = await train('reg-a');
    const second = await train('reg-b');
    expect(second.epochs.map((e) => e.loss)).toEqual(first.epochs.map((e) => e.loss));
    expect(first.epochs[40]?.lr).toBeCloseTo(0.005, 10);
    expect(first.epochs[0]?.valLoss).toBeNull();
    expect(first.logs.some((l) => l.level === 'warn' && /mixed precision ignored on cpu/.test(l.message))).toBe(true);
    expect(first.result.summary.output).toBe('prediction');

    const { prediction } = await runOnnxTensor(first.result.onnx, 'features', features, [rows, 2]);
    expect(prediction?.dims).toEqual([rows, 1]);
    let sse = 0;
    let sst = 0;
    const mean = labels.reduce((s, v) => s + v, 0) / rows;
    for (let r = 0; r < rows; r++) {
      sse += ((prediction?.data[r] ?? Number.NaN) - (labels[r] ?? 0)) ** 2;
      sst += ((labels[r] ?? 0) - mean) ** 2;
    }
    const r2 = 1 - sse / sst;
    console.info(`regression: R² ${r2.toFixed(4)} on ${rows} rows`);
    expect(r2).toBeGreaterThanOrEqual(0.95);
  });

  it('uses a plugin module’s build_model with its params', async () => {
    const iris = await loadIris();
    const module = join(dir, 'plugin_model.py');
    await writeFile(
      module,
      [
        'from torch import nn',
        'def build_model(in_features, out_features, params):',
        '    print(f"plugin build_model({in_features}, {out_features}, width={params[\'width\']})")',
        "    return nn.Sequential(nn.Linear(in_features, params['width']), nn.ReLU(), nn.Linear(params['width'], out_features))",
        '',
      ].join('\n'),
    );
    const logs: PytorchLogEvent[] = [];
    const result = await runPytorchTraining({
      python,
      ...iris,
      cols: 4,
      workDir: join(dir, 'plugin'),
      config: {
        task: { kind: 'classification', classes: 3 },
        module,
        params: { width: 7 },
        optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
        epochs: 5,
        seed: 1,
        device: 'cpu',
      },
      onLog: (l) => logs.push(l),
    });
    expect(logs.map((l) => l.message)).toContain('plugin build_model(4, 3, width=7)');
    const { logits } = await runOnnxTensor(result.onnx, 'features', iris.features.subarray(0, 8), [2, 4]);
    expect(logits?.dims).toEqual([2, 3]);
  });

  it('kills the Python process on abort and rejects with the signal’s reason', async () => {
    const controller = new AbortController();
    let pid = 0;
    const run = runPytorchTraining({
      python,
      features: new Float32Array(64 * 2),
      labels: new Float32Array(64),
      rows: 64,
      cols: 2,
      workDir: join(dir, 'abort'),
      config: { task: { kind: 'regression' }, epochs: 1_000_000, device: 'cpu' },
      onSpawn: (p) => {
        pid = p;
      },
      onEpoch: (e) => {
        if (e.epoch === 2) controller.abort(new Error('stopped by the test'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('stopped by the test');
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('sends SIGKILL after the grace period when Python ignores SIGTERM', async () => {
    const module = join(dir, 'ignore_sigterm.py');
    await writeFile(
      module,
      [
        'import signal',
        'from torch import nn',
        'def build_model(in_features, out_features, params):',
        '    signal.signal(signal.SIGTERM, signal.SIG_IGN)',
        '    return nn.Linear(in_features, out_features)',
        '',
      ].join('\n'),
    );
    const controller = new AbortController();
    let pid = 0;
    const run = runPytorchTraining({
      python,
      features: new Float32Array(64 * 2),
      labels: new Float32Array(64),
      rows: 64,
      cols: 2,
      workDir: join(dir, 'abort-kill'),
      config: { task: { kind: 'regression' }, module, epochs: 1_000_000, device: 'cpu' },
      killGraceMs: 300,
      onSpawn: (p) => {
        pid = p;
      },
      onEpoch: (e) => {
        if (e.epoch === 2) controller.abort(new Error('stopped hard'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('stopped hard');
    expect(isAlive(pid)).toBe(false);
  });

  it('turns a failing script into an error carrying its stderr', async () => {
    const run = runPytorchTraining({
      python,
      features: new Float32Array(4),
      labels: new Float32Array([0, 5]),
      rows: 2,
      cols: 2,
      workDir: join(dir, 'bad'),
      config: { task: { kind: 'classification', classes: 3 }, epochs: 1 },
    });
    await expect(run).rejects.toThrow(/exited with code 2:\nclass indices must lie in \[0, 2\]/);
  });
});

describe('runPytorchTraining without a usable interpreter', () => {
  const base = {
    features: new Float32Array(2),
    labels: new Float32Array(1),
    rows: 1,
    cols: 2,
    config: { task: { kind: 'regression' } },
  } as const;

  it('names a nonexistent interpreter', async () => {
    const missing = '/nonexistent/python-for-loom-test';
    await expect(runPytorchTraining({ ...base, python: missing, workDir: join(dir, 'missing') })).rejects.toThrow(
      `Python interpreter '${missing}' was not found; install Python 3 with torch, or set LOOM_PYTHON`,
    );
  });

  it('names the interpreter without torch and the packages to install', async (ctx) => {
    const probe = await probeTorchPython('python3');
    if (probe.ok || !/No module named 'torch'/.test(probe.reason ?? '')) {
      ctx.skip(`python3 is not an interpreter without torch here (${probe.ok ? 'it has torch' : probe.reason})`);
    }
    await expect(runPytorchTraining({ ...base, python: 'python3', workDir: join(dir, 'notorch') })).rejects.toThrow(
      /Python interpreter 'python3' cannot import torch; install it \(Debian: 'apt-get install python3-torch'; pip: 'pip install torch'\)/,
    );
  });
});
