/**
 * A problem found in a pipeline document, by validation or by the compiler.
 *
 * `code` is stable (tools and tests match on it); `message` is for people. At least one of
 * `nodeId`, `edgeId` or `path` says where the problem is; `path` is a JSON Pointer into the document.
 *
 * @example
 * { code: 'edge.incompatible-types', message: 'edge e3 connects …', edgeId: 'e3', path: '/edges/2' }
 */
export interface Diagnostic {
  code: string;
  message: string;
  severity: 'error' | 'warning';
  nodeId?: string;
  edgeId?: string;
  path?: string;
}

/** Builds an error diagnostic, leaving out location fields that are not given. */
export function error(
  code: string,
  message: string,
  where: { nodeId?: string | undefined; edgeId?: string | undefined; path?: string | undefined } = {},
): Diagnostic {
  const diagnostic: Diagnostic = { code, message, severity: 'error' };
  if (where.nodeId !== undefined) diagnostic.nodeId = where.nodeId;
  if (where.edgeId !== undefined) diagnostic.edgeId = where.edgeId;
  if (where.path !== undefined) diagnostic.path = where.path;
  return diagnostic;
}

/** Escapes one JSON Pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a JSON Pointer, e.g. `pointer('nodes', 2, 'params')` → `/nodes/2/params`. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${pointerSegment(s)}`).join('');
}

/** One line per diagnostic, location first: `nodes/2 (node "split"): message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where: string[] = [];
  if (d.nodeId !== undefined) where.push(`node "${d.nodeId}"`);
  if (d.edgeId !== undefined) where.push(`edge "${d.edgeId}"`);
  if (d.path !== undefined && d.path !== '') where.push(`at ${d.path}`);
  return `${where.length > 0 ? `${where.join(', ')}: ` : ''}${d.message} [${d.code}]`;
}
