/**
 * What the canvas bench page (`canvas.html`) offers the Node side that drives it through Playwright.
 * Plain data only: this file is compiled both for the browser and for Node.
 */

/** `loom`: the designer's real canvas; `plain`: React Flow with default nodes, the baseline. */
export type CanvasKind = 'loom' | 'plain';

/**
 * `idle`: nothing moves (the frame-rate floor); `fit-*`: from the fitted view (all nodes visible);
 * `*-at-1`: from the middle of the graph at zoom 1.0; `zoom-through`: from the fitted view into the
 * middle of the graph to zoom 1.0 and back out, through every level of detail.
 */
export type Scenario = 'idle' | 'fit-pan' | 'fit-zoom' | 'pan-at-1' | 'zoom-at-1' | 'zoom-through';

export interface MountFigures {
  /** From just before `createRoot().render` to two frames after every node was painted. */
  firstRenderMs: number;
  /** Zoom of the fitted view. */
  fitZoom: number;
  /** Elements in the document once mounted. */
  domElements: number;
  /** Nodes drawn as DOM elements, and nodes drawn on a canvas layer. */
  domNodes: number;
  layerNodes: number;
  heapMb: number;
}

export interface FrameFigures {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Main-thread work per frame: script, style, layout and paint (see `recordFrames`). */
  workMedianMs: number;
  workP95Ms: number;
  /** Tasks over 50 ms while the scenario ran, and their total duration. */
  longTasks: number;
  longTaskMs: number;
}

export interface CanvasBenchPage {
  mount(): Promise<MountFigures>;
  measure(scenario: Scenario, durationMs: number): Promise<FrameFigures>;
  /** Moves the view, for looking at the canvas by hand (screenshots); `zoom` 1 is 100 %. */
  setViewport(viewport: { x: number; y: number; zoom: number }): Promise<void>;
}

/** The page installs itself on `globalThis` under this name once its module has loaded. */
export const PAGE_GLOBAL = 'loomCanvasBench' as const;
