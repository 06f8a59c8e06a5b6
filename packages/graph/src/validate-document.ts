import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { type Diagnostic, error, pointer, pointerSegment } from './diagnostic.ts';
import {
  edgeLabel,
  isParameterReference,
  type PipelineDocument,
  PipelineDocumentSchema,
  type PipelineNote,
  type PipelineParameter,
} from './document.ts';
import { parseJsonText } from './json-text.ts';
import { migrateDocument } from './migrate-document.ts';

const checkDocumentShape = TypeCompiler.Compile(PipelineDocumentSchema);

/** Past this many shape errors the rest are summarised: they are nearly always one mistake repeated. */
const MAX_SHAPE_DIAGNOSTICS = 50;

export type LoadResult =
  | {
      ok: true;
      document: PipelineDocument;
      migratedFrom?: number;
      /** Problems that do not stop compiling, with {@link LoadOptions.continuePastReferences} only. */
      diagnostics?: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

/** How {@link loadDocument} treats problems that a compiler can see past. */
export interface LoadOptions {
  /**
   * A reference to an undefined pipeline parameter does not make the document unusable: when it is the
   * only kind of structural problem, the result is `ok` and carries those diagnostics, so that the
   * compiler goes on and reports every other problem too (the reference's own value is not judged).
   * @default false
   */
  continuePastReferences?: boolean;
}

/**
 * Parses the text of a `*.loom.json` file: JSON syntax (with line and column), format version
 * (migrating older ones), shape against the JSON Schema, then the checks that need no node registry
 * (duplicate node, edge and note ids, dangling edges, parameter references). Reports every problem
 * found, not the first.
 */
export function parseDocument(text: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    return {
      ok: false,
      diagnostics: [error('document.invalid-json', `invalid JSON: ${parsed.message}`, { path: '' })],
    };
  }
  return loadDocument(parsed.value, options);
}

/** As {@link parseDocument}, for a value already parsed from JSON. */
export function loadDocument(raw: unknown, options: LoadOptions = {}): LoadResult {
  const migrated = migrateDocument(raw);
  if (!migrated.ok) return migrated;
  const shape = shapeDiagnostics(migrated.document);
  if (shape.length > 0) return { ok: false, diagnostics: shape };
  const document = migrated.document as unknown as PipelineDocument;
  const structural = structuralDiagnostics(document);
  const tolerated =
    options.continuePastReferences === true && structural.every((d) => d.code === 'param.unknown-reference');
  if (structural.length > 0 && !tolerated) return { ok: false, diagnostics: structural };
  const loaded: LoadResult =
    migrated.migratedFrom === undefined
      ? { ok: true, document }
      : { ok: true, document, migratedFrom: migrated.migratedFrom };
  if (structural.length > 0) loaded.diagnostics = structural;
  return loaded;
}

function shapeDiagnostics(document: Record<string, unknown>): Diagnostic[] {
  if (checkDocumentShape.Check(document)) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  let more = 0;
  for (const issue of checkDocumentShape.Errors(document)) {
    // A union reports once per member; the first message per path is the useful one.
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    if (diagnostics.length >= MAX_SHAPE_DIAGNOSTICS) {
      more++;
      continue;
    }
    diagnostics.push(
      error('document.schema', shapeMessage(issue.type, issue.path, issue.message, issue.schema), {
        path: issue.path,
        nodeId: nodeIdAt(document, issue.path),
      }),
    );
  }
  if (more > 0) {
    diagnostics.push(error('document.schema', `…and ${more} more problems of the same kind`, { path: '' }));
  }
  return diagnostics;
}

