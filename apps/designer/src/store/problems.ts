import { compile } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeCatalog, NodeRegistry } from '@loom/sdk';
import { type KnownColumns, unknownColumnProblems } from '../columns/column-resolution.ts';
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
 * Pipeline parameters without a value are allowed: they get one when the run starts. Given the catalog
 * and the columns known of tables, column parameters naming a column those tables lack are warned of too.
 */
export function findProblems(
  document: PipelineDocument,
  registry: NodeRegistry,
  columns?: { catalog: NodeCatalog; known: KnownColumns },
): ProblemsState {
  const result = compile(document, registry, { allowUnsetParameters: true });
  const diagnostics =
    columns === undefined
      ? result.diagnostics
      : [...result.diagnostics, ...unknownColumnProblems(document, columns.catalog, columns.known)];
  const byNode = new Map<string, Diagnostic[]>();
  const byEdge = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.nodeId !== undefined) push(byNode, diagnostic.nodeId, diagnostic);
    if (diagnostic.edgeId !== undefined) push(byEdge, diagnostic.edgeId, diagnostic);
  }
  return {
    diagnostics,
    byNode,
    byEdge,
    plan: result.ok ? result.plan : undefined,
    document,
    registry,
    knownColumns: columns?.known,
  };
}

function push(map: Map<string, Diagnostic[]>, key: string, diagnostic: Diagnostic): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [diagnostic]);
  else list.push(diagnostic);
}
