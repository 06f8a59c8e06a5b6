import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect } from 'react';
import { REVEAL_INSETS, revealRect } from './readable-view.ts';

/**
 * Keeps one node in view while the canvas changes size: when the step drawer opens (or is resized, or the
 * window shrinks) the canvas loses its lower part, and the node whose step the drawer shows would otherwise
 * end up under it. Pans by as little as that takes, at the current zoom; a node already in view stays put.
 */
export function useKeepNodeInView(nodeId: string | undefined): void {
  const flow = useReactFlow();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  useEffect(() => {
    if (nodeId === undefined || width === 0 || height === 0) return;
    const node = flow.getInternalNode(nodeId);
    if (node === undefined) return;
    const rect = {
      ...node.internals.positionAbsolute,
      width: node.measured.width ?? node.width ?? 0,
      height: node.measured.height ?? node.height ?? 0,
    };
    const moved = revealRect(rect, flow.getViewport(), { width, height }, REVEAL_INSETS);
    if (moved !== undefined) void flow.setViewport(moved, { duration: 200 });
  }, [nodeId, width, height, flow]);
}