function shapeMessage(type: ValueErrorType, path: string, message: string, schema: { [key: string]: unknown }): string {
  const property = path.slice(path.lastIndexOf('/') + 1);
  switch (type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `missing required property "${property}"`;
    case ValueErrorType.ObjectAdditionalProperties:
      // A record of named entries (pipeline parameters) rejects a name, not a property.
      return typeof schema.patternProperties === 'object' && schema.patternProperties !== null
        ? `"${property}" is not a valid name: it must match ${Object.keys(schema.patternProperties)[0]}`
        : `unknown property "${property}"`;
    case ValueErrorType.StringPattern:
      return `"${property}" ${describePattern(schema)}`;
    case ValueErrorType.Union: {
      const options = (schema.anyOf as Array<{ const?: unknown; type?: unknown }> | undefined) ?? [];
      const literals = options.map((o) => o.const).filter((v) => v !== undefined);
      if (literals.length === options.length && literals.length > 0) {
        return `"${property}" must be one of ${literals.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return `"${property}" must be ${options.map((o) => String(o.type ?? 'value')).join(' or ')}`;
    }
    default:
      return property === ''
        ? message.toLowerCase()
        : `"${property}": ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
}

function describePattern(schema: { [key: string]: unknown }): string {
  if (typeof schema.description === 'string' && schema.description.length > 0) {
    return `must match ${schema.pattern as string} (${schema.description})`;
  }
  return `must match ${schema.pattern as string}`;
}

function nodeIdAt(document: Record<string, unknown>, path: string): string | undefined {
  const match = /^\/nodes\/(\d+)/.exec(path);
  if (match?.[1] === undefined || !Array.isArray(document.nodes)) return undefined;
  const node = document.nodes[Number(match[1])] as { id?: unknown } | undefined;
  return typeof node?.id === 'string' ? node.id : undefined;
}

/** Checks that need the whole document but no node registry. */
function structuralDiagnostics(document: PipelineDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const parameters = document.parameters ?? {};

  for (const [name, parameter] of Object.entries(parameters)) {
    const problem = parameterDefaultProblem(parameter);
    if (problem !== undefined) {
      diagnostics.push(
        error('parameter.bad-default', `pipeline parameter "${name}": ${problem}`, {
          path: pointer('parameters', name, 'default'),
        }),
      );
    }
  }

  // Plain loops and no per-item closures: this runs over every node and edge on every compile.
  const nodes = document.nodes;
  const nodeIndex = new Map<string, number>();
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index] as PipelineDocument['nodes'][number];
    const first = nodeIndex.get(node.id);
    if (first !== undefined) {
      diagnostics.push(
        error(
          'node.duplicate-id',
          `node id "${node.id}" is used by nodes ${first} and ${index}; node ids must be unique`,
          {
            nodeId: node.id,
            path: pointer('nodes', index, 'id'),
          },
        ),
      );
    } else {
      nodeIndex.set(node.id, index);
    }
    if (!containsReference(node.params)) continue;
    walkReferences(node.params, [], (name, segments) => {
      if (!Object.hasOwn(parameters, name)) {
        diagnostics.push(
          error(
            'param.unknown-reference',
            `parameter refers to pipeline parameter "${name}", which is not defined in "parameters"`,
            { nodeId: node.id, path: pointer('nodes', index, 'params', ...segments) },
          ),
        );
      }
    });
  }

  const edges = document.edges;
  const edgeIds = new Set<string>();
  for (let index = 0; index < edges.length; index++) {
    const edge = edges[index] as PipelineDocument['edges'][number];
    if (edge.id !== undefined) {
      if (edgeIds.has(edge.id)) {
        const first = edges.findIndex((other) => other.id === edge.id);
        diagnostics.push(
          error(
            'edge.duplicate-id',
            `edge id "${edge.id}" is used by edges ${first} and ${index}; edge ids must be unique`,
            {
              edgeId: edge.id,
              path: pointer('edges', index, 'id'),
            },
          ),
        );
      } else {
        edgeIds.add(edge.id);
      }
    }
    if (!nodeIndex.has(edge.from.node)) diagnostics.push(unknownEdgeEnd(edge, index, 'from'));
    if (!nodeIndex.has(edge.to.node)) diagnostics.push(unknownEdgeEnd(edge, index, 'to'));
  }

  if (document.notes !== undefined) noteDiagnostics(document.notes, nodeIndex, diagnostics);
  return diagnostics;
}

/**
 * Note ids are unique among notes and, since the canvas draws notes and nodes in one id space, distinct
 * from node ids too. Each problem is reported at the later note's id, as duplicate node ids are.
 */
function noteDiagnostics(notes: PipelineNote[], nodeIndex: Map<string, number>, diagnostics: Diagnostic[]): void {
  const noteIndex = new Map<string, number>();
  for (let index = 0; index < notes.length; index++) {
    const id = (notes[index] as PipelineNote).id;
    const path = pointer('notes', index, 'id');
    const first = noteIndex.get(id);
    if (first !== undefined) {
      diagnostics.push(
        error('note.duplicate-id', `note id "${id}" is used by notes ${first} and ${index}; note ids must be unique`, {
          path,
        }),
      );
      continue;
    }
    noteIndex.set(id, index);
    const node = nodeIndex.get(id);
    if (node !== undefined) {
      diagnostics.push(
        error(
          'note.id-taken-by-node',
          `note id "${id}" is already the id of node ${node}; notes and nodes share one id space on the canvas`,
          { path },
        ),
      );
    }
  }
}

function unknownEdgeEnd(edge: PipelineDocument['edges'][number], index: number, end: 'from' | 'to'): Diagnostic {
  return error(
    'edge.unknown-node',
    `edge ${edgeLabel(edge)} ${end === 'from' ? 'starts at' : 'ends at'} node "${edge[end].node}", which does not exist`,
    { edgeId: edge.id, path: pointer('edges', index, end, 'node') },
  );
}

/** Whether a `{ "$param": … }` appears anywhere inside `value`; allocates nothing, unlike the walk that reports them. */
function containsReference(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isParameterReference(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsReference(value[i])) return true;
    return false;
  }
  for (const key in value) if (containsReference((value as Record<string, unknown>)[key])) return true;
  return false;
}

function parameterDefaultProblem(parameter: PipelineParameter): string | undefined {
  const value = parameter.default;
  if (value === undefined) return undefined;
  if (!valueMatchesParameterType(parameter, value)) {
    return `default ${JSON.stringify(value)} is not of type ${parameter.type}`;
  }
  if (parameter.enum !== undefined && !parameter.enum.includes(value as string | number)) {
    return `default ${JSON.stringify(value)} is not one of ${parameter.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}

/** True when `value` fits the declared type of a pipeline parameter. */
export function valueMatchesParameterType(parameter: PipelineParameter, value: unknown): boolean {
  switch (parameter.type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** Calls `visit` for every `{ "$param": name }` inside `value`, with its JSON Pointer. */
export function forEachParameterReference(
  value: unknown,
  path: string,
  visit: (name: string, path: string) => void,
): void {
  walkReferences(value, [], (name, segments) =>
    visit(name, path + segments.map((s) => `/${pointerSegment(s)}`).join('')),
  );
}

// Paths are built only when a reference is found: this walk visits every parameter of every node.
function walkReferences(
  value: unknown,
  segments: Array<string | number>,
  visit: (name: string, segments: Array<string | number>) => void,
): void {
  if (value === null || typeof value !== 'object') return;
  if (isParameterReference(value)) {
    visit(value.$param, segments);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      segments.push(i);
      walkReferences(value[i], segments, visit);
      segments.pop();
    }
    return;
  }
  for (const key in value) {
    segments.push(key);
    walkReferences((value as Record<string, unknown>)[key], segments, visit);
    segments.pop();
  }
}
