import type { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';

export const ArtifactParamsSchema = Type.Object({
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The sha256 of the blob, in lower-case hex.' }),
});

export const DownloadQuerySchema = Type.Object({
  filename: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      // A name, not a path: no folder separators, quotes or control characters.
      pattern: '^[^/\\\\"\\u0000-\\u001f\\u007f]+$',
      description:
        'Download the bytes as a file of this name (a `Content-Disposition: attachment` header), e.g. `iris-classification.onnx`.',
    }),
  ),
});

export const PreviewQuerySchema = Type.Object({
  rows: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 50, description: 'Table rows to show.' })),
});

/** A blob's bytes; the content type is the blob's own when Loom knows it. */
export const BlobResponseSchema = {
  description: "The blob's bytes.",
  content: {
    // Typed as the stream the route sends; documented as binary.
    'application/octet-stream': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) },
  },
};

const Cell = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);

export const ArtifactPreviewSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('table'),
    columns: Type.Array(
      Type.Object({
        name: Type.String(),
        type: Type.String({ description: 'The DuckDB type, e.g. `DOUBLE`, `VARCHAR`.' }),
        kind: Type.String({ description: 'How Loom treats the column: `number`, `string` or `other`.' }),
      }),
    ),
    rowCount: Type.Integer({ description: 'Rows in the whole table, not only in the preview.' }),
    // Rows are objects keyed by column name; typed here, serialised as they are (a column is any name).
    rows: Type.Array(
      Type.Unsafe<Record<string, Static<typeof Cell>>>(Type.Object({}, { additionalProperties: true })),
      {
        description: 'The first rows: numbers, strings, booleans and null; other types as DuckDB prints them.',
      },
    ),
  }),
  Type.Object({ kind: Type.Literal('json'), value: Type.Unknown() }),
  Type.Object({
    kind: Type.Literal('text'),
    text: Type.String({ description: 'The first 64 KiB.' }),
    truncated: Type.Boolean(),
  }),
  Type.Object({ kind: Type.Literal('binary'), size: Type.Integer() }),
]);

export type ArtifactPreview = Static<typeof ArtifactPreviewSchema>;
