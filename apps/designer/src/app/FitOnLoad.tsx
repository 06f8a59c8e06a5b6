import { useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { fitReadable } from '../canvas/fit-readable.ts';
import { useEditor, useEditorStore } from '../store/editor-context.tsx';

/**
 * Fits the document into view when asked (a document loaded, an auto-layout done), at a readable zoom: a
 * pipeline too large for that shows its start, or the selection. It waits until React Flow has measured the
 * new nodes: fitting before that would frame nodes of zero size.
 */
export function FitOnLoad() {
  const request = useEditor((state) => state.fitRequest);
  const store = useEditorStore();
  const measured = useNodesInitialized();
  const flow = useReactFlow();
  const done = useRef<object | undefined>(undefined);
  useEffect(() => {
    if (request === undefined || done.current === request || !measured) return;
    // Two frames on, React Flow's own store holds the nodes this render passed it: fitting sooner would
    // frame where they were (after an auto-layout, the old layout).
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        done.current = request;
        void fitReadable(flow, { focus: store.getState().selectedNodes, duration: 200 });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [request, measured, flow, store]);
  return null;
}
