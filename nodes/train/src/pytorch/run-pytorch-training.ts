import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from './npy.ts';

/** The trainer script; resolved from this module so it ships inside the package (`python/`). */
export const PYTORCH_SCRIPT = fileURLToPath(new URL('../../python/loom_train_pytorch.py', import.meta.url));

/** Built-in architectures; a plugin `module` replaces them. */
export type PytorchArchitecture =
  | {
      readonly kind: 'mlp';
      /** Hidden layer sizes. @default [64] */
      readonly hidden?: readonly number[];
      /** @default 'relu' */
      readonly activation?: 'relu' | 'gelu' | 'tanh';
      /** Dropout after each hidden activation. @default 0 */
      readonly dropout?: number;
      /** BatchNorm1d after each hidden linear layer. @default false */
      readonly batchNorm?: boolean;
    }
  | {
      readonly kind: 'residual-mlp';
      /** Width of the residual stream. @default 64 */
      readonly width?: number;
      /** Residual blocks (linear, norm, activation, dropout, linear, plus the skip). @default 2 */
      readonly blocks?: number;
      /** @default 'relu' */
      readonly activation?: 'relu' | 'gelu' | 'tanh';
      /** @default 0 */
      readonly dropout?: number;
      /** @default false */
      readonly batchNorm?: boolean;
    };

/** What the Python trainer does; everything but `task` has a default there. */
export interface PytorchTrainingConfig {
  /** Classification over `classes` classes (labels are class indices) or regression (float targets). */
  readonly task: { readonly kind: 'classification'; readonly classes: number } | { readonly kind: 'regression' };
  /** @default { kind: 'mlp', hidden: [64] } */
  readonly architecture?: PytorchArchitecture;
  /** A Python file defining `build_model(in_features, out_features, params)`; replaces `architecture`. */
  readonly module?: string;
  /** Passed to the module's `build_model` as `params`. @default {} */
  readonly params?: Readonly<Record<string, unknown>>;
  /** @default { kind: 'adam', lr: 0.001, weightDecay: 0 } (`momentum` is for sgd, default 0) */
  readonly optimizer?: {
    readonly kind: 'adam' | 'adamw' | 'sgd';
    readonly lr?: number;
    readonly weightDecay?: number;
    readonly momentum?: number;
  };
  /** @default { kind: 'none' } (step: `stepSize` 10 epochs, `gamma` 0.1) */
  readonly schedule?:
    | { readonly kind: 'none' }
    | { readonly kind: 'cosine' }
    | { readonly kind: 'step'; readonly stepSize?: number; readonly gamma?: number };
  /** @default 32 */
  readonly batchSize?: number;
  /** @default 50 */
  readonly epochs?: number;
  /** Fraction of rows held out (seeded) for the validation loss. @default 0 */
  readonly validationFraction?: number;
  /** Stops after `patience` epochs without a better validation loss and restores the best weights. */
  readonly earlyStopping?: { readonly patience: number };
  /** Seeds Python, numpy and torch; CPU training is deterministic. @default 0 */
  readonly seed?: number;
  /** Autocast and gradient scaling on CUDA; ignored (with a log line) on CPU. @default false */
  readonly mixedPrecision?: boolean;
  /** @default 'auto' (CUDA when torch sees one) */
  readonly device?: 'auto' | 'cpu' | 'cuda';
}

/** One `{"event":"epoch"}` line. `valLoss` is null without a validation split. */
export interface PytorchEpochEvent {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly lr: number;
}

