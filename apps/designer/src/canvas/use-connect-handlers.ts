import type { Connection, FinalConnectionState } from '@xyflow/react';
import { useCallback } from 'react';
import { useEditorStore } from '../store/editor-context.tsx';
import { checkCanvasConnection } from './connection-check.ts';
import type { PipelineFlowEdge } from './flow-elements.ts';

/** How long the reason for a refused connection stays beside the canvas after the attempt ends. */
const REFUSAL_MS = 2500;

/**
 * Drawing edges: the compiler's connection rule decides, while dragging (React Flow marks the handle
 * under the pointer valid or not, and the reason shows beside the canvas) and again on drop.
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
      setTimeout(() => store.getState().setConnectionRefusal(undefined), REFUSAL_MS);
    },
    [store],
  );

  return { isValidConnection, onConnect, onConnectEnd };
}
