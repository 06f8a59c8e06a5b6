import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FromThreadMessage, ModelSignature, TensorSignature, ToThreadMessage } from './pool-messages.ts';
import { type Tensor, type Tensors, transferableTensors } from './tensor.ts';

/** One inference thread: a session per loaded model key. */
const sessions = new Map<string, ort.InferenceSession>();
/**
 * The last message handled per key: messages of one key run in order (an unload never overtakes the
 * load before it), while a model loading does not hold up inferences of the others.
 */
const lastOfKey = new Map<string, Promise<unknown>>();
const port = parentPort;
if (!port) throw new Error('pool-thread.ts runs as a worker thread of an InferencePool');

port.on('message', (message: ToThreadMessage) => {
  const previous = lastOfKey.get(message.key) ?? Promise.resolve();
  const handled = previous.then(() => handle(message));
  const settled = handled.then(
    () => undefined,
    () => undefined,
  );
  lastOfKey.set(message.key, settled);
  settled.then(() => {
    if (lastOfKey.get(message.key) === settled) lastOfKey.delete(message.key);
  });
  handled.then(
    ({ answer, transfer }) => port.postMessage(answer, transfer),
    (error: unknown) =>
      port.postMessage({
        kind: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      } satisfies FromThreadMessage),
  );
});

async function handle(message: ToThreadMessage): Promise<{ answer: FromThreadMessage; transfer: ArrayBuffer[] }> {
  switch (message.kind) {
    case 'load': {
      const session = await ort.InferenceSession.create(message.bytes, {
        intraOpNumThreads: message.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
      try {
        await warm(session);
      } catch (error) {
        await session.release();
        throw new Error(`its warm-up inference failed: ${(error as Error).message}`);
      }
      const previous = sessions.get(message.key);
      sessions.set(message.key, session);
      await previous?.release();
      return { answer: { kind: 'loaded', id: message.id, signature: signature(session) }, transfer: [] };
    }
    case 'unload': {
      const session = sessions.get(message.key);
      sessions.delete(message.key);
      await session?.release();
      return { answer: { kind: 'unloaded', id: message.id }, transfer: [] };
    }
    case 'infer': {
      const session = sessions.get(message.key);
      if (!session) throw new Error(`this thread has no session for '${message.key}'`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(message.feeds)) {
        feeds[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
      }
      const results = message.outputs ? await session.run(feeds, message.outputs) : await session.run(feeds);
      const outputs: Tensors = {};
      for (const [name, value] of Object.entries(results)) outputs[name] = fromOrt(name, value);
      const packed = transferableTensors(outputs);
      return { answer: { kind: 'result', id: message.id, outputs: packed.tensors }, transfer: packed.transfer };
    }
  }
}

/**
 * Runs the model once on a dummy row (zeros, empty strings; every symbolic dim 1) so that onnxruntime
 * allocates and plans before the model takes traffic, and so that a model that loads but cannot run
 * fails its load instead of its first request.
 */
async function warm(session: ort.InferenceSession): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) throw new Error(`input '${input.name}' is not a tensor`);
    const dims = input.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = dummyTensor(input.name, input.type, size, dims);
  }
  await session.run(feeds);
}

function dummyTensor(name: string, type: ort.Tensor.Type, size: number, dims: number[]): ort.Tensor {
  switch (type) {
    case 'string':
      return new ort.Tensor('string', new Array<string>(size).fill(''), dims);
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(size), dims);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(size), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(size), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(size), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(size), dims);
    default:
      throw new Error(`input '${name}' has element type ${type}, which the pool cannot feed`);
  }
}

function fromOrt(name: string, value: ort.OnnxValue): Tensor {
  const { type, data, dims } = value as ort.Tensor;
  switch (type) {
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int64':
    case 'bool':
    case 'string':
      return { type, data, dims } as Tensor;
    default:
      throw new Error(`output '${name}' has element type ${type}, which the pool cannot return`);
  }
}

function signature(session: ort.InferenceSession): ModelSignature {
  const describe = (meta: ort.InferenceSession.ValueMetadata): TensorSignature =>
    meta.isTensor
      ? { name: meta.name, type: meta.type, shape: [...meta.shape] }
      : { name: meta.name, type: 'non-tensor', shape: [] };
  return { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
}
