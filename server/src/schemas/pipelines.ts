import type { PipelineDocument } from '@loom/graph';
import { Type } from '@sinclair/typebox';
import { DiagnosticSchema, looseObject } from './common.ts';

/** Pipeline ids as the store makes them (12 characters of base32), or as imported: letters, digits, `_`, `-`. */
export const PipelineIdParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The pipeline id.' }),
});

export const PipelineVersionParamsSchema = Type.Object({
  id: PipelineIdParamsSchema.properties.id,
  version: Type.Integer({ minimum: 1, description: 'A saved version; the first is 1.' }),
});

/** A stored document, sent back exactly as saved: a schema with properties would drop unknown ones. */
const StoredDocumentSchema = looseObject<PipelineDocument>('The pipeline document exactly as saved.');

const Diagnostics = Type.Array(Type.Ref(DiagnosticSchema), {
  description: 'What the compiler finds in the document against the installed nodes now; empty when it compiles.',
});

/** The reply to a save: which version was written and what is still wrong with it (a work in progress may be saved). */
export const SavedPipelineSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String({ description: 'When this version was saved (ISO 8601).' }),
  diagnostics: Diagnostics,
});

/** The body of `PATCH /api/pipelines/:id`: what to change without sending the whole document. */
export const PipelinePatchSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '\\S',
      description: "The pipeline's new name: its latest document with this name is saved as a new version.",
    }),
  },
  { additionalProperties: false },
);

export const PipelineVersionSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  document: StoredDocumentSchema,
  createdAt: Type.String(),
  diagnostics: Diagnostics,
});

export const PipelineListSchema = Type.Object({
  pipelines: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      latestVersion: Type.Integer(),
      createdAt: Type.String(),
      updatedAt: Type.String(),
    }),
    { description: 'The most recently updated first.' },
  ),
});

export const PipelineVersionListSchema = Type.Object({
  id: Type.String(),
  versions: Type.Array(Type.Object({ version: Type.Integer(), name: Type.String(), createdAt: Type.String() }), {
    description: 'Newest first.',
  }),
});
