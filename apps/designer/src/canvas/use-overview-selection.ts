import type { PipelineDocument } from '@loom/graph';
import { useReactFlow, useStoreApi, type XYPosition } from '@xyflow/react';
import { type MouseEvent, useCallback, useEffect, useRef } from 'react';
import { edgeKey } from '../store/document-slice.ts';
import { useEditorStore } from '../store/editor-context.tsx';
import { nodeAt, nodesInside, type OverviewScene } from './overview-scene.ts';

/**
 * Clicking and box-selecting in overview mode, where React Flow has no node to hit (they are all
 * hidden from it): the pane's click and the end of a box selection are hit-tested against the scene.
 * Outside overview mode both handlers do nothing and React Flow selects as usual.
 */
export function useOverviewSelection(scene: OverviewScene, document: PipelineDocument, active: boolean) {
  const store = useEditorStore();
  const flowStore = useStoreApi();
  const flow = useReactFlow();
  const latest = useRef({ scene, document, active });
  latest.current = { scene, document, active };
  const selectionStart = useRef<XYPosition | undefined>(undefined);

  // React Flow clears its selection rectangle before it reports the end of a selection: remember where
  // the rectangle started (in flow coordinates, so an auto-pan during the selection does not move it).
  useEffect(
    () =>
      flowStore.subscribe((state) => {
        const rect = state.userSelectionRect;
        if (rect !== null) selectionStart.current = { x: rect.startX, y: rect.startY };
      }),
    [flowStore],
  );

  const onPaneClick = useCallback(
    (event: MouseEvent) => {
      if (!latest.current.active) return;
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const id = nodeAt(latest.current.scene, point.x, point.y);
      if (id === undefined) return;
      const before = store.getState().selectedNodes;
      const additive = event.metaKey || event.ctrlKey || event.shiftKey;
      const next = !additive ? [id] : before.has(id) ? [...before].filter((n) => n !== id) : [...before, id];
      // React Flow clears the selection right after this handler returns: select once it has.
      queueMicrotask(() => store.getState().select(next));
    },
    [flow, store],
  );

  const onSelectionEnd = useCallback(
    (event: MouseEvent) => {
      const start = selectionStart.current;
      if (!latest.current.active || start === undefined) return;
      const end = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const rect = {
        x: Math.min(start.x, end.x),
        y: Math.min(start.y, end.y),
        width: Math.abs(end.x - start.x),
        height: Math.abs(end.y - start.y),
      };
      const nodes = new Set(nodesInside(latest.current.scene, rect));
      // As React Flow does: the edges of the selected nodes are selected with them.
      const edges = latest.current.document.edges
        .filter((edge) => nodes.has(edge.from.node) || nodes.has(edge.to.node))
        .map(edgeKey);
      store.getState().select(nodes, edges);
    },
    [flow, store],
  );

  return { onPaneClick, onSelectionEnd };
}
