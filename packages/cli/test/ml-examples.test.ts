import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';

interface StepReport {
  id: string;
  status: string;
  cached: boolean;
  metrics: Record<string, number>;
  outputs: Array<{ port: string; type: string; sha256: string; path: string }>;
}
interface RunReport {
  status: string;
  steps: StepReport[];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-ml-examples-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function runExample(name: string, home = join(dir, 'home'), extra: string[] = []): Promise<RunReport> {
  const result = await loom(['run', join(EXAMPLES, name, 'pipeline.loom.json'), '--json', ...extra], dir, {
    LOOM_HOME: home,
  });
  if (result.code !== 0) throw new Error(`loom run ${name} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as RunReport;
}

function step(report: RunReport, id: string): StepReport {
  const found = report.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

function pythonOnnxChecker(path: string): 'ok' | 'unavailable' {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' });
  } catch {
    if (process.env.CI) throw new Error('python3-onnx is required in CI');
    return 'unavailable';
  }
  execFileSync('/usr/bin/python3', [
    '-c',
    'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)',
    path,
  ]);
  return 'ok';
}

describe('the ML examples run from the CLI', { timeout: 180_000 }, () => {
  it('iris: ≥ 0.93 held-out accuracy, an ONNX model that passes the checker, byte-identical on a fresh run', async () => {
    const report = await runExample('iris-classification');
    expect(report.status).toBe('succeeded');
    const validate = step(report, 'validate');
    expect(validate.metrics.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(validate.metrics.f1_macro).toBeGreaterThanOrEqual(0.9);
    const onnx = step(report, 'onnx');
    expect(onnx.metrics.parity_max_abs_difference).toBeLessThanOrEqual(1e-4);
    const onnxFile = onnx.outputs.find((o) => o.port === 'onnx') as StepReport['outputs'][number];
    const bytes = await readFile(onnxFile.path);
    expect(bytes.byteLength).toBeGreaterThan(100);
    expect(['ok', 'unavailable']).toContain(pythonOnnxChecker(onnxFile.path));

    const fresh = await runExample('iris-classification', join(dir, 'other-home'));
    for (const id of ['train', 'onnx']) {
      expect(step(fresh, id).outputs.map((o) => o.sha256)).toEqual(step(report, id).outputs.map((o) => o.sha256));
    }
    const again = await runExample('iris-classification');
    expect(again.steps.every((s) => s.cached)).toBe(true);
  });

  it('iris: the human summary prints accuracy, F1 and the confusion matrix', async () => {
    const result = await loom(['run', join(EXAMPLES, 'iris-classification', 'pipeline.loom.json')], dir, {
      LOOM_HOME: join(dir, 'home'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/validate\.metrics/);
    expect(result.stdout).toMatch(/accuracy\s+0\.9\d*/);
    expect(result.stdout).toMatch(/f1_macro\s+0\.\d+/);
    expect(result.stdout).toMatch(/confusion_matrix\n.*actual \\ predicted.*setosa.*versicolor.*virginica/);
  });

  it('penguins: missing values, one-hot columns and a random forest, all inside the ONNX model', async () => {
    const report = await runExample('penguin-sex-classification');
    expect(report.status).toBe('succeeded');
    expect(step(report, 'validate').metrics.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(step(report, 'onnx').metrics.parity_max_abs_difference).toBeLessThanOrEqual(1e-4);
    const onnxFile = step(report, 'onnx').outputs[0] as StepReport['outputs'][number];
    expect(['ok', 'unavailable']).toContain(pythonOnnxChecker(onnxFile.path));
  });

  it('diabetes: a ridge regression and an MLP side by side', async () => {
    const report = await runExample('diabetes-regression');
    expect(report.status).toBe('succeeded');
    for (const id of ['linear_validate', 'mlp_validate']) {
      const metrics = step(report, id).metrics;
      expect(metrics.r2).toBeGreaterThan(0.3);
      expect(metrics.rmse).toBeGreaterThan(0);
      expect(metrics.rmse).toBeLessThan(70);
    }
  });
});
