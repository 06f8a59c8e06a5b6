import { useStoreApi } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';

/**
 * How much of a node the canvas shows:
 * - `detail`: everything, as DOM nodes;
 * - `compact`: below {@link DETAIL_ZOOM} the text is too small to read, so it is hidden (CSS only);
 * - `overview`: below {@link DETAIL_ZOOM}, in a pipeline of {@link OVERVIEW_MIN_NODES} nodes or more,
 *   React Flow renders no node and no edge and the overview layer paints them all on one canvas.
 *   Clicking and box-selecting still select nodes there; dragging and connecting need a closer zoom.
 */
export type ZoomLevel = 'detail' | 'compact' | 'overview';

/**
 * Below this zoom a node's title is under 6 px high. A big pipeline switches to the overview there
 * rather than lower: the lower the switch, the more nodes are in view when it happens, and all of them
 * are mounted at once on the way in (about 200 at 0.45 on a full-HD canvas, twice as many at 0.3).
 */
export const DETAIL_ZOOM = 0.45;
/** Smaller pipelines stay DOM nodes at every zoom: fully interactive, and cheap enough at that size. */
export const OVERVIEW_MIN_NODES = 500;

export function zoomLevel(zoom: number, nodeCount: number): ZoomLevel {
  return levelOf(zoom < DETAIL_ZOOM, nodeCount);
}

function levelOf(far: boolean, nodeCount: number): ZoomLevel {
  if (!far) return 'detail';
  return nodeCount >= OVERVIEW_MIN_NODES ? 'overview' : 'compact';
}

/**
 * The zoom level of the surrounding React Flow canvas; re-renders only when the zoom crosses
 * {@link DETAIL_ZOOM}.
 *
 * `beforeChange` runs synchronously inside the viewport change that changes the level, before React
 * renders it: React Flow renders the nodes in view of the new zoom straight from its store, so the
 * nodes must be hidden (or shown) there first. Were they left to the next render of the canvas, a zoom
 * out to the whole pipeline would first mount every node of it, then unmount them all.
 */
export function useZoomLevel(nodeCount: number, beforeChange: (level: ZoomLevel) => void): ZoomLevel {
  const flowStore = useStoreApi();
  const [far, setFar] = useState(() => flowStore.getState().transform[2] < DETAIL_ZOOM);
  const latest = useRef({ nodeCount, beforeChange });
  latest.current = { nodeCount, beforeChange };

  useEffect(
    () =>
      flowStore.subscribe((state, previous) => {
        const next = state.transform[2] < DETAIL_ZOOM;
        if (next === previous.transform[2] < DETAIL_ZOOM) return;
        const { nodeCount: count, beforeChange: notify } = latest.current;
        if (levelOf(next, count) !== levelOf(!next, count)) notify(levelOf(next, count));
        setFar(next);
      }),
    [flowStore],
  );
  return levelOf(far, nodeCount);
}

/**
 * In overview mode every node is `hidden` from React Flow, and React Flow's `fitView` skips hidden
 * nodes unless asked not to. The designer's commands and the controls call `fitView` without options
 * of ours, so every queued fit is made to count hidden nodes (Loom hides nodes for no other reason).
 */
export function useFitViewCountsHiddenNodes(): void {
  const flowStore = useStoreApi();
  useEffect(
    () =>
      flowStore.subscribe((state) => {
        if (state.fitViewQueued && state.fitViewOptions?.includeHiddenNodes !== true)
          flowStore.setState({ fitViewOptions: { ...state.fitViewOptions, includeHiddenNodes: true } });
      }),
    [flowStore],
  );
}
