import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { compileDocument } from '@loom/compiler';
import { type Diagnostic, loadDocument, type PipelineDocument } from '@loom/graph';
import { checkInputFiles, sha256 } from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import { errorResponses } from '../schemas/common.ts';
import { DocumentBodySchema } from '../schemas/compile.ts';
import {
  PipelineIdParamsSchema,
  PipelineListSchema,
  PipelinePatchSchema,
  PipelineVersionListSchema,
  PipelineVersionParamsSchema,
  PipelineVersionSchema,
  SavedPipelineSchema,
} from '../schemas/pipelines.ts';
import type { PipelineVersion } from '../store/store-types.ts';

type Checked = { ok: true; document: PipelineDocument } | { ok: false; diagnostics: Diagnostic[] };

/** A document's own problems (shape, format, references): what makes it unfit to store at all. */
function checkDocument(raw: unknown): Checked {
  const loaded = loadDocument(raw);
  // A document of an older format version is stored migrated, so every document saved by this Loom is
  // current. One saved before an upgrade is sent back with its old version until saved again: the
  // designer opens it through `parseDocument`, which migrates it, and the compiler ignores the version.
  return loaded.ok ? { ok: true, document: loaded.document } : { ok: false, diagnostics: loaded.diagnostics };
}

/**
 * What the compiler finds against the installed nodes: unknown types, bad ports, cycles. Parameters
 * without values are fine here; a run supplies them.
 */
function compileDiagnostics(document: PipelineDocument, registry: NodeRegistry): Diagnostic[] {
  return compileDocument(document, registry, { allowUnsetParameters: true, hash: sha256 }).diagnostics;
}

const invalidDocument = (diagnostics: Diagnostic[]) => ({
  error: 'invalid-document',
  message: `the pipeline document is invalid: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}`,
  diagnostics,
});

const notFound = (id: string, version?: number) => ({
  error: 'not-found',
  message: version === undefined ? `no pipeline "${id}"` : `pipeline "${id}" has no version ${version}`,
});

/**
 * Saved pipelines and their versions. A document that compiles with errors (an unknown node type, a
 * cycle) can be saved, as a work in progress, and every reply says what is still wrong with it; a
 * document that is not a valid pipeline document at all is refused with its diagnostics.
 */
export const pipelineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const lookup = { baseDir: app.config.dataRoots[0] ?? process.cwd(), dataRoots: app.config.dataRoots };
  // The input files are looked up on every reply, not only on save: a file may come or go meanwhile.
  const withDiagnostics = async (saved: PipelineVersion) => ({
    id: saved.pipelineId,
    version: saved.version,
    document: saved.document,
    createdAt: saved.createdAt,
    diagnostics: [
      ...compileDiagnostics(saved.document, app.registry),
      ...(await checkInputFiles(saved.document, app.registry, lookup)),
    ],
  });

  app.get(
    '/api/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Lists saved pipelines',
        response: { 200: PipelineListSchema, ...errorResponses(401) },
      },
    },
    async () => ({ pipelines: app.store.listPipelines() }),
  );

  app.post(
    '/api/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Saves a new pipeline as version 1',
        body: DocumentBodySchema,
        response: { 201: SavedPipelineSchema, ...errorResponses(400, 401, 413) },
      },
    },
    async (request, reply) => {
      const checked = checkDocument(request.body);
      if (!checked.ok) return reply.code(400).send(invalidDocument(checked.diagnostics));
      const saved = app.store.createPipeline(checked.document);
      const { document: _document, ...summary } = await withDiagnostics(saved);
      return reply
        .code(201)
        .header('location', `/api/pipelines/${saved.pipelineId}`)
        .send({ ...summary, name: saved.document.name });
    },
  );

  app.get(
    '/api/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: "A pipeline's latest version",
        params: PipelineIdParamsSchema,
        response: { 200: PipelineVersionSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const found = app.store.getPipeline(request.params.id);
      if (found === undefined) return reply.code(404).send(notFound(request.params.id));
      return await withDiagnostics(found);
    },
  );

  app.put(
    '/api/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Saves a new version of a pipeline',
        params: PipelineIdParamsSchema,
        body: DocumentBodySchema,
        response: { 200: SavedPipelineSchema, ...errorResponses(400, 401, 404, 413) },
      },
    },
    async (request, reply) => {
      const checked = checkDocument(request.body);
      if (!checked.ok) return reply.code(400).send(invalidDocument(checked.diagnostics));
      const saved = app.store.savePipelineVersion(request.params.id, checked.document);
      if (saved === undefined) return reply.code(404).send(notFound(request.params.id));
      const { document: _document, ...summary } = await withDiagnostics(saved);
      return { ...summary, name: saved.document.name };
    },
  );

  app.patch(
    '/api/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Renames a pipeline',
        description:
          'Saves the latest version’s document under the new name as a new version, so the history shows the rename and older versions keep the name they were saved with.',
        params: PipelineIdParamsSchema,
        body: PipelinePatchSchema,
        response: { 200: SavedPipelineSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const latest = app.store.getPipeline(request.params.id);
      if (latest === undefined) return reply.code(404).send(notFound(request.params.id));
      const name = request.body.name.trim();
      const saved =
        latest.document.name === name
          ? latest
          : app.store.savePipelineVersion(request.params.id, { ...latest.document, name });
      if (saved === undefined) return reply.code(404).send(notFound(request.params.id));
      const { document: _document, ...summary } = await withDiagnostics(saved);
      return { ...summary, name: saved.document.name };
    },
  );

  app.delete(
    '/api/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Deletes a pipeline and all its versions (its runs stay)',
        description: 'Refused (409) while a run of the pipeline is queued or running: cancel it first.',
        params: PipelineIdParamsSchema,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const active = (['queued', 'running'] as const).flatMap((status) =>
        app.store.listRuns({ pipelineId: id, status, limit: 1 }),
      );
      if (active[0] !== undefined) {
        return reply.code(409).send({
          error: 'conflict',
          message: `pipeline "${id}" has a run that is ${active[0].status} (${active[0].id}): cancel it or let it finish, then delete`,
        });
      }
      if (!app.store.deletePipeline(id)) return reply.code(404).send(notFound(id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/pipelines/:id/versions',
    {
      schema: {
        tags: ['pipelines'],
        summary: "A pipeline's saved versions, newest first",
        params: PipelineIdParamsSchema,
        response: { 200: PipelineVersionListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const versions = app.store.listPipelineVersions(request.params.id);
      if (versions === undefined) return reply.code(404).send(notFound(request.params.id));
      return { id: request.params.id, versions };
    },
  );

  app.get(
    '/api/pipelines/:id/versions/:version',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'One saved version of a pipeline',
        params: PipelineVersionParamsSchema,
        response: { 200: PipelineVersionSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { id, version } = request.params;
      const found = app.store.getPipeline(id, version);
      if (found === undefined) return reply.code(404).send(notFound(id, version));
      return await withDiagnostics(found);
    },
  );
};
