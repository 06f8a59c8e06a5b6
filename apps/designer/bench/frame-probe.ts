import type { Viewport } from '@xyflow/react';
import type { FrameFigures, Scenario } from './canvas-protocol.ts';

/** One pan or zoom cycle; each scenario runs about two cycles. */
const PERIOD_MS = 1500;
/** Pan amplitude in screen pixels: the view swings this far to each side (~1,250 px/s at its fastest). */
const PAN_PX = 300;
/** At the fitted view the zoom swings up to this factor and back; at 1.0 by this factor both ways. */
const FIT_ZOOM_FACTOR = 2.5;
const ZOOM_FACTOR_AT_1 = 1.6;
/** `zoom-through` goes from the fitted view to this zoom and back, as one zooms into a part of a pipeline. */
const THROUGH_ZOOM = 1;

/**
 * Where the viewport is `elapsed` ms into a scenario that starts at `base`. Zooming keeps the point at
 * the centre of the screen still, as a wheel zoom over the middle of the canvas would.
 */
export function viewportAt(
  scenario: Scenario,
  base: Viewport,
  size: { width: number; height: number },
  elapsed: number,
): Viewport {
  const phase = (2 * Math.PI * elapsed) / PERIOD_MS;
  switch (scenario) {
    case 'idle':
      return base;
    case 'zoom-through': {
      const zoom = base.zoom * (THROUGH_ZOOM / base.zoom) ** ((1 - Math.cos(phase / 2)) / 2);
      const cx = size.width / 2;
      const cy = size.height / 2;
      return { x: cx - ((cx - base.x) / base.zoom) * zoom, y: cy - ((cy - base.y) / base.zoom) * zoom, zoom };
    }
    case 'fit-pan':
    case 'pan-at-1':
      return { x: base.x + PAN_PX * Math.sin(phase), y: base.y + (PAN_PX / 2) * Math.sin(2 * phase), zoom: base.zoom };
    case 'fit-zoom':
    case 'zoom-at-1': {
      const factor =
        scenario === 'fit-zoom' ? FIT_ZOOM_FACTOR ** ((1 - Math.cos(phase)) / 2) : ZOOM_FACTOR_AT_1 ** Math.sin(phase);
      const zoom = base.zoom * factor;
      const cx = size.width / 2;
      const cy = size.height / 2;
      return { x: cx - ((cx - base.x) / base.zoom) * zoom, y: cy - ((cy - base.y) / base.zoom) * zoom, zoom };
    }
  }
}

/**
 * Moves the viewport once per animation frame for `durationMs` and records the time between frames
 * (the `requestAnimationFrame` timestamps, so a frame that missed its vsync shows as 33 ms, not 17),
 * the main thread's work per frame, and the long tasks seen meanwhile.
 *
 * The frame interval cannot go below the display's 16.7 ms, so it hides how much room is left; the
 * work per frame shows it: from the frame's callback to the first task after the frame, which runs once
 * the frame's script, style, layout and paint are done (rasterising happens on other threads).
 */
export function recordFrames(durationMs: number, move: (elapsed: number) => void): Promise<FrameFigures> {
  const deltas: number[] = [];
  const work: number[] = [];
  const longTasks: number[] = [];
  const afterFrame = new MessageChannel();
  let frameStart = 0;
  afterFrame.port1.onmessage = () => work.push(performance.now() - frameStart);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  return new Promise((resolve) => {
    let start: number | undefined;
    let previous = 0;
    const step = (now: number) => {
      if (start === undefined) start = now;
      else deltas.push(now - previous);
      previous = now;
      if (now - start >= durationMs) {
        // Long-task entries are delivered asynchronously: give the last ones a moment to arrive.
        setTimeout(() => {
          observer.disconnect();
          afterFrame.port1.close();
          resolve(summarise(deltas, work, longTasks));
        }, 100);
        return;
      }
      frameStart = performance.now();
      move(now - start);
      afterFrame.port2.postMessage(null);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

function summarise(deltas: number[], work: number[], longTasks: number[]): FrameFigures {
  const frames = quantiles(deltas);
  const busy = quantiles(work);
  return {
    frames: deltas.length,
    medianMs: frames(0.5),
    p95Ms: frames(0.95),
    maxMs: frames(1),
    workMedianMs: busy(0.5),
    workP95Ms: busy(0.95),
    longTasks: longTasks.length,
    longTaskMs: longTasks.reduce((sum, d) => sum + d, 0),
  };
}

function quantiles(samples: number[]): (q: number) => number {
  const sorted = [...samples].sort((a, b) => a - b);
  return (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
