import '@xyflow/react/dist/style.css';
import '../src/theme.css';
import '../src/styles.css';
import type { PipelineDocument } from '@loom/graph';
import {
  Background,
  Controls,
  type Edge,
  MiniMap,
  type Node,
  ReactFlow,
  type ReactFlowInstance,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { type ReactElement, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { PAINTED_NODES_ATTRIBUTE } from '../src/canvas/OverviewLayer.tsx';
import { PipelineCanvas } from '../src/canvas/PipelineCanvas.tsx';
import { EditorProvider } from '../src/store/editor-context.tsx';
import { createEditorStore, type EditorStore } from '../src/store/editor-store.ts';
import { benchCatalog, benchPipeline } from './bench-pipeline.ts';
import {
  type CanvasBenchPage,
  type CanvasKind,
  type MountFigures,
  PAGE_GLOBAL,
  type Scenario,
} from './canvas-protocol.ts';
import { nextFrame, recordFrames, sleep, viewportAt } from './frame-probe.ts';

/*
 * The canvas bench page: `canvas.html?canvas=loom|plain&nodes=N`. It renders one canvas over the whole
 * window and offers `mount()` and `measure()` to the Node side (bench/canvas.ts).
 */

const query = new URLSearchParams(location.search);
const kind: CanvasKind = query.get('canvas') === 'plain' ? 'plain' : 'loom';
const count = Number(query.get('nodes') ?? '1000');
const pipeline = benchPipeline(count);
let flow: ReactFlowInstance | undefined;

/** Hands the React Flow instance of the surrounding provider to the page. */
function InstanceProbe() {
  const instance = useReactFlow();
  useEffect(() => {
    flow = instance;
  }, [instance]);
  return null;
}

function LoomCanvas({ store }: { store: EditorStore }) {
  return (
    <EditorProvider store={store}>
      <ReactFlowProvider>
        <PipelineCanvas />
        <InstanceProbe />
      </ReactFlowProvider>
    </EditorProvider>
  );
}

/** The baseline: what a first React Flow canvas looks like, default nodes and every node rendered. */
function PlainCanvas({ elements }: { elements: { nodes: Node[]; edges: Edge[] } }) {
  return (
    <ReactFlowProvider>
      <div className="canvas">
        <ReactFlow defaultNodes={elements.nodes} defaultEdges={elements.edges} fitView minZoom={0.05} maxZoom={2}>
          <Background />
          <MiniMap />
          <Controls />
        </ReactFlow>
      </div>
      <InstanceProbe />
    </ReactFlowProvider>
  );
}

function plainElements(document: PipelineDocument): { nodes: Node[]; edges: Edge[] } {
  return {
    nodes: document.nodes.map((node) => ({
      id: node.id,
      position: node.ui?.position ?? { x: 0, y: 0 },
      data: { label: `${node.id} · ${node.type}` },
    })),
    edges: document.edges.map((edge, i) => ({ id: edge.id ?? `e${i}`, source: edge.from.node, target: edge.to.node })),
  };
}

function paintedNodes(): { dom: number; layer: number } {
  let dom = 0;
  for (const element of document.getElementsByClassName('react-flow__node')) {
    if ((element as HTMLElement).style.visibility !== 'hidden') dom++;
  }
  let layer = 0;
  for (const element of document.querySelectorAll(`[${PAINTED_NODES_ATTRIBUTE}]`)) {
    layer += Number(element.getAttribute(PAINTED_NODES_ATTRIBUTE));
  }
  return { dom, layer };
}

let fitted: { x: number; y: number; zoom: number } | undefined;

async function mount(): Promise<MountFigures> {
  const container = document.getElementById('root') as HTMLElement;
  container.className = 'canvas-area';
  container.style.cssText = 'position: fixed; inset: 0;';
  // The document is loaded before the clock starts, as it would be when opened; the compile that
  // loading schedules (problem highlighting) runs inside the measured time, as it does in the designer.
  let canvas: ReactElement;
  if (kind === 'loom') {
    const store = createEditorStore(benchCatalog());
    store.getState().replaceDocument(pipeline, { pipelineId: undefined, version: undefined, saved: undefined });
    // `&debug` hands the store to scripts that check the canvas by hand.
    if (query.has('debug')) (globalThis as Record<string, unknown>).loomCanvasDebug = { store };
    canvas = <LoomCanvas store={store} />;
  } else canvas = <PlainCanvas elements={plainElements(pipeline)} />;
  const started = performance.now();
  createRoot(container).render(canvas);
  // Ready: every node painted (as a DOM node or on a layer) at the fitted zoom, which at the sizes
  // benchmarked is far below 1 (the viewport starts at 1 before fitView).
  for (;;) {
    await nextFrame();
    const painted = paintedNodes();
    if (painted.dom + painted.layer >= count && flow !== undefined && flow.getViewport().zoom < 0.99) break;
    if (performance.now() - started > 60_000)
      throw new Error(`only ${painted.dom + painted.layer} of ${count} nodes painted`);
  }
  await nextFrame();
  await nextFrame();
  const firstRenderMs = performance.now() - started;
  fitted = (flow as ReactFlowInstance).getViewport();
  const painted = paintedNodes();
  const memory = (performance as { memory?: { usedJSHeapSize: number } }).memory;
  return {
    firstRenderMs,
    fitZoom: fitted.zoom,
    domElements: document.getElementsByTagName('*').length,
    domNodes: painted.dom,
    layerNodes: painted.layer,
    heapMb: (memory?.usedJSHeapSize ?? 0) / 2 ** 20,
  };
}

async function measure(scenario: Scenario, durationMs: number) {
  const instance = flow;
  if (instance === undefined || fitted === undefined) throw new Error('mount() first');
  const size = { width: window.innerWidth, height: window.innerHeight };
  const base = scenario === 'pan-at-1' || scenario === 'zoom-at-1' ? centreAtZoom1(size) : fitted;
  await instance.setViewport(base);
  // Let the nodes that came into view mount and settle before measuring.
  await sleep(500);
  await nextFrame();
  if (scenario === 'idle') return recordFrames(durationMs, () => {});
  return recordFrames(durationMs, (elapsed) => void instance.setViewport(viewportAt(scenario, base, size, elapsed)));
}

function centreAtZoom1(size: { width: number; height: number }) {
  let right = 0;
  let bottom = 0;
  for (const node of pipeline.nodes) {
    right = Math.max(right, (node.ui?.position?.x ?? 0) + 210);
    bottom = Math.max(bottom, (node.ui?.position?.y ?? 0) + 100);
  }
  return { x: size.width / 2 - right / 2, y: size.height / 2 - bottom / 2, zoom: 1 };
}

async function setViewport(viewport: { x: number; y: number; zoom: number }) {
  await flow?.setViewport(viewport);
  await nextFrame();
}

const page: CanvasBenchPage = { mount, measure, setViewport };
(globalThis as Record<string, unknown>)[PAGE_GLOBAL] = page;
