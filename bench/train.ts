import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  argmaxRows,
  createRng,
  type FeatureMatrix,
  predictEstimator,
  selectRows,
  trainLogisticRegression,
  trainMlp,
} from '@loom/ml';
import type { BenchResult } from './bench-result.ts';

const ROWS = 100_000;
const FEATURES = 20;
const MLP = { hiddenLayers: [64], epochs: 20, batchSize: 200, learningRate: 0.001 };
const PYTHON = '/usr/bin/python3';

/** 100,000 × 20 rows: Gaussian features, a noisy linear boundary with an interaction, a binary label. */
function syntheticData(): { x: FeatureMatrix; y: Int32Array } {
  const rng = createRng(2024);
  const data = new Float64Array(ROWS * FEATURES);
  const weights = Array.from({ length: FEATURES }, (_, i) => (i < 10 ? rng.normal() : 0));
  const y = new Int32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let z = 0;
    for (let c = 0; c < FEATURES; c++) {
      const value = rng.normal();
      data[r * FEATURES + c] = value;
      z += (weights[c] as number) * value;
    }
    z += 0.8 * (data[r * FEATURES] as number) * (data[r * FEATURES + 1] as number) + rng.normal();
    y[r] = z > 0 ? 1 : 0;
  }
  return { x: { rows: ROWS, cols: FEATURES, data }, y };
}

function accuracy(probabilities: Float64Array, y: Int32Array): number {
  const predicted = argmaxRows(probabilities, y.length, 2);
  let correct = 0;
  for (let r = 0; r < y.length; r++) if (predicted[r] === y[r]) correct++;
  return correct / y.length;
}

/** Times scikit-learn on the same split when Debian's python3-sklearn is installed; undefined otherwise. */
function sklearnFigures(dir: string): Record<string, number> | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const script = `
import json, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
d = "${dir}"
xtr = np.fromfile(d + "/xtr.f64").reshape(-1, ${FEATURES}); ytr = np.fromfile(d + "/ytr.i32", dtype=np.int32)
xte = np.fromfile(d + "/xte.f64").reshape(-1, ${FEATURES}); yte = np.fromfile(d + "/yte.i32", dtype=np.int32)
t = time.perf_counter(); lr = LogisticRegression(C=1.0, max_iter=200).fit(xtr, ytr); lt = time.perf_counter() - t
t = time.perf_counter()
mlp = MLPClassifier(hidden_layer_sizes=(${MLP.hiddenLayers[0]},), max_iter=${MLP.epochs}, batch_size=${MLP.batchSize}, learning_rate_init=${MLP.learningRate}, alpha=1e-4, early_stopping=False, tol=0, n_iter_no_change=10**9, random_state=0).fit(xtr, ytr)
mt = time.perf_counter() - t
print(json.dumps({"lrSeconds": lt, "lrAccuracy": lr.score(xte, yte), "mlpSeconds": mt, "mlpAccuracy": mlp.score(xte, yte)}))
`;
  const output = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(output.trim().split('\n').at(-1) as string) as Record<string, number>;
}

/** `pnpm bench train`: logistic regression and the MLP on 100,000 × 20 rows, beside scikit-learn when present. */
export async function benchTrain(): Promise<BenchResult> {
  const { x, y } = syntheticData();
  const order = createRng(7).shuffle(Int32Array.from({ length: ROWS }, (_, i) => i));
  const trainRows = order.subarray(0, ROWS * 0.8);
  const testRows = order.subarray(ROWS * 0.8);
  const xTrain = selectRows(x, trainRows);
  const xTest = selectRows(x, testRows);
  const yTrain = Int32Array.from(trainRows, (r) => y[r] as number);
  const yTest = Int32Array.from(testRows, (r) => y[r] as number);

  let started = performance.now();
  const logistic = await trainLogisticRegression(xTrain, yTrain, 2, { regularization: 1, maxIterations: 200 });
  const lrSeconds = (performance.now() - started) / 1000;
  const lrAccuracy = accuracy(predictEstimator(logistic.estimator, xTest, 2), yTest);

  started = performance.now();
  const mlp = await trainMlp(
    xTrain,
    { kind: 'classification', y: yTrain, classCount: 2 },
    {
      ...MLP,
      validationFraction: 0,
      seed: 0,
    },
  );
  const mlpSeconds = (performance.now() - started) / 1000;
  const mlpAccuracy = accuracy(predictEstimator(mlp.estimator, xTest, 2), yTest);

  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-train-'));
  let sklearn: Record<string, number> | undefined;
  try {
    await writeFile(join(dir, 'xtr.f64'), new Uint8Array(xTrain.data.buffer));
    await writeFile(join(dir, 'ytr.i32'), new Uint8Array(yTrain.buffer));
    await writeFile(join(dir, 'xte.f64'), new Uint8Array(xTest.data.buffer));
    await writeFile(join(dir, 'yte.i32'), new Uint8Array(yTest.buffer));
    sklearn = sklearnFigures(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const row = (name: string, seconds: number, acc: number, skSeconds?: number, skAccuracy?: number) => [
    name,
    seconds.toFixed(3),
    acc.toFixed(4),
    skSeconds === undefined ? '—' : skSeconds.toFixed(3),
    skAccuracy === undefined ? '—' : skAccuracy.toFixed(4),
    skSeconds === undefined ? '—' : `${(seconds / skSeconds).toFixed(2)}×`,
  ];
  return {
    title: `${ROWS.toLocaleString('en')} × ${FEATURES} synthetic rows, 80/20 split; MLP ${MLP.hiddenLayers[0]} ReLU units, ${MLP.epochs} epochs`,
    rows: [
      ['model', 'Loom s', 'Loom accuracy', 'scikit-learn s', 'scikit-learn accuracy', 'time ratio'],
      row('logistic regression (L-BFGS)', lrSeconds, lrAccuracy, sklearn?.lrSeconds, sklearn?.lrAccuracy),
      row('MLP (Adam)', mlpSeconds, mlpAccuracy, sklearn?.mlpSeconds, sklearn?.mlpAccuracy),
    ],
    figures: {
      logisticSeconds: round(lrSeconds),
      logisticAccuracy: round(lrAccuracy),
      mlpSeconds: round(mlpSeconds),
      mlpAccuracy: round(mlpAccuracy),
      ...(sklearn === undefined
        ? { sklearn: 'not installed (apt-get install python3-sklearn)' }
        : {
            sklearnLogisticSeconds: round(sklearn.lrSeconds as number),
            sklearnLogisticAccuracy: round(sklearn.lrAccuracy as number),
            sklearnMlpSeconds: round(sklearn.mlpSeconds as number),
            sklearnMlpAccuracy: round(sklearn.mlpAccuracy as number),
            logisticRatio: round(lrSeconds / (sklearn.lrSeconds as number)),
            mlpRatio: round(mlpSeconds / (sklearn.mlpSeconds as number)),
          }),
      goal: 'within 5× of scikit-learn’s time at equal accuracy',
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
