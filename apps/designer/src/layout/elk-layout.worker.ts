/**
 * Module worker that runs ELK for {@link autoLayout}, so a large layout never blocks the canvas.
 *
 * It imports elkjs's bundled build, which runs the layout synchronously inside this worker; the default
 * `elkjs` entry would try to start yet another worker from a URL, which a bundled module worker has no
 * sensible way to provide.
 *
 * @module
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { fromElkGraph, type LayoutInput, type LayoutPositions, toElkGraph } from './elk-graph.ts';

/** A layout request from the page; `id` comes back unchanged in the response. */
export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

/**
 * The worker's answer to one {@link LayoutRequest}: the node positions, or why the layout failed.
 *
 * `kind` tags our responses so the page can tell them from anything else posted from this worker (ELK's
 * embedded dispatcher posts bare `{ id, error }` objects if it ever receives a message). It is a type-level
 * literal rather than an exported constant because the page must import nothing but types from this module:
 * a value import would bundle the worker, ELK included, into the page.
 */
export type LayoutResponse =
  | { kind: 'loom-elk-layout'; id: number; positions: LayoutPositions }
  | { kind: 'loom-elk-layout'; id: number; error: string };

/**
 * The few members of `DedicatedWorkerGlobalScope` used here. The designer's tsconfig has the DOM lib, whose
 * `self` is a Window, and adding the WebWorker lib to the same program conflicts with it.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
}

// Constructed before `onmessage` is assigned below, and that order matters: constructing ELK first loads the
// bundle's embedded ELK worker script, which sees no `document` and assumes it *is* the worker, installing
// its own `self.onmessage`. Assigning ours afterwards replaces that handler instead of being replaced by it.
const elk = new ELK();
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  void respond(event.data);
};

async function respond(request: LayoutRequest): Promise<void> {
  try {
    const result = await elk.layout(toElkGraph(request.input));
    scope.postMessage({ kind: 'loom-elk-layout', id: request.id, positions: fromElkGraph(result) });
  } catch (error) {
    scope.postMessage({ kind: 'loom-elk-layout', id: request.id, error: describe(error) });
  }
}

/** ELK rejects with GWT-wrapped Java exceptions that are not always `Error`s; keep whatever message they have. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
