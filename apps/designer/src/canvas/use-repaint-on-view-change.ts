import { useStoreApi } from '@xyflow/react';
import { useEffect, useLayoutEffect } from 'react';
import { sameTransform } from './overview-draw.ts';
import type { OverviewScene } from './overview-scene.ts';

/**
 * Runs `paint` for a canvas drawn from the overview scene (the overview layer, the minimap): before the
 * browser paints when the scene or `paint` changes, and in the same task as every change of React
 * Flow's viewport or size, so the drawing never lags the rest of the canvas by a frame. `paint` reads
 * the viewport from React Flow's store itself; `scene` is only what triggers a repaint.
 *
 * @example useRepaintOnViewChange(scene, paint); // paint = useCallback(() => { … }, [flowStore])
 */
export function useRepaintOnViewChange(scene: OverviewScene, paint: () => void): void {
  const flowStore = useStoreApi();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `paint` reads the scene through a ref; a new one repaints
  useLayoutEffect(paint, [scene, paint]);
  useEffect(
    () =>
      flowStore.subscribe((state, previous) => {
        if (
          !sameTransform(state.transform, previous.transform) ||
          state.width !== previous.width ||
          state.height !== previous.height
        )
          paint();
      }),
    [flowStore, paint],
  );
}
