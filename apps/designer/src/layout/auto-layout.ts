/**
 * Auto-layout for the canvas: lays a pipeline out left to right with ELK, off the main thread.
 *
 * @module
 */
import type { LayoutInput, LayoutPositions } from './elk-graph.ts';
// Types only: a value import would pull the worker module, and ELK with it, into the page bundle.
import type { LayoutRequest, LayoutResponse } from './elk-layout.worker.ts';

export type { LayoutEdge, LayoutInput, LayoutNode, LayoutPortRef, LayoutPositions, XY } from './elk-graph.ts';

interface Pending {
  resolve: (positions: LayoutPositions) => void;
  reject: (error: Error) => void;
}

/** Started on the first layout and reused: ELK's startup (a 1.6 MB script) is the slow part, not a layout. */
let worker: Worker | undefined;
let nextId = 0;
/** Requests in flight by id; the worker answers in order, but matching by id doesn't rely on that. */
const pending = new Map<number, Pending>();

/**
 * Lays out a pipeline: ELK's layered algorithm, flowing left to right, with inputs on each node's left side
 * and outputs on its right side in their given order, and connected ports lined up where possible.
 *
 * Runs in a shared module worker, started on the first call. Concurrent calls are fine; each resolves with
 * its own result.
 *
 * @param input - Nodes with their rendered sizes and port names, and the edges between their ports. Edges to
 *   nodes that are not in `input.nodes` are ignored.
 * @returns Each node's top-left corner in canvas pixels, rounded to whole pixels, by node id. The layout's
 *   bounding box starts at (0, 0); offset the positions to place it elsewhere.
 * @throws (as a rejection) an `Error` when the layout fails, the worker cannot start, or the worker crashes;
 *   a crash rejects every layout in flight, and the next call starts a fresh worker.
 */
export function autoLayout(input: LayoutInput): Promise<LayoutPositions> {
  // Nothing to place: skip starting a worker (and loading ELK) for an empty canvas.
  if (input.nodes.length === 0) return Promise.resolve(new Map());
  return new Promise<LayoutPositions>((resolve, reject) => {
    let target: Worker;
    try {
      target = layoutWorker();
    } catch (error) {
      reject(new Error(`Auto-layout could not start its worker: ${message(error)}`, { cause: error }));
      return;
    }
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const request: LayoutRequest = { id, input };
    try {
      target.postMessage(request);
    } catch (error) {
      // postMessage throws synchronously (DataCloneError) when the input holds something uncloneable.
      pending.delete(id);
      reject(new Error(`Auto-layout could not send the pipeline to its worker: ${message(error)}`, { cause: error }));
    }
  });
}

/**
 * Stops the layout worker, if one is running, and rejects any layouts still in flight. The next
 * {@link autoLayout} call starts a fresh worker. Useful on teardown; the app never has to call it.
 */
export function disposeAutoLayout(): void {
  fail('Auto-layout was stopped before it finished');
}

function layoutWorker(): Worker {
  if (worker !== undefined) return worker;
  // Vite recognises this exact `new Worker(new URL(...), { type: 'module' })` shape and emits the worker
  // (with ELK) as its own chunk, so the page only downloads ELK the first time someone auto-lays out.
  const created = new Worker(new URL('./elk-layout.worker.ts', import.meta.url), {
    type: 'module',
    name: 'loom-elk-layout',
  });
  created.onmessage = (event: MessageEvent<unknown>) => settle(event.data);
  created.onerror = (event) => {
    // Typed as ErrorEvent, but a load failure (missing chunk, syntax error) fires a plain Event with no message.
    const detail = (event as Partial<ErrorEvent>).message || 'the worker script failed to load';
    fail(`Auto-layout worker crashed: ${detail}`);
  };
  created.onmessageerror = () => fail('Auto-layout worker sent a reply that could not be read');
  worker = created;
  return created;
}

function settle(data: unknown): void {
  if (!isResponse(data)) return;
  const request = pending.get(data.id);
  // Unknown ids are answers to requests that a crash or disposeAutoLayout() already rejected.
  if (request === undefined) return;
  pending.delete(data.id);
  if ('error' in data) request.reject(new Error(`Auto-layout failed: ${data.error}`));
  else request.resolve(data.positions);
}

function isResponse(data: unknown): data is LayoutResponse {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { kind?: unknown }).kind === ('loom-elk-layout' satisfies LayoutResponse['kind']) &&
    typeof (data as { id?: unknown }).id === 'number'
  );
}

/**
 * Rejects everything in flight and drops the worker. After a crash the worker's state is unknown, so a fresh
 * one is safer than reusing it, and the requests it held will never be answered.
 */
function fail(reason: string): void {
  const stale = worker;
  worker = undefined;
  stale?.terminate();
  const requests = [...pending.values()];
  pending.clear();
  for (const request of requests) request.reject(new Error(reason));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// In development, a hot update of this module would otherwise leave the old worker running.
import.meta.hot?.dispose(disposeAutoLayout);
