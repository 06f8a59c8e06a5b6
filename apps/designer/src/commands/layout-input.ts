import type { ReactFlowInstance } from '@xyflow/react';
import type { LayoutInput } from '../layout/auto-layout.ts';
import type { EditorState } from '../store/editor-types.ts';

const FALLBACK = { width: 200, height: 90 };

/** The document as the layout engine needs it, with each node's measured size on the canvas. */
export function layoutInput(state: EditorState, flow: ReactFlowInstance): LayoutInput {
  const entries = new Map(state.catalog.catalog.nodes.map((entry) => [`${entry.type}@${entry.version}`, entry]));
  return {
    nodes: state.document.nodes.map((node) => {
      const measured = flow.getInternalNode(node.id)?.measured;
      const entry = entries.get(`${node.type}@${node.version}`);
      return {
        id: node.id,
        width: measured?.width ?? FALLBACK.width,
        height: measured?.height ?? FALLBACK.height,
        inputs: entry?.inputs.map((port) => port.name) ?? [],
        outputs: entry?.outputs.map((port) => port.name) ?? [],
      };
    }),
    edges: state.document.edges.map((edge) => ({ from: edge.from, to: edge.to })),
  };
}
