import type { Connection, FinalConnectionState } from '@xyflow/react';
import { useCallback } from 'react';
import { useEditorStore } from '../store/editor-context.tsx';
import { CANVAS_TOAST_MS, type ToastOptions } from '../store/ui-slice.ts';
import { checkCanvasConnection } from './connection-check.ts';
import type { PipelineFlowEdge } from './flow-elements.ts';

/**
 * A refused drop says why once more, briefly, and not after the user has moved on: the reason is still on
 * screen while they look for the right port, never over the Problems list for seconds.
 */
const REFUSED: ToastOptions = { durationMs: CANVAS_TOAST_MS, untilCanvasInteraction: true };

/**
 * Drawing edges: the compiler's connection rule decides, while dragging (React Flow marks the handle
 * under the pointer valid or not, and the reason shows beside the canvas until the pointer is released)
 * and again on drop.
 */
export function useConnectHandlers() {
  const store = useEditorStore();

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
        state.toast('error', `Cannot connect: ${check.reason}`, REFUSED);
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
        state.toast('error', `Cannot connect: ${state.connectionRefusal}`, REFUSED);
      }
      // The banner belongs to the drag: it goes with the pointer's release (the toast carries the reason on).
      state.setConnectionRefusal(undefined);
    },
    [store],
  );

  return { isValidConnection, onConnect, onConnectEnd };
}
