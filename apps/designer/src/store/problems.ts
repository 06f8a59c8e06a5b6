import { compile, inputFileReferences, missingInputFile } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeCatalog, NodeRegistry } from '@loom/sdk';
import { type KnownColumns, unknownColumnProblems } from '../columns/column-resolution.ts';
import type { ProblemsState } from './editor-types.ts';
import type { InputFileStatus } from './input-files-slice.ts';

export const NO_PROBLEMS: ProblemsState = {
  diagnostics: [],
  byNode: new Map(),
  byEdge: new Map(),
  plan: undefined,
  document: undefined,
  registry: undefined,
  inputFiles: undefined,
  fileFixes: new Map(),
};

/**
 * Runs the compiler (the very one the server runs) over the document, against the catalog's registry.
 * Pipeline parameters without a value are allowed: they get one when the run starts. Input files the
 * server said it cannot find are problems too, worded as the server words them; given the catalog and
 * the columns known of tables, column parameters naming a column those tables lack are warned of too.
 */
export function findProblems(
  document: PipelineDocument,
  registry: NodeRegistry,
  facts: {
    inputFiles?: ReadonlyMap<string, InputFileStatus>;
    columns?: { catalog: NodeCatalog; known: KnownColumns };
  } = {},
): ProblemsState {
  const { inputFiles = new Map<string, InputFileStatus>(), columns } = facts;
  const result = compile(document, registry, { allowUnsetParameters: true });
  const diagnostics = [...result.diagnostics];
  if (columns !== undefined) diagnostics.push(...unknownColumnProblems(document, columns.catalog, columns.known));
  const fileFixes = new Map<Diagnostic, { nodeId: string; param: string; suggestions: readonly string[] }>();
  for (const reference of inputFileReferences(document, registry)) {
    const status = inputFiles.get(reference.path);
    if (status === undefined || status.found) continue;
    const diagnostic = missingInputFile(reference, status);
    diagnostics.push(diagnostic);
    fileFixes.set(diagnostic, { nodeId: reference.nodeId, param: reference.param, suggestions: status.suggestions });
  }
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
    // A missing file does not stop the plan: its cache keys still say what would re-run.
    plan: result.ok ? result.plan : undefined,
    document,
    registry,
    inputFiles,
    fileFixes,
    knownColumns: columns?.known,
  };
}

function push(map: Map<string, Diagnostic[]>, key: string, diagnostic: Diagnostic): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [diagnostic]);
  else list.push(diagnostic);
}
