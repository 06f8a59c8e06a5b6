import { type DataProfile, parseProfile } from '@loom/drift';
import type { ModelFile, SourceColumn } from '@loom/ml';
import { decodeModel } from './onnx-proto.ts';

/** What a Loom ONNX file says about itself in its metadata, read back by {@link readOnnxModelInfo}. */
export interface OnnxModelInfo {
  task: 'classification' | 'regression';
  /** The label column the model predicts. */
  label: string;
  labelKind: 'number' | 'string';
  /** Classification: the class labels, in the order of the `probabilities` columns. */
  classes?: string[] | number[];
  /** The graph's inputs: one [N, 1] tensor per source column (float, NaN for NULL; string, '' for NULL). */
  inputs: SourceColumn[];
  /** The node type that trained the model, e.g. `train.random_forest`. */
  trainedBy: string;
  /** The training baseline monitors compare traffic with; absent in models trained before baselines. */
  baseline?: DataProfile;
}

/** The `metadata_props` keys a Loom ONNX file carries. */
export const METADATA = {
  format: 'loom.format',
  version: 'loom.version',
  task: 'loom.task',
  label: 'loom.label',
  labelKind: 'loom.labelKind',
  classes: 'loom.classes',
  trainedBy: 'loom.trainedBy',
  inputs: 'loom.inputs',
  baseline: 'loom.baseline',
} as const;

export const ONNX_FORMAT = 'loom.onnx';
export const ONNX_FORMAT_VERSION = 1;

/** The metadata entries for a model, in a fixed order (the bytes must not depend on anything else). */
export function metadataProps(model: ModelFile, inputs: SourceColumn[]): Array<{ key: string; value: string }> {
  const entries: Array<[string, string]> = [
    [METADATA.format, ONNX_FORMAT],
    [METADATA.version, String(ONNX_FORMAT_VERSION)],
    [METADATA.task, model.task],
    [METADATA.label, model.label],
    [METADATA.labelKind, model.labelKind],
  ];
  if (model.task === 'classification') entries.push([METADATA.classes, JSON.stringify(model.classes ?? [])]);
  entries.push([METADATA.trainedBy, model.trainedBy]);
  entries.push([METADATA.inputs, JSON.stringify(inputs.map(({ name, kind }) => ({ name, kind })))]);
  if (model.baseline !== undefined) entries.push([METADATA.baseline, JSON.stringify(model.baseline)]);
  return entries.map(([key, value]) => ({ key, value }));
}

/**
 * Reads what a Loom ONNX file says about itself (its `metadata_props`). Throws when the file is not one
 * Loom made (no `loom.format`), or one of a newer format version.
 *
 * @example
 * const { inputs, classes } = readOnnxModelInfo(await readFile('model.onnx'));
 */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  let props: Map<string, string>;
  try {
    props = new Map((decodeModel(bytes).metadata_props ?? []).map(({ key, value }) => [key, value]));
  } catch (error) {
    throw new Error(`not an ONNX model: ${(error as Error).message}`);
  }
  if (props.get(METADATA.format) !== ONNX_FORMAT) {
    throw new Error(`not an ONNX model exported by Loom: its metadata has no ${METADATA.format} = '${ONNX_FORMAT}'`);
  }
  const version = Number(props.get(METADATA.version));
  if (version !== ONNX_FORMAT_VERSION) {
    throw new Error(`Loom ONNX format version ${props.get(METADATA.version)} is not supported (this Loom reads 1)`);
  }
  const text = (key: string): string => {
    const value = props.get(key);
    if (value === undefined) throw new Error(`Loom ONNX metadata lacks ${key}`);
    return value;
  };
  const task = text(METADATA.task);
  const labelKind = text(METADATA.labelKind);
  if (task !== 'classification' && task !== 'regression') throw new Error(`unknown task '${task}' in ${METADATA.task}`);
  if (labelKind !== 'number' && labelKind !== 'string') throw new Error(`unknown label kind '${labelKind}'`);
  const inputs = json(text(METADATA.inputs), METADATA.inputs);
  if (!Array.isArray(inputs) || !inputs.every(isSourceColumn))
    throw new Error(`${METADATA.inputs} is not a column list`);
  const info: OnnxModelInfo = {
    task,
    label: text(METADATA.label),
    labelKind,
    inputs,
    trainedBy: text(METADATA.trainedBy),
  };
  if (task === 'classification') {
    const classes = json(text(METADATA.classes), METADATA.classes);
    const uniform =
      Array.isArray(classes) &&
      (classes.every((c) => typeof c === 'string') || classes.every((c) => typeof c === 'number'));
    if (!uniform) throw new Error(`${METADATA.classes} is not a list of strings or of numbers`);
    info.classes = classes as string[] | number[];
  }
  const baseline = props.get(METADATA.baseline);
  if (baseline !== undefined) {
    const profile = parseProfile(json(baseline, METADATA.baseline));
    if (profile === undefined) throw new Error(`${METADATA.baseline} is not a Loom data profile`);
    info.baseline = profile;
  }
  return info;
}

function json(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${key} is not valid JSON`);
  }
}

function isSourceColumn(value: unknown): value is SourceColumn {
  if (typeof value !== 'object' || value === null) return false;
  const { name, kind } = value as Record<string, unknown>;
  return typeof name === 'string' && (kind === 'number' || kind === 'string');
}
