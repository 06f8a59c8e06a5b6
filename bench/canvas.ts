import { CHROMIUM_LAUNCH_OPTIONS } from '@loom/e2e/chromium';
import { type Browser, chromium } from 'playwright-core';
import {
  type CanvasBenchPage,
  type CanvasKind,
  type FrameFigures,
  type MountFigures,
  PAGE_GLOBAL,
  type Scenario,
} from '../apps/designer/bench/canvas-protocol.ts';
import { round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';
import { serveCanvasPage } from './canvas-build.ts';

/** Sizes and canvases measured; `LOOM_BENCH_CANVAS_NODES=5000` and `LOOM_BENCH_CANVAS_KINDS=loom` narrow a run. */
const SIZES = listFromEnv('LOOM_BENCH_CANVAS_NODES', ['1000', '5000']).map(Number);
const KINDS = listFromEnv('LOOM_BENCH_CANVAS_KINDS', ['plain', 'loom']) as CanvasKind[];
/** First render is measured on this many fresh pages (the median is reported); frames on the last. */
const MOUNTS = 3;
const SCENARIO_MS = 3000;
const SCENARIOS: Scenario[] = ['idle', 'fit-pan', 'fit-zoom', 'pan-at-1', 'zoom-at-1', 'zoom-through'];
const SCENARIO_LABELS: Record<Scenario, string> = {
  idle: 'idle',
  'fit-pan': 'pan, all in view',
  'fit-zoom': 'zoom, all in view',
  'pan-at-1': 'pan at 1.0',
  'zoom-at-1': 'zoom at 1.0',
  'zoom-through': 'zoom fit↔1.0',
};
const VIEWPORT = { width: 1440, height: 900 };
const GOAL_FIRST_RENDER_MS = 1500;
const GOAL_MEDIAN_FRAME_MS = 16.7;

interface CanvasRun {
  kind: CanvasKind;
  nodes: number;
  mount: MountFigures;
  firstRenderRuns: number[];
  frames: Record<Scenario, FrameFigures>;
}

/**
 * `pnpm bench canvas`: the designer's canvas (`PipelineCanvas` over an editor store) against a plain
 * React Flow canvas (default nodes, every node rendered, with React Flow's Background, MiniMap and
 * Controls), in headless Chromium at 1440×900 with the canvas filling the window, on a generated
 * pipeline of 1,000 and 5,000 nodes (apps/designer/bench/bench-pipeline.ts) opened at the fitted view.
 *
 * Reports the first render (from `createRoot().render` to two frames after every node was painted)
 * and, per scenario, the `requestAnimationFrame` intervals (median and 95th percentile) and the
 * main-thread work per frame while the viewport pans or zooms, moved once per frame through the React
 * Flow instance (see apps/designer/bench/frame-probe.ts). The goal, at 5,000 nodes: first render
 * ≤ 1.5 s and a median frame ≤ 16.7 ms while panning and zooming.
 *
 * Chromium runs with `--disable-gpu`, so it rasterises and composites in software on this machine's
 * CPUs: figures compare canvases on one machine, they are not what a desktop GPU would give.
 */
export async function benchCanvas(): Promise<BenchResult> {
  const served = await serveCanvasPage();
  const browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
  try {
    const runs: CanvasRun[] = [];
    for (const nodes of SIZES) {
      for (const kind of KINDS)
        runs.push(await measureCanvas(browser, `${served.url}?canvas=${kind}&nodes=${nodes}`, kind, nodes));
    }
    return report(runs);
  } finally {
    await browser.close();
    await served.close();
  }
}

async function measureCanvas(browser: Browser, url: string, kind: CanvasKind, nodes: number): Promise<CanvasRun> {
  const firstRenderRuns: number[] = [];
  for (let i = 0; ; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(url);
      await page.waitForFunction((name) => name in globalThis, PAGE_GLOBAL);
      const mount = await page.evaluate(() => (globalThis as unknown as PageGlobal).loomCanvasBench.mount());
      firstRenderRuns.push(mount.firstRenderMs);
      if (errors.length > 0) throw new Error(`the ${kind} canvas page failed: ${errors.join('; ')}`);
      if (i + 1 < MOUNTS) continue;
      const frames = {} as Record<Scenario, FrameFigures>;
      for (const scenario of SCENARIOS) {
        frames[scenario] = await page.evaluate(
          ([s, ms]) => (globalThis as unknown as PageGlobal).loomCanvasBench.measure(s, ms),
          [scenario, SCENARIO_MS] as const,
        );
      }
      const median = [...firstRenderRuns].sort((a, b) => a - b)[Math.floor(firstRenderRuns.length / 2)] as number;
      return { kind, nodes, mount: { ...mount, firstRenderMs: median }, firstRenderRuns, frames };
    } finally {
      await context.close();
    }
  }
}

