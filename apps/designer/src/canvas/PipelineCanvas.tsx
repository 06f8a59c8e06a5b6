import { ReactFlow, useReactFlow, useStoreApi } from '@xyflow/react';
import { type DragEvent, type PointerEvent, useCallback, useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEditor, useEditorStore } from '../store/editor-context.tsx';
import { CanvasControls } from './CanvasControls.tsx';
import { CanvasGrid } from './CanvasGrid.tsx';
import { CanvasMiniMap } from './CanvasMiniMap.tsx';
import { fitReadable } from './fit-readable.ts';
import {
  type CanvasFlowNode,
  FlowEdgeCache,
  FlowNodeCache,
  indexCatalog,
  type PipelineFlowEdge,
} from './flow-elements.ts';
import { NoteNodeView } from './NoteNodeView.tsx';
import { NodeGeometry } from './node-geometry.ts';
import { OverviewLayer } from './OverviewLayer.tsx';
import { useFitViewCountsHiddenNodes, useZoomLevel, type ZoomLevel } from './overview-mode.ts';
import { buildOverviewScene } from './overview-scene.ts';
import { PipelineNodeView } from './PipelineNodeView.tsx';
import { PortColorContext } from './port-colors.tsx';
import { useConnectHandlers } from './use-connect-handlers.ts';
import { useFlowChanges } from './use-flow-changes.ts';
import { useKeepNodeInView } from './use-keep-in-view.ts';
import { useOverviewSelection } from './use-overview-selection.ts';
import { usePinnedScroll } from './use-pinned-scroll.ts';

/** Module scope, so React Flow never sees a new object and never re-mounts nodes. */
const NODE_TYPES = { pipeline: PipelineNodeView, note: NoteNodeView };
const NO_EDGES: PipelineFlowEdge[] = [];
export const PALETTE_MIME = 'application/x-loom-node';
/**
 * Up to this many nodes every node is rendered, in view or not: cheap at that size, and a node outside the
 * readable view that a fit leaves (see `readable-view.ts`) can still be found, by the browser and by tests.
 */
const RENDER_ALL_MAX_NODES = 150;

/**
 * The pipeline canvas: React Flow over state derived from the document, never stored on its own.
 *
 * Built to stay fluid with thousands of nodes: React Flow knows every node's size and handles without
 * rendering it (`NodeGeometry`) and, past {@link RENDER_ALL_MAX_NODES} nodes, renders only those in view; far out, an overview layer paints
 * the whole pipeline on one canvas instead (`overview-mode.ts`); the minimap is a canvas too.
 */
