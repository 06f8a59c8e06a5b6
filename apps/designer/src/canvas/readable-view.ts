/**
 * Where the canvas looks after a fit: the whole pipeline when it can be read that way, otherwise a readable
 * part of it. Pure geometry, no React Flow: the canvas passes in bounds and its size and applies the result.
 *
 * @module
 */

/** A rectangle in flow (canvas) coordinates. */
export interface FlowRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** React Flow's viewport: flow point p shows at `p × zoom + (x, y)` pixels from the canvas' top-left corner. */
export interface ViewTransform {
  x: number;
  y: number;
  zoom: number;
}

/** The size of the visible canvas in screen pixels. */
export interface ScreenSize {
  width: number;
  height: number;
}

/**
 * The smallest zoom a fit goes down to. Node titles are 12.5 px and ports 11–12 px at zoom 1; below 0.9 the
 * titles drop under ~11 px, where a 5-node chain fitted whole (zoom ~0.5, 6 px text) was unreadable.
 * Zooming out further by hand is still allowed (the canvas' own minimum is far lower).
 */
export const MIN_READABLE_ZOOM = 0.9;

/** Screen pixels kept free around what a fit frames. */
export const FIT_PADDING = 40;

export interface ReadableFitOptions {
  /** Everything to frame (the pipeline's bounds). */
  bounds: FlowRect;
  /**
   * What must be in view when everything cannot be at a readable zoom: the selection, or the start of the
   * pipeline. The view is centred on it, then moved back as far as needed not to show empty space beyond
   * the pipeline's edges. Defaults to the bounds' top-left corner (the start of a left-to-right pipeline).
   */
  focus?: FlowRect;
  /** The visible canvas. */
  screen: ScreenSize;
  /** @default {@link FIT_PADDING} */
  padding?: number;
  /** The zoom a small pipeline is not enlarged past. @default 1.1 */
  maxZoom?: number;
  /** @default {@link MIN_READABLE_ZOOM} */
  minZoom?: number;
}

/**
 * The viewport that frames `bounds` whole, centred, if that needs no zoom below `minZoom`; otherwise the view
 * at `minZoom` that shows `focus` (or the pipeline's start), without wasting screen on empty canvas.
 *
 * @example
 * // a 5-node chain, 1500 × 100 flow pixels, on an 870 × 600 canvas: zoom 0.9, its left end in view
 * readableFit({ bounds: { x: 0, y: 0, width: 1500, height: 100 }, screen: { width: 870, height: 600 } });
 * // → { x: 40, y: 255, zoom: 0.9 }
 */
export function readableFit(options: ReadableFitOptions): ViewTransform {
  const { bounds, screen } = options;
  const padding = options.padding ?? FIT_PADDING;
  const maxZoom = options.maxZoom ?? 1.1;
  const minZoom = Math.min(options.minZoom ?? MIN_READABLE_ZOOM, maxZoom);
  const whole = Math.min(
    (screen.width - 2 * padding) / Math.max(bounds.width, 1),
    (screen.height - 2 * padding) / Math.max(bounds.height, 1),
    maxZoom,
  );
  const zoom = Math.max(whole, minZoom);
  const focus = options.focus ?? { x: bounds.x, y: bounds.y, width: 0, height: 0 };
  return {
    x: axisOffset(bounds.x, bounds.width, focus.x, focus.width, screen.width, zoom, padding),
    y: axisOffset(bounds.y, bounds.height, focus.y, focus.height, screen.height, zoom, padding),
    zoom,
  };
}

/**
 * One axis of {@link readableFit}: centre the bounds when they fit, else centre the focus, clamped so that the
 * bounds' near edge is no further in than `padding` and their far edge no further in than `padding` either.
 */
function axisOffset(
  start: number,
  size: number,
  focusStart: number,
  focusSize: number,
  screen: number,
  zoom: number,
  padding: number,
): number {
  if (size * zoom <= screen - 2 * padding) return (screen - size * zoom) / 2 - start * zoom;
  const centred = screen / 2 - (focusStart + focusSize / 2) * zoom;
  const nearEdge = padding - start * zoom;
  const farEdge = screen - padding - (start + size) * zoom;
  return Math.min(nearEdge, Math.max(farEdge, centred));
}

/** The part of the canvas that must stay clear when a node is brought into view (panels along its edges). */
export interface ScreenInsets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The smallest pan that brings `rect` wholly into the visible canvas, inside `insets`, at the current zoom; or
 * `undefined` when it is in view already. A rect larger than the room gets its top-left corner shown.
 *
 * @example
 * // a node below the bottom of a 300 px high canvas: the view moves up just enough
 * revealRect({ x: 100, y: 400, width: 200, height: 100 }, { x: 0, y: 0, zoom: 1 }, { width: 800, height: 300 }, 20)
 * // → { x: 0, y: -220, zoom: 1 }
 */
export function revealRect(
  rect: FlowRect,
  view: ViewTransform,
  screen: ScreenSize,
  insets: ScreenInsets | number,
): ViewTransform | undefined {
  const room = typeof insets === 'number' ? { top: insets, right: insets, bottom: insets, left: insets } : insets;
  const x = revealAxis(rect.x, rect.width, view.x, view.zoom, room.left, screen.width - room.right);
  const y = revealAxis(rect.y, rect.height, view.y, view.zoom, room.top, screen.height - room.bottom);
  if (x === view.x && y === view.y) return undefined;
  return { x, y, zoom: view.zoom };
}

function revealAxis(start: number, size: number, offset: number, zoom: number, low: number, high: number): number {
  const near = start * zoom + offset;
  const far = (start + size) * zoom + offset;
  if (far - near > high - low || near < low) return offset + (low - near);
  if (far > high) return offset - (far - high);
  return offset;
}

/**
 * The widest a laid-out pipeline can be and still be read whole on a canvas this wide: at
 * {@link MIN_READABLE_ZOOM}, inside {@link FIT_PADDING}. Tidy up wraps rows at this width.
 */
export function readableWidth(screen: ScreenSize): number {
  return Math.max(screen.width - 2 * FIT_PADDING, 0) / MIN_READABLE_ZOOM;
}

/** Below this canvas height (the step drawer open on a small screen) the minimap would sit on the nodes. */
export const MINIMAP_MIN_CANVAS = { width: 640, height: 560 } as const;

/** Whether the canvas has room for the minimap beside the nodes; the controls lie flat when it has not. */
export function roomForMinimap(screen: ScreenSize): boolean {
  return screen.width >= MINIMAP_MIN_CANVAS.width && screen.height >= MINIMAP_MIN_CANVAS.height;
}

/**
 * What {@link revealRect} keeps clear when the canvas brings a node into view: the zoom controls in the
 * bottom-left corner and a margin elsewhere, so the node is not half under a panel.
 */
export const REVEAL_INSETS: ScreenInsets = { top: 24, right: 24, bottom: 56, left: 56 };
