import { type EdgeChange, type NodeChange, useReactFlow } from '@xyflow/react';
import { useCallback, useRef, useState } from 'react';
import type { XY } from '../store/document-slice.ts';
import { useEditorStore } from '../store/editor-context.tsx';
import type { CanvasFlowNode, PipelineFlowEdge, PipelineNodeData } from './flow-elements.ts';
import type { NodeGeometry } from './node-geometry.ts';

const NO_DRAG: ReadonlyMap<string, XY> = new Map();

/**
 * Turns React Flow's change events into editor actions: selection goes to the store, a drag moves nodes
 * locally (no undo step per pointer move) and commits once when it ends, and what React Flow measured
 * of a node goes to {@link NodeGeometry}, so the node keeps its size and handles when rebuilt.
 */
export function useFlowChanges(geometry: NodeGeometry) {
  const store = useEditorStore();
  const flow = useReactFlow<CanvasFlowNode, PipelineFlowEdge>();
  const [dragging, setDragging] = useState<ReadonlyMap<string, XY>>(NO_DRAG);
  const dragRef = useRef<ReadonlyMap<string, XY>>(NO_DRAG);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasFlowNode>[]) => {
      const selection: Array<{ kind: 'node'; id: string; selected: boolean }> = [];
      const moving = new Map<string, XY>();
      const finished: Array<{ id: string; position: XY }> = [];
      for (const change of changes) {
        if (change.type === 'select') selection.push({ kind: 'node', id: change.id, selected: change.selected });
        else if (change.type === 'dimensions') {
          const node = flow.getInternalNode(change.id);
          if (node?.type === 'pipeline') geometry.learn(node, (node.data as PipelineNodeData).entry);
        } else if (change.type === 'position' && change.position !== undefined) {
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
    [store, flow, geometry],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<PipelineFlowEdge>[]) => {
      const selection = changes.flatMap((change) =>
        change.type === 'select' ? [{ kind: 'edge' as const, id: change.id, selected: change.selected }] : [],
      );
      if (selection.length > 0) store.getState().changeSelection(selection);
    },
    [store],
  );

  return { dragging, onNodesChange, onEdgesChange };
}
