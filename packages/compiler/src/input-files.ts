import { type Diagnostic, error, isParameterReference, type PipelineDocument, pointer } from '@loom/graph';
import { isInputFileSchema, type NodeRegistry } from '@loom/sdk';

/** A file a node will read when it starts, as the document names it. */
export interface InputFileReference {
  nodeId: string;
  /** The parameter naming it, e.g. `path`. */
  param: string;
  /** The path as written: in the node, or as the default of the pipeline parameter it refers to. */
  path: string;
  /** JSON Pointer to the node's parameter. */
  pointer: string;
}

/** Whether a path is downloaded rather than read from disk: nothing to look for before the run. */
export function isDownloadUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/**
 * Every local file the document's nodes read (their {@link isInputFileSchema} parameters), so a caller
 * that sees the file system can say which are missing before anything runs. A parameter bound to a
 * pipeline parameter counts with the run's value for it (`parameters`), else its default; URLs are left out.
 */
export function inputFileReferences(
  document: PipelineDocument,
  registry: NodeRegistry,
  parameters: Readonly<Record<string, unknown>> = {},
): InputFileReference[] {
  const references: InputFileReference[] = [];
  document.nodes.forEach((node, index) => {
    const properties = registry.get(node.type, node.version)?.definition.params.properties ?? {};
    for (const [param, schema] of Object.entries(properties)) {
      if (!isInputFileSchema(schema)) continue;
      const path = pathValue(document, parameters, node.params?.[param]);
      if (path === undefined || path === '' || isDownloadUrl(path)) continue;
      references.push({ nodeId: node.id, param, path, pointer: pointer('nodes', index, 'params', param) });
    }
  });
  return references;
}

function pathValue(
  document: PipelineDocument,
  parameters: Readonly<Record<string, unknown>>,
  value: unknown,
): string | undefined {
  if (typeof value === 'string') return value;
  if (!isParameterReference(value)) return undefined;
  const fallback = parameters[value.$param] ?? document.parameters?.[value.$param]?.default;
  return typeof fallback === 'string' ? fallback : undefined;
}

/**
 * The problem for a file that is in none of the places the run would look, naming those places and
 * the files of that name that do exist, written as the parameter would need them.
 */
export function missingInputFile(
  reference: InputFileReference,
  where: { looked: readonly string[]; suggestions: readonly string[] },
): Diagnostic {
  const looked = where.looked.join(', ');
  const hint =
    where.suggestions.length === 0
      ? ''
      : `; did you mean ${where.suggestions.map((suggestion) => `"${suggestion}"`).join(' or ')}?`;
  return error(
    'data.file-missing',
    `${reference.param} "${reference.path}" of node "${reference.nodeId}" names no file: looked for ${looked}${hint}`,
    { nodeId: reference.nodeId, path: reference.pointer },
  );
}
