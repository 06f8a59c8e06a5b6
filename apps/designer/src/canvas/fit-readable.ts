import type { Edge, Node, ReactFlowInstance } from '@xyflow/react';
import { type FlowRect, readableFit } from './readable-view.ts';
import { canvasSize } from './view-centre.ts';

export interface FitReadableOptions {
  /** Nodes to keep in view when the whole pipeline cannot be read at once (the selection); else its start. */
  focus?: Iterable<string>;
  /** Animation length in milliseconds. @default 0 */
  duration?: number;
}

/**
 * Fit view, readable: the whole pipeline if its text stays readable, otherwise the selection or the start
 * of the pipeline at the smallest readable zoom (see {@link readableFit}). What opening a pipeline, Tidy up,
 * the Fit view command and the controls' fit button all do.
 *
 * @returns whether the view moved (false on an empty or not yet sized canvas).
 */
export async function fitReadable<N extends Node, E extends Edge>(
  flow: ReactFlowInstance<N, E>,
  options: FitReadableOptions = {},
): Promise<boolean> {
  const nodes = flow.getNodes();
  const screen = canvasSize();
  if (nodes.length === 0 || screen.width === 0 || screen.height === 0) return false;
  const bounds: FlowRect = flow.getNodesBounds(nodes);
  const wanted = new Set(options.focus ?? []);
  const focused = wanted.size === 0 ? [] : nodes.filter((node) => wanted.has(node.id));
  const view = readableFit({
    bounds,
    screen,
    ...(focused.length === 0 ? {} : { focus: flow.getNodesBounds(focused) }),
  });
  return flow.setViewport(view, { duration: options.duration ?? 0 });
}
