import { type Static, Type } from '@sinclair/typebox';

/** The `format` every pipeline document carries. */
export const DOCUMENT_FORMAT = 'loom.pipeline';
/**
 * The format version this build of Loom reads and writes. Older versions are migrated on load.
 * Version 2 added canvas notes (`notes`).
 */
export const CURRENT_FORMAT_VERSION = 2;

const Identifier = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
  maxLength: 128,
  description: 'Letters, digits, `_`, `.` and `-`, starting with a letter or `_`.',
});

/** A pipeline parameter: a named, typed value that node parameters may refer to with `{ "$param": name }`. */
export const PipelineParameterSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('string'),
      Type.Literal('number'),
      Type.Literal('integer'),
      Type.Literal('boolean'),
    ]),
    default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    enum: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1 })),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A point on the designer's canvas. */
const CanvasPositionSchema = Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false });

/** Where the designer draws a node and what it shows; free-form beyond the named fields. */
export const NodeUiSchema = Type.Object(
  {
    position: Type.Optional(CanvasPositionSchema),
    label: Type.Optional(Type.String()),
    color: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const PipelineNodeSchema = Type.Object(
  {
    id: Identifier,
    type: Type.String({ minLength: 1, description: 'The node type, e.g. `core.read_json`.' }),
    version: Type.String({
      pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$',
      description: 'The exact semver version of the node type this document was made with.',
    }),
    // Checked against the node's own schema by the compiler; here only "an object" (Unsafe keeps the
    // check cheap: a Record would list every node's entries on every load).
    params: Type.Optional(
      Type.Unsafe<Record<string, unknown>>(
        Type.Object({}, { description: "Parameter values, checked against the node type's parameter schema." }),
      ),
    ),
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 20,
        description: 'Overrides the node type default: attempts after the first.',
      }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Overrides the node type default step timeout.' }),
    ),
    backend: Type.Optional(
      Type.Union([Type.Literal('cpu'), Type.Literal('gpu'), Type.Literal('kubernetes')], {
        description:
          "Overrides where the node type's steps run: `cpu` or `gpu` workers, or `kubernetes` (each step a Kubernetes Job). Not part of the cache key: where a step ran does not change what it made.",
      }),
    ),
    ui: Type.Optional(NodeUiSchema),
  },
  { additionalProperties: false },
);

const PortRefSchema = Type.Object(
  { node: Type.String({ minLength: 1 }), port: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const PipelineEdgeSchema = Type.Object(
  {
    id: Type.Optional(Identifier),
    from: PortRefSchema,
    to: PortRefSchema,
  },
  { additionalProperties: false },
);

/**
 * A free-standing note (a comment) on the designer's canvas, since format version 2. The compiler
 * ignores notes: they never change a plan or its cache keys. Note ids share the canvas's id space with
 * node ids, so a note id may not be a node's id either.
 *
 * @example
 * { id: 'why-split', text: 'Stratified: the classes are unbalanced.', position: { x: 40, y: -120 }, size: { width: 240, height: 96 }, color: '#fde68a' }
 */
export const PipelineNoteSchema = Type.Object(
  {
    id: Identifier,
    text: Type.String({ maxLength: 10_000 }),
    position: CanvasPositionSchema,
    size: Type.Optional(
      Type.Object(
        {
          width: Type.Number({ minimum: 40 }),
          height: Type.Number({ minimum: 24 }),
        },
        {
          additionalProperties: false,
          description: 'Drawn size in canvas units.',
        },
      ),
    ),
    color: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** The JSON Schema of a pipeline document (`*.loom.json`), format version 2. */
export const PipelineDocumentSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    format: Type.Literal(DOCUMENT_FORMAT),
    formatVersion: Type.Literal(CURRENT_FORMAT_VERSION),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    // Without `additionalProperties: false` a name that does not match the pattern goes unchecked.
    parameters: Type.Optional(Type.Record(Identifier, PipelineParameterSchema, { additionalProperties: false })),
    nodes: Type.Array(PipelineNodeSchema),
    edges: Type.Array(PipelineEdgeSchema),
    notes: Type.Optional(
      Type.Array(PipelineNoteSchema, { description: 'Notes on the canvas; ignored by the compiler.' }),
    ),
  },
  {
    $id: 'https://loom.dev/schemas/pipeline-2.json',
    title: 'Loom pipeline document, format version 2',
    additionalProperties: false,
  },
);

export type PipelineParameter = Static<typeof PipelineParameterSchema>;
export type NodeUi = Static<typeof NodeUiSchema>;
export type PipelineNode = Static<typeof PipelineNodeSchema>;
export type PipelineEdge = Static<typeof PipelineEdgeSchema>;
export type PortRef = Static<typeof PortRefSchema>;
export type PipelineNote = Static<typeof PipelineNoteSchema>;
export type PipelineDocument = Static<typeof PipelineDocumentSchema>;

/** A node parameter value that stands for a pipeline parameter. */
export interface ParameterReference {
  $param: string;
}

/** True when `value` is `{ "$param": "name" }` and nothing else. */
export function isParameterReference(value: unknown): value is ParameterReference {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (typeof (value as Partial<ParameterReference>).$param !== 'string' || !Object.hasOwn(value, '$param'))
    return false;
  // No Object.keys: this runs on every object inside every node's parameters.
  for (const key in value) if (key !== '$param') return false;
  return true;
}

/** The label an edge goes by in messages: its id, or `from.port→to.port` when it has none. */
export function edgeLabel(edge: PipelineEdge): string {
  return edge.id ?? `${edge.from.node}.${edge.from.port}→${edge.to.node}.${edge.to.port}`;
}

/** The published JSON Schema, as plain JSON (TypeBox's symbols dropped). */
export function documentJsonSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(PipelineDocumentSchema)) as Record<string, unknown>;
}
