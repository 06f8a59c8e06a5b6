/**
 * scripts/gpu-check.sh (issue 16): on a GPU machine it trains train.pytorch's Python part on a
 * 1,000,000-row table on the GPU and the CPU and checks the ONNX export. Here (no GPU) it is run
 * CPU-only with --allow-cpu on a small table to test the script itself, and without --allow-cpu it
 * must refuse with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTorchPython } from '../nodes/train/src/torch-python.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const found = await findTorchPython();
const hasNvidiaSmi = spawnSync('sh', ['-c', 'command -v nvidia-smi']).status === 0;
const skipReason = found.python
  ? undefined
  : `no Python with torch: ${found.probes.map((p) => `${p.python}: ${p.reason}`).join('; ')}`;
if (skipReason) console.log(`gpu-check.test: skipped, ${skipReason}`);

function runCheck(args: string[]) {
  const r = spawnSync('bash', ['scripts/gpu-check.sh', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOOM_PYTHON: found.python },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(Boolean(skipReason))('scripts/gpu-check.sh', () => {
  it('runs CPU-only with --allow-cpu: per-epoch figure and ONNX within 1e-4 of torch', () => {
    const { status, out } = runCheck(['--allow-cpu', '--rows', '5000', '--epochs', '2']);
    expect(status, out).toBe(0);
    expect(out).toMatch(/cpu: 5000 rows, 2 epochs, [\d.]+ s\/epoch/);
    expect(out).toMatch(/CPU seconds per epoch: [\d.]+/);
    const diff = out.match(/ONNX max abs diff \(cpu model, [^)]*\): ([\d.e+-]+)/);
    expect(diff, out).not.toBeNull();
    expect(Number(diff?.[1])).toBeLessThanOrEqual(1e-4);
    expect(out).toMatch(/total wall time: [\d.]+ s/);
    expect(out).toContain('gpu-check: OK');
  }, 150_000);

  it.skipIf(hasNvidiaSmi)(
    'without a GPU and without --allow-cpu exits 2 saying "no CUDA GPU"',
    () => {
      const { status, out } = runCheck(['--rows', '5000']);
      expect(status, out).toBe(2);
      expect(out).toContain('no CUDA GPU');
    },
    60_000,
  );
});
