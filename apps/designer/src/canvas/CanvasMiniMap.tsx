import { Panel, type Rect, useReactFlow, useStore, useStoreApi } from '@xyflow/react';
import { type PointerEvent, useCallback, useRef, type WheelEvent } from 'react';
import type { OverviewScene } from './overview-scene.ts';
import { roomForMinimap } from './readable-view.ts';
import { useRepaintOnViewChange } from './use-repaint-on-view-change.ts';

const WIDTH = 200;
const HEIGHT = 150;
/** Room around the pipeline, as a fraction of the larger side. */
const MARGIN = 0.05;

/**
 * The minimap: every node as a small box in its category colour and the visible part of the canvas
 * outlined. React Flow's own minimap renders one SVG element, with its own store subscription, per
 * node; with thousands of nodes that alone costs more than a frame. This one paints the nodes on a
 * canvas once per change of the pipeline, and moving the view only moves an outline over it.
 *
 * Press or drag on it to move the view there; the wheel zooms around the middle of the view. On a canvas too
 * small to have it beside the nodes (the step drawer open on a small screen) it is hidden, not unmounted, so
 * it comes back painted.
 */
export function CanvasMiniMap({ scene }: { scene: OverviewScene }) {
  const flowStore = useStoreApi();
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewOutline = useRef<HTMLDivElement>(null);
  const drawn = useRef<{ scene: OverviewScene; box: Rect } | undefined>(undefined);
  const box = useRef<Rect>({ x: 0, y: 0, width: 1, height: 1 });
  const roomy = useStore((state) => roomForMinimap(state));
  const latestScene = useRef(scene);
  latestScene.current = scene;

  const paint = useCallback(() => {
    const context = canvas.current?.getContext('2d');
    if (context == null) return;
    const { transform, width, height } = flowStore.getState();
    const [tx, ty, zoom] = transform;
    const view = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
    const current = latestScene.current;
    const shown = fitBox(current.bounds.width > 0 ? union(current.bounds, view) : view);
    box.current = shown;
    if (drawn.current?.scene !== current || !sameRect(drawn.current.box, shown)) {
      drawn.current = { scene: current, box: shown };
      paintNodes(context, current, shown, window.devicePixelRatio || 1);
    }
    // The view's outline is an element: moving it is cheaper than repainting the canvas every frame.
    const scale = WIDTH / shown.width;
    const outline = viewOutline.current;
    if (outline !== null) {
      outline.style.transform = `translate(${(view.x - shown.x) * scale}px, ${(view.y - shown.y) * scale}px)`;
      outline.style.width = `${view.width * scale}px`;
      outline.style.height = `${view.height * scale}px`;
    }
  }, [flowStore]);

  useRepaintOnViewChange(scene, paint);

  const centreAt = useCallback(
    (event: PointerEvent<HTMLCanvasElement>) => {
      const bounds = event.currentTarget.getBoundingClientRect();
      const shown = box.current;
      const x = shown.x + ((event.clientX - bounds.left) / bounds.width) * shown.width;
      const y = shown.y + ((event.clientY - bounds.top) / bounds.height) * shown.height;
      void flow.setCenter(x, y, { zoom: flow.getZoom() });
    },
    [flow],
  );
  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLCanvasElement>) => {
      event.currentTarget.setPointerCapture(event.pointerId);
      centreAt(event);
    },
    [centreAt],
  );
  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLCanvasElement>) => {
      if (event.currentTarget.hasPointerCapture(event.pointerId)) centreAt(event);
    },
    [centreAt],
  );
  const onWheel = useCallback(
    (event: WheelEvent<HTMLCanvasElement>) => void flow.zoomTo(flow.getZoom() * 2 ** (-event.deltaY / 500)),
    [flow],
  );

  const ratio = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  return (
    <Panel position="bottom-right" className="canvas-minimap" data-testid="canvas-minimap" hidden={!roomy}>
      <canvas
        ref={canvas}
        width={WIDTH * ratio}
        height={HEIGHT * ratio}
        style={{ width: WIDTH, height: HEIGHT }}
        role="img"
        aria-label="Mini map: drag to move the view"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onWheel={onWheel}
      />
      <div ref={viewOutline} className="canvas-minimap-view" />
    </Panel>
  );
}

function paintNodes(context: CanvasRenderingContext2D, scene: OverviewScene, shown: Rect, ratio: number): void {
  const scale = (WIDTH * ratio) / shown.width;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, WIDTH * ratio, HEIGHT * ratio);
  context.setTransform(scale, 0, 0, scale, -shown.x * scale, -shown.y * scale);
  const { boxes } = scene;
  // At least one device pixel per node, or small nodes would vanish.
  const least = 1 / scale;
  for (const [color, members] of scene.categories) {
    context.fillStyle = color;
    for (const i of members) {
      context.fillRect(
        boxes[i * 4] as number,
        boxes[i * 4 + 1] as number,
        Math.max(least, boxes[i * 4 + 2] as number),
        Math.max(least, boxes[i * 4 + 3] as number),
      );
    }
  }
}

/** The rectangle, grown to the minimap's aspect ratio and given a margin, centred on the original. */
function fitBox(rect: Rect): Rect {
  const margin = MARGIN * Math.max(rect.width, rect.height);
  const scale = Math.max((rect.width + 2 * margin) / WIDTH, (rect.height + 2 * margin) / HEIGHT, 1e-9);
  const width = WIDTH * scale;
  const height = HEIGHT * scale;
  return { x: rect.x + rect.width / 2 - width / 2, y: rect.y + rect.height / 2 - height / 2, width, height };
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