/** A `{"event":"log"}` line, or any stdout line that is not an event (a library's print). */
export interface PytorchLogEvent {
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/** The `{"event":"done"}` line. */
export interface PytorchDoneSummary {
  readonly device: string;
  /** Epochs run (fewer than configured after an early stop). */
  readonly epochs: number;
  /** The epoch whose weights were exported. */
  readonly bestEpoch: number;
  readonly trainSeconds: number;
  /** The ONNX output's name: `logits` (classification) or `prediction` (regression). */
  readonly output: 'logits' | 'prediction';
}

/** Options for {@link runPytorchTraining}. */
export interface RunPytorchTrainingOptions {
  /** The interpreter, e.g. from `findTorchPython()`. */
  readonly python: string;
  /** Row-major features, `rows × cols`. */
  readonly features: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /**
   * Class indices (classification) or targets (regression: `rows`, or `rows × k` for k outputs).
   * Floats holding whole numbers are accepted as class indices.
   */
  readonly labels: Float32Array | Int32Array | BigInt64Array;
  readonly config: PytorchTrainingConfig;
  /** Where the inputs, the config and `model.onnx` are written; created when missing. */
  readonly workDir: string;
  /** Aborting kills the process (SIGTERM, then SIGKILL after `killGraceMs`); the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** @default 5000 */
  readonly killGraceMs?: number;
  /** Called for each epoch as the line arrives. */
  readonly onEpoch?: (event: PytorchEpochEvent) => void;
  readonly onLog?: (event: PytorchLogEvent) => void;
  /** Called once the process is spawned (its pid), e.g. for tests and diagnostics. */
  readonly onSpawn?: (pid: number) => void;
}

/** What {@link runPytorchTraining} resolves to. */
export interface PytorchTrainingResult {
  /** `workDir/model.onnx`. */
  readonly onnxPath: string;
  readonly onnx: Uint8Array;
  readonly summary: PytorchDoneSummary;
}

/** Exit code the script uses when `import torch` or `import numpy` fails. */
const MISSING_PACKAGE_EXIT = 3;
const STDERR_TAIL = 4000;

/** Debian package and pip package for each Python module the script needs. */
const INSTALL_HINTS: Record<string, string> = {
  torch: "Debian: 'apt-get install python3-torch'; pip: 'pip install torch'",
  numpy: "Debian: 'apt-get install python3-numpy'; pip: 'pip install numpy'",
};

/**
 * Trains a network with PyTorch in a Python subprocess and returns the exported ONNX model (opset 13,
 * input `features` [batch, cols], output `logits` or `prediction`, dynamic batch axis).
 *
 * @example
 * const { python } = await findTorchPython();
 * const { onnx, summary } = await runPytorchTraining({
 *   python, features, rows, cols, labels, workDir,
 *   config: { task: { kind: 'classification', classes: 3 }, epochs: 100 },
 *   onEpoch: (e) => console.log(e.epoch, e.loss),
 * });
 */
export async function runPytorchTraining(options: RunPytorchTrainingOptions): Promise<PytorchTrainingResult> {
  const { features, rows, cols, labels, config, workDir, signal } = options;
  signal?.throwIfAborted();
  if (features.length !== rows * cols) {
    throw new RangeError(`features hold ${features.length} values, expected rows × cols = ${rows * cols}`);
  }
  if (rows === 0 || labels.length % rows !== 0) {
    throw new RangeError(`labels hold ${labels.length} values, expected a multiple of rows = ${rows}`);
  }

  await mkdir(workDir, { recursive: true });
  const paths = {
    features: join(workDir, 'features.npy'),
    labels: join(workDir, 'labels.npy'),
    output: join(workDir, 'model.onnx'),
    config: join(workDir, 'config.json'),
  };
  const labelShape = labels.length === rows ? [rows] : [rows, labels.length / rows];
  await writeFile(paths.features, encodeNpy(features, [rows, cols]));
  await writeFile(paths.labels, encodeNpy(labels, labelShape));
  const { features: f, labels: l, output: o } = paths;
  await writeFile(paths.config, JSON.stringify({ ...config, features: f, labels: l, output: o }));

  const summary = await runScript(options, paths.config);
  return { onnxPath: paths.output, onnx: new Uint8Array(await readFile(paths.output)), summary };
}

function runScript(options: RunPytorchTrainingOptions, configPath: string): Promise<PytorchDoneSummary> {
  const { python, signal, onEpoch, onLog, killGraceMs = 5000 } = options;
  return new Promise((resolve, reject) => {
    // -u: unbuffered, so epoch lines arrive as they are printed even when stdout is a pipe.
    const child = spawn(python, ['-u', PYTORCH_SCRIPT, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let summary: PytorchDoneSummary | undefined;
    let callbackError: unknown;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };

    function onAbort() {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
      killTimer.unref();
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const event = parseLine(line);
        if (event.kind === 'epoch') onEpoch?.(event.value);
        else if (event.kind === 'log') onLog?.(event.value);
        else summary = event.value;
      } catch (error) {
        // A throwing callback must not leave Python running unobserved: stop it and report the error.
        callbackError ??= error;
        child.kill('SIGTERM');
      }
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(() =>
        reject(
          error.code === 'ENOENT'
            ? new Error(
                `Python interpreter '${python}' was not found; install Python 3 with torch, or set LOOM_PYTHON to one that has it`,
              )
            : new Error(`could not start Python interpreter '${python}': ${error.message}`),
        ),
      );
    });
    child.on('close', (code, exitSignal) => {
      if (killTimer) clearTimeout(killTimer);
      settle(() => {
        if (signal?.aborted) return reject(signal.reason);
        if (callbackError !== undefined) return reject(callbackError);
        const tail = stderr.trim();
        if (code === MISSING_PACKAGE_EXIT) {
          const name = /missing Python package: (\w+)/.exec(tail)?.[1] ?? 'torch';
          const hint = INSTALL_HINTS[name] ?? `pip: 'pip install ${name}'`;
          return reject(
            new Error(
              `Python interpreter '${python}' cannot import ${name}; install it (${hint}) or set LOOM_PYTHON to an interpreter that has it`,
            ),
          );
        }
        if (code !== 0) {
          const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
          return reject(new Error(`PyTorch training ${how}${tail ? `:\n${tail}` : ''}`));
        }
        if (!summary)
          return reject(new Error(`PyTorch training exited without a 'done' event${tail ? `:\n${tail}` : ''}`));
        resolve(summary);
      });
    });
  });
}

type ParsedLine =
  | { kind: 'epoch'; value: PytorchEpochEvent }
  | { kind: 'log'; value: PytorchLogEvent }
  | { kind: 'done'; value: PytorchDoneSummary };

/** Parses one stdout line; anything that is not one of our events becomes an info log line. */
export function parseLine(line: string): ParsedLine {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return { kind: 'log', value: { level: 'info', message: line } };
  }
  if (typeof event === 'object' && event !== null && 'event' in event) {
    const { event: kind, ...fields } = event as { event: unknown } & Record<string, unknown>;
    if (kind === 'epoch') return { kind, value: fields as unknown as PytorchEpochEvent };
    if (kind === 'done') return { kind, value: fields as unknown as PytorchDoneSummary };
    if (kind === 'log') {
      const level = fields.level === 'warn' ? 'warn' : 'info';
      return { kind, value: { level, message: String(fields.message ?? '') } };
    }
  }
  return { kind: 'log', value: { level: 'info', message: line } };
}
