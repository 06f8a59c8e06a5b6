import { compile } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeRegistry } from '@loom/sdk';
import type { ProblemsState } from './editor-types.ts';

export const NO_PROBLEMS: ProblemsState = {
  diagnostics: [],
  byNode: new Map(),
  byEdge: new Map(),
  plan: undefined,
  document: undefined,
  registry: undefined,
};

/**
 * Runs the compiler (the very one the server runs) over the document, against the catalog's registry.
 * Pipeline parameters without a value are allowed: they get one when the run starts.
 */
export function findProblems(document: PipelineDocument, registry: NodeRegistry): ProblemsState {
  const result = compile(document, registry, { allowUnsetParameters: true });
  const byNode = new Map<string, Diagnostic[]>();
  const byEdge = new Map<string, Diagnostic[]>();
  for (const diagnostic of result.diagnostics) {
    if (diagnostic.nodeId !== undefined) push(byNode, diagnostic.nodeId, diagnostic);
    if (diagnostic.edgeId !== undefined) push(byEdge, diagnostic.edgeId, diagnostic);
  }
  return {
    diagnostics: result.diagnostics,
    byNode,
    byEdge,
    plan: result.ok ? result.plan : undefined,
    document,
    registry,
  };
}

function push(map: Map<string, Diagnostic[]>, key: string, diagnostic: Diagnostic): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [diagnostic]);
  else list.push(diagnostic);
}
