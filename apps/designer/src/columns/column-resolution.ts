import { type Diagnostic, isParameterReference, type PipelineDocument, pointer } from '@loom/graph';
import { type CatalogNode, type ColumnReference, columnReferenceOf, type NodeCatalog } from '@loom/sdk';

/**
 * What the designer has learnt of tables' columns: from the shown run's outputs (by node and port) and
 * from previews of the files that data nodes read (by the `path` they name).
 */
export interface KnownColumns {
  /** Keyed by {@link outputKey}. */
  outputs: ReadonlyMap<string, readonly string[]>;
  /** Keyed by a data node's `path` parameter, as written. */
  files: ReadonlyMap<string, readonly string[]>;
}

export const NO_KNOWN_COLUMNS: KnownColumns = { outputs: new Map(), files: new Map() };

/** Columns reaching an input, and where the designer learnt them: a run's output or a file preview. */
export interface ResolvedColumns {
  columns: readonly string[];
  /** `run` when a run produced the table; `file` when read from the source file's preview. */
  source: 'run' | 'file';
  /** The node whose output (or file) the columns were read from. */
  nodeId: string;
}

/** The key of a node's output port in {@link KnownColumns.outputs}; `:` is in neither node ids nor port names. */
export function outputKey(nodeId: string, port: string): string {
  return `${nodeId}:${port}`;
}

/** A node's parameters that name columns, with the input whose table they name them of. */
export function columnParamsOf(entry: CatalogNode): Array<ColumnReference & { name: string }> {
  const properties = (entry.params as { properties?: Record<string, unknown> }).properties ?? {};
  const found: Array<ColumnReference & { name: string }> = [];
  for (const [name, schema] of Object.entries(properties)) {
    const reference = columnReferenceOf(schema);
    if (reference !== undefined) found.push({ name, ...reference });
  }
  return found;
}

/**
 * A node that reads a file into a table: a data node without inputs, whose `path` parameter is
 * literal text. Its file's preview gives its output's columns before any run.
 */
export function sourceFilePath(
  document: PipelineDocument,
  entry: CatalogNode | undefined,
  nodeId: string,
): string | undefined {
  if (entry === undefined || entry.category !== 'data' || entry.inputs.length > 0) return undefined;
  const path = document.nodes.find((node) => node.id === nodeId)?.params?.path;
  return typeof path === 'string' && path !== '' ? path : undefined;
}

function entryOf(catalog: NodeCatalog, document: PipelineDocument, nodeId: string): CatalogNode | undefined {
  const node = document.nodes.find((candidate) => candidate.id === nodeId);
  return node === undefined
    ? undefined
    : catalog.nodes.find((entry) => entry.type === node.type && entry.version === node.version);
}

/**
 * The columns of a node's output: what the shown run wrote there; else, for a data node, its file's
 * preview; else, for an output that declares the columns of one of its inputs (a split, a rescale),
 * the columns reaching that input. Undefined when nothing is known.
 */
export function columnsOfOutput(
  document: PipelineDocument,
  catalog: NodeCatalog,
  known: KnownColumns,
  nodeId: string,
  port: string,
  visiting: Set<string> = new Set(),
): ResolvedColumns | undefined {
  const fromRun = known.outputs.get(outputKey(nodeId, port));
  if (fromRun !== undefined) return { columns: fromRun, source: 'run', nodeId };
  const entry = entryOf(catalog, document, nodeId);
  const path = sourceFilePath(document, entry, nodeId);
  const fromFile = path === undefined ? undefined : known.files.get(path);
  if (fromFile !== undefined) return { columns: fromFile, source: 'file', nodeId };
  const from = entry?.outputs.find((output) => output.name === port)?.columns?.from;
  // A cycle is the compiler's to report; here it only must not loop.
  if (from === undefined || visiting.has(nodeId)) return undefined;
  visiting.add(nodeId);
  return columnsOfInput(document, catalog, known, nodeId, from, visiting);
}

/** The columns of the table reaching a node's input through its one edge; undefined when unknown or not one edge. */
export function columnsOfInput(
  document: PipelineDocument,
  catalog: NodeCatalog,
  known: KnownColumns,
  nodeId: string,
  input: string,
  visiting: Set<string> = new Set(),
): ResolvedColumns | undefined {
  const edges = document.edges.filter((edge) => edge.to.node === nodeId && edge.to.port === input);
  const [edge] = edges;
  if (edge === undefined || edges.length > 1) return undefined;
  return columnsOfOutput(document, catalog, known, edge.from.node, edge.from.port, visiting);
}

/** The edit distance between two names (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/**
 * Up to three columns whose names are close to `name` (a typo, another case), closest first.
 *
 * @example closestColumns('specis', ['sepal_length', 'species']) // ['species']
 */
export function closestColumns(name: string, columns: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return columns
    .map((column) => ({ column, score: distance(name, column) }))
    .filter(({ score }) => score <= limit)
    .sort((a, b) => a.score - b.score || a.column.localeCompare(b.column))
    .slice(0, 3)
    .map(({ column }) => column);
}

function describeSource(resolved: ResolvedColumns): string {
  return resolved.source === 'run'
    ? `the last run's output of "${resolved.nodeId}"`
    : `the file read by "${resolved.nodeId}"`;
}

/**
 * A warning for each column parameter that names a column the table reaching its input does not have,
 * as far as the designer knows that table; the message suggests the closest names. Values bound to a
 * pipeline parameter and empty names (a node's "use the default") are not checked.
 */
export function unknownColumnProblems(
  document: PipelineDocument,
  catalog: NodeCatalog,
  known: KnownColumns,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  document.nodes.forEach((node, index) => {
    const entry = catalog.nodes.find((candidate) => candidate.type === node.type && candidate.version === node.version);
    if (entry === undefined) return;
    for (const parameter of columnParamsOf(entry)) {
      const value = node.params?.[parameter.name];
      if (value === undefined || isParameterReference(value)) continue;
      const names = parameter.many ? (Array.isArray(value) ? value : []) : [value];
      const resolved =
        names.length === 0 ? undefined : columnsOfInput(document, catalog, known, node.id, parameter.input);
      if (resolved === undefined) continue;
      const have = new Set(resolved.columns);
      names.forEach((name, position) => {
        if (typeof name !== 'string' || name === '' || have.has(name)) return;
        const close = closestColumns(name, resolved.columns);
        const hint = close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}? ` : '';
        problems.push({
          code: 'param.unknown-column',
          severity: 'warning',
          nodeId: node.id,
          path: parameter.many
            ? pointer('nodes', index, 'params', parameter.name, position)
            : pointer('nodes', index, 'params', parameter.name),
          message: `${parameter.name}: no column "${name}" in the table reaching "${parameter.input}" (from ${describeSource(resolved)}); ${hint}its columns: ${resolved.columns.join(', ')}`,
        });
      });
    }
  });
  return problems;
}