/** The page's API as the callbacks given to `page.evaluate` see it (they run in the page, by name only). */
type PageGlobal = { [PAGE_GLOBAL]: CanvasBenchPage };

function report(runs: CanvasRun[]): BenchResult {
  const cell = (f: FrameFigures) => `${round(f.medianMs, 1)} / ${round(f.p95Ms, 1)} (${round(f.workMedianMs, 1)})`;
  const moving = SCENARIOS.filter((s) => s !== 'idle');
  const rows = [
    [
      'canvas',
      'nodes',
      'first render ms (runs)',
      ...moving.map((s) => SCENARIO_LABELS[s]),
      SCENARIO_LABELS.idle,
      'long tasks (ms)',
      'DOM + layer nodes',
    ],
  ];
  const figures: Record<string, number | string> = {};
  for (const run of runs) {
    const frames = moving.map((s) => run.frames[s]);
    rows.push([
      run.kind,
      run.nodes.toLocaleString('en'),
      `${Math.round(run.mount.firstRenderMs)} (${run.firstRenderRuns.map(Math.round).join(', ')})`,
      ...frames.map(cell),
      cell(run.frames.idle),
      `${frames.reduce((n, f) => n + f.longTasks, 0)} (${Math.round(frames.reduce((n, f) => n + f.longTaskMs, 0))})`,
      `${run.mount.domNodes} + ${run.mount.layerNodes}`,
    ]);
    const key = `${run.kind}${run.nodes}`;
    figures[`${key}FirstRenderMs`] = round(run.mount.firstRenderMs, 1);
    figures[`${key}FitZoom`] = round(run.mount.fitZoom, 4);
    figures[`${key}DomElements`] = run.mount.domElements;
    figures[`${key}HeapMb`] = round(run.mount.heapMb, 1);
    for (const scenario of SCENARIOS) {
      const name = scenario.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase());
      const f = run.frames[scenario];
      figures[`${key}${name}MedianMs`] = round(f.medianMs, 2);
      figures[`${key}${name}P95Ms`] = round(f.p95Ms, 2);
      figures[`${key}${name}WorkMedianMs`] = round(f.workMedianMs, 2);
      figures[`${key}${name}WorkP95Ms`] = round(f.workP95Ms, 2);
      figures[`${key}${name}LongTasks`] = f.longTasks;
    }
  }
  return {
    title:
      `headless Chromium ${VIEWPORT.width}×${VIEWPORT.height}, software rendering; first render: median of ${MOUNTS} page loads; ` +
      `frames over ${SCENARIO_MS / 1000} s each: interval p50 / p95 (main-thread work p50), ms`,
    rows,
    figures: { ...figures, goalFirstRenderMs: GOAL_FIRST_RENDER_MS, goalMedianFrameMs: GOAL_MEDIAN_FRAME_MS },
  };
}

function listFromEnv(name: string, fallback: string[]): string[] {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value.split(',').map((item) => item.trim());
}
