import { useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useEditor } from '../store/editor-context.tsx';

/**
 * Fits a freshly loaded document into view. It waits until React Flow has measured the new nodes:
 * fitting before that would frame nodes of zero size.
 */
export function FitOnLoad() {
  const request = useEditor((state) => state.fitRequest);
  const measured = useNodesInitialized();
  const flow = useReactFlow();
  const done = useRef<object | undefined>(undefined);
  useEffect(() => {
    if (request === undefined || done.current === request || !measured) return;
    done.current = request;
    void flow.fitView({ padding: 0.15, maxZoom: 1.1, duration: 200 });
  }, [request, measured, flow]);
  return null;
}
