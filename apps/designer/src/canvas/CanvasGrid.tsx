import { useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/** Canvas units between grid dots. */
const GAP = 24;
/** Closer than this on screen, dots are noise rather than a guide: the grid fades out (zooming far out). */
const MIN_SCREEN_GAP = 10;

/**
 * The background grid, as one CSS background that follows the viewport. React Flow's `<Background>`
 * is an SVG pattern that the browser rasterises again on every pan and zoom frame, which measured as
 * the biggest single cost of panning at zoom 1 (`pnpm bench canvas`); moving a background's offset and
 * size is far cheaper, and is done straight on the element, without a React render.
 */
export function CanvasGrid() {
  const flowStore = useStoreApi();
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const apply = ([x, y, zoom]: [number, number, number]) => {
      const style = element.current?.style;
      if (style === undefined) return;
      const gap = GAP * zoom;
      if (gap < MIN_SCREEN_GAP) {
        style.display = 'none';
        return;
      }
      style.display = '';
      style.backgroundSize = `${gap}px ${gap}px`;
      style.backgroundPosition = `${x % gap}px ${y % gap}px`;
    };
    apply(flowStore.getState().transform);
    return flowStore.subscribe((state, previous) => {
      if (state.transform !== previous.transform) apply(state.transform);
    });
  }, [flowStore]);
  return <div ref={element} className="canvas-grid" aria-hidden="true" />;
}