export function PipelineCanvas() {
  const store = useEditorStore();
  const flow = useReactFlow<CanvasFlowNode, PipelineFlowEdge>();
  const flowStore = useStoreApi<CanvasFlowNode, PipelineFlowEdge>();
  const catalog = useEditor((state) => state.catalog.catalog);
  const index = useMemo(() => indexCatalog(catalog), [catalog]);
  const geometry = useMemo(() => new NodeGeometry(), []);
  const nodeCache = useMemo(() => new FlowNodeCache(index, geometry), [index, geometry]);
  const edgeCache = useMemo(() => new FlowEdgeCache(index), [index]);
  const { dragging, onNodesChange, onEdgesChange } = useFlowChanges(geometry);
  const { isValidConnection, onConnect, onConnectEnd } = useConnectHandlers();
  useFitViewCountsHiddenNodes();

  const {
    document,
    selectedNodes,
    selectedEdges,
    nodeProblems,
    edgeProblems,
    steps,
    refusal,
    focusRequest,
    drawerStep,
  } = useEditor(
    useShallow((state) => ({
      document: state.document,
      selectedNodes: state.selectedNodes,
      selectedEdges: state.selectedEdges,
      nodeProblems: state.problems.byNode,
      edgeProblems: state.problems.byEdge,
      steps: state.runView?.steps,
      refusal: state.connectionRefusal,
      focusRequest: state.focusRequest,
      drawerStep: state.drawerStep,
    })),
  );
  // What the next render will pass to React Flow, for `applyLevel` to hand over before that render.
  const latest = useRef({ document, selectedNodes, selectedEdges, edgeProblems, dragging });
  latest.current = { document, selectedNodes, selectedEdges, edgeProblems, dragging };
  const applyLevel = useCallback(
    (next: ZoomLevel) => {
      const now = latest.current;
      const hidden = next === 'overview';
      const flowState = flowStore.getState();
      flowState.setNodes(nodeCache.nodes(now.document, now.selectedNodes, now.dragging, hidden));
      flowState.setEdges(hidden ? NO_EDGES : edgeCache.edges(now.document, now.selectedEdges, now.edgeProblems));
    },
    [flowStore, nodeCache, edgeCache],
  );
  const level = useZoomLevel(document.nodes.length, applyLevel);
  const overview = level === 'overview';

  const nodes = useMemo(
    () => nodeCache.nodes(document, selectedNodes, dragging, overview),
    [nodeCache, document, selectedNodes, dragging, overview],
  );
  const edges = useMemo(
    () => (overview ? NO_EDGES : edgeCache.edges(document, selectedEdges, edgeProblems)),
    [edgeCache, document, selectedEdges, edgeProblems, overview],
  );
  const scene = useMemo(
    () =>
      buildOverviewScene({
        document,
        index,
        geometry,
        selectedNodes,
        selectedEdges,
        nodeProblems,
        edgeProblems,
        statuses: steps,
      }),
    [document, index, geometry, selectedNodes, selectedEdges, nodeProblems, edgeProblems, steps],
  );
  const { onPaneClick, onSelectionEnd } = useOverviewSelection(scene, document, overview);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const key = event.dataTransfer.getData(PALETTE_MIME);
      if (key === '') return;
      event.preventDefault();
      const [type, version] = key.split('@') as [string, string];
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const state = store.getState();
      const id = state.addNode(type, version, { x: position.x - 90, y: position.y - 30 });
      state.select([id]);
    },
    [flow, store],
  );

  // The step drawer takes the canvas' lower part: the node whose step it shows stays above it.
  useKeepNodeInView(drawerStep);

  // A message about what was just done on the canvas ("Cannot connect") has been read once the user goes on.
  const onPointerDown = useCallback(() => store.getState().dismissCanvasToasts(), [store]);

  const onPointerMove = useCallback(
    (event: PointerEvent) => {
      store.getState().setPointer(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, store],
  );

  // Open on the whole pipeline. Not React Flow's `fitView` prop: on an empty canvas its fit stays
  // queued and fires when the first node is dropped, pulling the view away from where it was dropped.
  const section = useRef<HTMLElement>(null);
  usePinnedScroll(section);
  const openedFitted = useRef(false);
  useEffect(() => {
    if (openedFitted.current) return;
    openedFitted.current = true;
    if (store.getState().document.nodes.length > 0) void fitReadable(flow);
  }, [store, flow]);

  useEffect(() => {
    if (focusRequest === undefined) return;
    void flow.fitView({ nodes: [{ id: focusRequest.nodeId }], duration: 300, maxZoom: 1.2 });
  }, [focusRequest, flow]);

  return (
    <PortColorContext.Provider value={index.portColors}>
      <section
        ref={section}
        className={`canvas${level === 'detail' ? '' : ' lod-low'}`}
        aria-label="Pipeline canvas"
        data-zoom-level={level}
        onDragOver={onDragOver}
        onDrop={onDrop}
        onPointerDownCapture={onPointerDown}
        onPointerMove={onPointerMove}
      >
        <ReactFlow<CanvasFlowNode, PipelineFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onPaneClick={onPaneClick}
          onSelectionEnd={onSelectionEnd}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Meta', 'Control']}
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements={document.nodes.length > RENDER_ALL_MAX_NODES}
          proOptions={{ hideAttribution: true }}
        >
          <CanvasGrid />
          <OverviewLayer scene={scene} />
          <CanvasMiniMap scene={scene} />
          <CanvasControls />
        </ReactFlow>
        {refusal !== undefined && (
          <div className="connection-refusal" role="alert" data-testid="connection-refusal">
            {refusal}
          </div>
        )}
      </section>
    </PortColorContext.Provider>
  );
}
