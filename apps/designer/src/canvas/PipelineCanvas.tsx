import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  type Viewport,
} from '@xyflow/react';
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { XY } from '../store/document-slice.ts';
import { useEditor, useEditorStore } from '../store/editor-context.tsx';
import { checkCanvasConnection } from './connection-check.ts';
import { FlowEdgeCache, FlowNodeCache, indexCatalog, type PipelineFlowEdge, type PipelineFlowNode } from './flow-elements.ts';
import { PipelineNodeView } from './PipelineNodeView.tsx';
import { PortColorContext } from './port-colors.tsx';

/** Module scope, so React Flow never sees a new object and never re-mounts nodes. */
const NODE_TYPES = { pipeline: PipelineNodeView };
const NO_DRAG: ReadonlyMap<string, XY> = new Map();
/** Below this zoom, nodes drop their port labels and details (a CSS class, no re-render). */
const DETAIL_ZOOM = 0.45;
export const PALETTE_MIME = 'application/x-loom-node';

/** The pipeline canvas: React Flow over state derived from the document, never stored on its own. */
export function PipelineCanvas() {
  const store = useEditorStore();
  const flow = useReactFlow<PipelineFlowNode, PipelineFlowEdge>();
  const catalog = useEditor((state) => state.catalog.catalog);
  const index = useMemo(() => indexCatalog(catalog), [catalog]);
  const nodeCache = useMemo(() => new FlowNodeCache(index), [index]);
  const edgeCache = useMemo(() => new FlowEdgeCache(index), [index]);
  const [dragging, setDragging] = useState<ReadonlyMap<string, XY>>(NO_DRAG);
  const wrapper = useRef<HTMLDivElement>(null);

  const { document, selectedNodes, selectedEdges, edgeProblems, refusal, focusRequest } = useEditor(
    useShallow((state) => ({
      document: state.document,
      selectedNodes: state.selectedNodes,
      selectedEdges: state.selectedEdges,
      edgeProblems: state.problems.byEdge,
      refusal: state.connectionRefusal,
      focusRequest: state.focusRequest,
    })),
  );

  const outputType = useCallback(
    (nodeId: string, port: string) => {
      const node = store.getState().document.nodes.find((n) => n.id === nodeId);
      const entry = node === undefined ? undefined : index.entries.get(`${node.type}@${node.version}`);
      return entry?.outputs.find((output) => output.name === port)?.type;
    },
    [store, index],
  );

  const nodes = useMemo(() => nodeCache.nodes(document, selectedNodes, dragging), [nodeCache, document, selectedNodes, dragging]);
  const edges = useMemo(
    () => edgeCache.edges(document, selectedEdges, edgeProblems, outputType),
    [edgeCache, document, selectedEdges, edgeProblems, outputType],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<PipelineFlowNode>[]) => {
      const selection: Array<{ kind: 'node'; id: string; selected: boolean }> = [];
      const moving = new Map<string, XY>();
      const finished: Array<{ id: string; position: XY }> = [];
      for (const change of changes) {
        if (change.type === 'select') selection.push({ kind: 'node', id: change.id, selected: change.selected });
        else if (change.type === 'position' && change.position !== undefined) {
          if (change.dragging) moving.set(change.id, change.position);
          else finished.push({ id: change.id, position: change.position });
        } else if (change.type === 'position' && change.dragging === false) {
          // The end of a drag carries no position: commit the last one seen.
          const last = dragRef.current.get(change.id);
          if (last !== undefined) finished.push({ id: change.id, position: last });
        }
      }
      if (selection.length > 0) store.getState().changeSelection(selection);
      if (moving.size > 0) {
        setDragging((current) => {
          const next = new Map(current);
          for (const [id, position] of moving) next.set(id, position);
          dragRef.current = next;
          return next;
        });
      }
      if (finished.length > 0) {
        store.getState().moveNodes(finished);
        setDragging((current) => {
          const next = new Map(current);
          for (const { id } of finished) next.delete(id);
          dragRef.current = next;
          return next.size === 0 ? NO_DRAG : next;
        });
      }
    },
    [store],
  );
  const dragRef = useRef<ReadonlyMap<string, XY>>(NO_DRAG);

  const onEdgesChange = useCallback(
    (changes: EdgeChange<PipelineFlowEdge>[]) => {
      const selection = changes.flatMap((change) =>
        change.type === 'select' ? [{ kind: 'edge' as const, id: change.id, selected: change.selected }] : [],
      );
      if (selection.length > 0) store.getState().changeSelection(selection);
    },
    [store],
  );

  const isValidConnection = useCallback(
    (connection: Connection | PipelineFlowEdge) => {
      const check = checkCanvasConnection(store.getState(), connection);
      store.getState().setConnectionRefusal(check.ok ? undefined : check.reason);
      return check.ok;
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const state = store.getState();
      const check = checkCanvasConnection(state, connection);
      if (!check.ok) {
        state.toast('error', `Cannot connect: ${check.reason}`);
        return;
      }
      state.addEdge({
        from: { node: connection.source, port: connection.sourceHandle ?? '' },
        to: { node: connection.target, port: connection.targetHandle ?? '' },
      });
      state.setConnectionRefusal(undefined);
    },
    [store],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, connection: FinalConnectionState) => {
      const state = store.getState();
      if (connection.toHandle !== null && connection.isValid === false && state.connectionRefusal !== undefined) {
        state.toast('error', `Cannot connect: ${state.connectionRefusal}`);
      }
      setTimeout(() => store.getState().setConnectionRefusal(undefined), 2500);
    },
    [store],
  );

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

  const onPointerMove = useCallback(
    (event: React.PointerEvent) => {
      store.getState().setPointer(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, store],
  );

  const onViewportChange = useCallback((viewport: Viewport) => {
    wrapper.current?.classList.toggle('lod-low', viewport.zoom < DETAIL_ZOOM);
  }, []);

  useEffect(() => {
    if (focusRequest === undefined) return;
    void flow.fitView({ nodes: [{ id: focusRequest.nodeId }], duration: 300, maxZoom: 1.2 });
  }, [focusRequest, flow]);

  return (
    <PortColorContext.Provider value={index.portColors}>
      <div className="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} onPointerMove={onPointerMove}>
        <ReactFlow<PipelineFlowNode, PipelineFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onViewportChange={onViewportChange}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Meta', 'Control']}
          fitView
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <MiniMap pannable zoomable nodeStrokeWidth={2} nodeColor={miniMapColor} />
          <Controls showInteractive={false} />
        </ReactFlow>
        {refusal !== undefined && (
          <div className="connection-refusal" role="alert" data-testid="connection-refusal">
            {refusal}
          </div>
        )}
      </div>
    </PortColorContext.Provider>
  );
}

function miniMapColor(node: PipelineFlowNode): string {
  switch (node.data.entry?.category) {
    case 'data':
      return '#0ea5e9';
    case 'transform':
      return '#8b5cf6';
    case 'train':
      return '#f59e0b';
    case 'export':
      return '#10b981';
    case 'validate':
      return '#ef4444';
    default:
      return '#94a3b8';
  }
}
