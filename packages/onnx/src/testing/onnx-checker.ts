import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's interpreter: `python3` on PATH may be another one without the onnx package. */
const PYTHON = '/usr/bin/python3';

const SCRIPT = [
  'import sys',
  'try:',
  '    import onnx',
  'except ImportError:',
  '    sys.exit(3)',
  'onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)',
].join('\n');

/** What {@link checkWithOnnxChecker} found. */
export interface OnnxCheckResult {
  /** False when `/usr/bin/python3` or its `onnx` package is missing: nothing was checked. */
  available: boolean;
  /** Whether the model passed. Set when `available`. */
  ok?: boolean;
  /** The checker's complaint, or why it was unavailable. */
  message?: string;
}

/**
 * Test helper: runs the reference checker of the ONNX project,
 * `onnx.checker.check_model(model, full_check=True)` (which includes strict shape inference), through
 * `/usr/bin/python3`. A model that passes may still fail in onnxruntime, so tests run every model too.
 *
 * @example
 * const result = await checkWithOnnxChecker(buildOnnxModel(model));
 * if (result.available) expect(result).toMatchObject({ ok: true });
 */
export async function checkWithOnnxChecker(bytes: Uint8Array): Promise<OnnxCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-onnx-check-'));
  try {
    const path = join(dir, 'model.onnx');
    await writeFile(path, bytes);
    return await new Promise<OnnxCheckResult>((resolve) => {
      execFile(PYTHON, ['-c', SCRIPT, path], { timeout: 60_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve({ available: true, ok: true });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return resolve({ available: false, message: `${PYTHON} not found` });
        }
        if (error.code === 3)
          return resolve({ available: false, message: `${PYTHON} has no onnx package (python3-onnx)` });
        resolve({ available: true, ok: false, message: lastLine(stderr) || error.message });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The exception line at the end of a Python traceback. */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/**
 * Test helper: throws unless the model passes {@link checkWithOnnxChecker}. When the checker is missing
 * it calls `skip` (a test's `context.skip`), except under CI (`process.env.CI` set), where it throws.
 *
 * @example
 * it('passes onnx.checker', async (context) => expectOnnxCheckerPasses(bytes, (note) => context.skip(note)));
 */
export async function expectOnnxCheckerPasses(bytes: Uint8Array, skip: (note: string) => void): Promise<void> {
  const result = await checkWithOnnxChecker(bytes);
  if (!result.available) {
    if (process.env.CI) throw new Error(`onnx.checker is required under CI: ${result.message}`);
    return skip(result.message ?? 'onnx.checker is unavailable');
  }
  if (!result.ok) throw new Error(`onnx.checker rejects the model: ${result.message}`);
}
