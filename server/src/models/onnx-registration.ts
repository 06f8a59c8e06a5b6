import { type OnnxModelInfo, OUTPUTS, readOnnxModelInfo } from '@loom/onnx';
import type { ArtifactStore } from '@loom/runtime';
import type { LoomStore } from '../store/loom-store.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import type { ModelOutput, NewModelVersion, RegisteredModelVersion } from '../store/store-types.ts';

/** What registering an ONNX artifact as a model version takes, beyond what the file says about itself. */
export interface OnnxRegistration
  extends Pick<NewModelVersion, 'description' | 'lineage' | 'metrics' | 'provenance' | 'by'> {
  model: string;
  /** The sha256 of a Loom ONNX file already in the artifact store. */
  onnx: string;
}

/**
 * The outputs of a graph `buildOnnxModel` made: `label` and `probabilities` for a classifier,
 * `variable` for a regressor (see `OUTPUTS` in @loom/onnx).
 */
export function modelOutputs(info: OnnxModelInfo): ModelOutput[] {
  if (info.task === 'regression') return [{ name: OUTPUTS.variable, kind: 'number', shape: [-1, 1] }];
  return [
    { name: OUTPUTS.label, kind: info.labelKind, shape: [-1] },
    { name: OUTPUTS.probabilities, kind: 'number', shape: [-1, info.classes?.length ?? 0] },
  ];
}

/**
 * Registers an ONNX file from the artifact store as the model's next version (or finds the version that
 * holds it already), with the input schema, outputs, task and classes read from its Loom metadata.
 *
 * @throws ModelRegistryError `invalid` on `/onnx` when the store does not hold the artifact or it is not
 *   an ONNX model Loom exported; otherwise what {@link LoomStore.registerModelVersion} throws.
 * @example
 * const { version, created } = await registerOnnxArtifact(store, artifacts, { model: 'iris', onnx: sha256 });
 */
export async function registerOnnxArtifact(
  store: LoomStore,
  artifacts: ArtifactStore,
  registration: OnnxRegistration,
): Promise<RegisteredModelVersion> {
  const { onnx } = registration;
  if (!(await artifacts.has(onnx))) {
    throw new ModelRegistryError('invalid', `the artifact store holds no artifact ${onnx}`, '/onnx');
  }
  const bytes = await artifacts.read(onnx);
  let info: OnnxModelInfo;
  try {
    info = readOnnxModelInfo(bytes);
  } catch (error) {
    throw new ModelRegistryError(
      'invalid',
      `artifact ${onnx} cannot be registered: ${(error as Error).message}`,
      '/onnx',
    );
  }
  const { model, onnx: _sha256, ...described } = registration;
  const version: NewModelVersion = {
    ...described,
    model,
    onnxSha256: onnx,
    onnxSize: bytes.byteLength,
    inputs: info.inputs.map(({ name, kind }) => ({ name, kind })),
    outputs: modelOutputs(info),
    task: info.task,
    label: info.label,
    labelKind: info.labelKind,
    trainedBy: info.trainedBy,
  };
  if (info.classes !== undefined) version.classes = info.classes;
  if (info.baseline !== undefined) version.baseline = info.baseline as unknown as Record<string, unknown>;
  return store.registerModelVersion(version);
}
