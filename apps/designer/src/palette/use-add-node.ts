import type { CatalogNode } from '@loom/sdk';
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { viewCentre } from '../canvas/view-centre.ts';
import { useEditorStore } from '../store/editor-context.tsx';

/**
 * Adds a node where the user will see it: at the pointer when it is on the canvas, otherwise in the
 * middle of the view, nudged so that repeated adds do not stack exactly.
 */
export function useAddNodeAtView(): (entry: CatalogNode) => void {
  const store = useEditorStore();
  const flow = useReactFlow();
  return useCallback(
    (entry: CatalogNode) => {
      const state = store.getState();
      const center = viewCentre(flow);
      const nudge = (state.document.nodes.length % 5) * 24;
      const id = state.addNode(entry.type, entry.version, { x: center.x - 90 + nudge, y: center.y - 40 + nudge });
      state.select([id]);
    },
    [store, flow],
  );
}
