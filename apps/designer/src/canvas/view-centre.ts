import type { ReactFlowInstance } from '@xyflow/react';
import type { XY } from '../store/document-slice.ts';
import type { ScreenSize } from './readable-view.ts';

/** The middle of the visible canvas, in flow coordinates: where things added without a pointer go. */
export function viewCentre(flow: Pick<ReactFlowInstance, 'screenToFlowPosition'>): XY {
  const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
  if (canvas === undefined) return { x: 0, y: 0 };
  return flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
}

/** The visible canvas' size in screen pixels, for commands that have the flow instance but not its store. */
export function canvasSize(): ScreenSize {
  const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
  return { width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
}
