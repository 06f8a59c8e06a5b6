import type { Tensors, TensorType } from './tensor.ts';

/** An input or output of a loaded model, as onnxruntime reports it (a symbolic dim is a string). */
export interface TensorSignature {
  name: string;
  type: TensorType | string;
  shape: ReadonlyArray<number | string>;
}

/** What a model takes and gives, read from its onnxruntime session once it loaded. */
export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** Messages from the pool to one inference thread. Every one carries an id its answer repeats. */
export type ToThreadMessage =
  | { kind: 'load'; id: number; key: string; bytes: Uint8Array; intraOpThreads: number }
  | { kind: 'unload'; id: number; key: string }
  | { kind: 'infer'; id: number; key: string; feeds: Tensors; outputs: string[] | undefined };

/** Messages from an inference thread to the pool. */
export type FromThreadMessage =
  | { kind: 'loaded'; id: number; signature: ModelSignature }
  | { kind: 'unloaded'; id: number }
  | { kind: 'result'; id: number; outputs: Tensors }
  | { kind: 'failed'; id: number; message: string };
