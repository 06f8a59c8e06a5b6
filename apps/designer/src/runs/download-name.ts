import type { Plan } from '@loom/compiler';
import type { StoredStep } from '@loom/server/api-types';

/** What {@link downloadName} needs of an output, and of the run it belongs to. */
export interface DownloadNameInput {
  pipeline: string;
  stepId: string;
  port: string;
  output: Pick<StoredStep['outputs'][string], 'type' | 'storage'> & { mediaType?: string | undefined };
  /** Every step's output port types, from the run's plan (or, until it arrives, the outputs seen so far). */
  outputTypes: ReadonlyArray<{ stepId: string; outputs: Readonly<Record<string, string>> }>;
}

/**
 * The file name an output downloads as: the pipeline's name, then only as much as tells it apart from
 * the run's other outputs of its type (the step, then the port), then the extension of its format.
 *
 * @example
 * // the iris example's only ONNX output
 * downloadName({ pipeline: 'iris-classification', stepId: 'onnx', port: 'onnx', output: { type: 'onnx', storage: 'file' }, outputTypes }) // 'iris-classification.onnx'
 * // diabetes-regression has two: 'diabetes-regression-linear_onnx.onnx', 'diabetes-regression-mlp_onnx.onnx'
 */
export function downloadName(input: DownloadNameInput): string {
  const { type } = input.output;
  const sameType = input.outputTypes.flatMap((step) =>
    Object.entries(step.outputs)
      .filter(([, outputType]) => outputType === type)
      .map(([port]) => ({ stepId: step.stepId, port })),
  );
  const parts = [input.pipeline];
  if (sameType.some((other) => other.stepId !== input.stepId)) parts.push(input.stepId);
  if (sameType.some((other) => other.stepId === input.stepId && other.port !== input.port)) parts.push(input.port);
  const stem =
    parts
      .map(fileSafe)
      .filter((part) => part !== '')
      .join('-') || 'output';
  const extension = extensionOf(input.output);
  return extension === '' ? stem : `${stem}.${extension}`;
}

/** Each step's output port types: the plan's when it has come, else the outputs the steps have recorded. */
export function outputTypesOf(
  plan: Plan | undefined,
  steps: Readonly<Record<string, StoredStep>>,
): DownloadNameInput['outputTypes'] {
  if (plan !== undefined) return plan.steps.map((step) => ({ stepId: step.id, outputs: step.outputs }));
  return Object.values(steps).map((step) => ({
    stepId: step.id,
    outputs: Object.fromEntries(Object.entries(step.outputs).map(([port, output]) => [port, output.type])),
  }));
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
}

function extensionOf(output: DownloadNameInput['output']): string {
  if (output.type === 'onnx') return 'onnx';
  if (output.type === 'table') return 'parquet';
  if (output.storage === 'json' || output.mediaType?.includes('json')) return 'json';
  if (output.storage === 'text' || output.mediaType?.startsWith('text/plain')) return 'txt';
  return '';
}
