import { useStoreApi } from '@xyflow/react';
import { useCallback, useRef } from 'react';
import { drawOverview, type Transform } from './overview-draw.ts';
import { zoomLevel } from './overview-mode.ts';
import type { OverviewScene } from './overview-scene.ts';
import { useRepaintOnViewChange } from './use-repaint-on-view-change.ts';

/** How many nodes the overview layer drew last, on its element: for end-to-end tests and the canvas bench. */
export const PAINTED_NODES_ATTRIBUTE = 'data-painted-nodes';

/** The layer reaches this far past each side of the view (a fraction of its size), for panning. */
const OVERSCAN = 0.25;

interface Painted {
  scene: OverviewScene;
  transform: Transform;
  width: number;
  height: number;
}

/**
 * The pipeline drawn on one `<canvas>` while the canvas is in overview mode (see `overview-mode.ts`),
 * instead of thousands of DOM nodes and SVG edges. It lies under React Flow's pane, so panning,
 * zooming and box selection work as usual; it repaints in the same task as each viewport change, so it
 * never lags the rest of the canvas by a frame.
 *
 * The canvas reaches past the view on every side: a pan that stays within that margin only moves the
 * painted canvas (a compositor transform) instead of painting it again.
 */
export function OverviewLayer({ scene }: { scene: OverviewScene }) {
  const flowStore = useStoreApi();
  const canvas = useRef<HTMLCanvasElement>(null);
  const latestScene = useRef(scene);
  latestScene.current = scene;
  const painted = useRef<Painted | undefined>(undefined);

  const paint = useCallback(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (element == null || context == null) return;
    const { transform, width, height } = flowStore.getState();
    const current = latestScene.current;
    // Decided here rather than by a prop, so the layer appears in the very frame the zoom crosses over.
    const active = zoomLevel(transform[2], current.ids.length) === 'overview';
    if (element.hidden !== !active) element.hidden = !active;
    if (!active) {
      painted.current = undefined;
      element.setAttribute(PAINTED_NODES_ATTRIBUTE, '0');
      return;
    }
    const marginX = Math.round(width * OVERSCAN);
    const marginY = Math.round(height * OVERSCAN);
    const last = painted.current;
    if (
      last !== undefined &&
      last.scene === current &&
      last.transform[2] === transform[2] &&
      last.width === width &&
      last.height === height
    ) {
      const dx = Math.round(transform[0] - last.transform[0]);
      const dy = Math.round(transform[1] - last.transform[1]);
      if (Math.abs(dx) <= marginX && Math.abs(dy) <= marginY) {
        element.style.transform = `translate(${dx}px, ${dy}px)`;
        return;
      }
    }
    const ratio = window.devicePixelRatio || 1;
    const size = { width: width + 2 * marginX, height: height + 2 * marginY };
    Object.assign(element.style, {
      left: `${-marginX}px`,
      top: `${-marginY}px`,
      width: `${size.width}px`,
      height: `${size.height}px`,
      transform: '',
    });
    const pixelWidth = Math.round(size.width * ratio);
    const pixelHeight = Math.round(size.height * ratio);
    if (element.width !== pixelWidth) element.width = pixelWidth;
    if (element.height !== pixelHeight) element.height = pixelHeight;
    const shifted: Transform = [transform[0] + marginX, transform[1] + marginY, transform[2]];
    const drawn = drawOverview(context, current, shifted, size, ratio);
    painted.current = { scene: current, transform, width, height };
    element.setAttribute(PAINTED_NODES_ATTRIBUTE, String(drawn));
  }, [flowStore]);

  useRepaintOnViewChange(scene, paint);

  return <canvas ref={canvas} className="overview-layer" hidden role="img" aria-label="Overview of the pipeline" />;
}
