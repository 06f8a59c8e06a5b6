import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MEDIA_TYPES, previewBlob, sniffBlob } from '../artifact-content.ts';
import {
  ArtifactParamsSchema,
  ArtifactPreviewSchema,
  BlobResponseSchema,
  DownloadQuerySchema,
  PreviewQuerySchema,
} from '../schemas/artifacts.ts';
import { errorResponses } from '../schemas/common.ts';

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): the plain name for old clients, with
 * anything outside printable ASCII replaced, and the exact one, percent-encoded, for the rest.
 */
export function attachment(filename: string): string {
  const plain = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${plain}"; filename*=UTF-8''${exact}`;
}

/** `GET /api/artifacts/:sha256` (the bytes) and `GET /api/artifacts/:sha256/preview` (a JSON preview). */
export const artifactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The blob's local path and size, or undefined when the store does not hold it. */
  const locate = async (sha256: string): Promise<{ path: string; size: number } | undefined> => {
    if (!(await app.artifacts.has(sha256))) return undefined;
    const path = await app.artifacts.localPath(sha256);
    return { path, size: (await stat(path)).size };
  };
  const notFound = (sha256: string) => ({ error: 'not-found', message: `no artifact ${sha256}` });

  app.get(
    '/api/artifacts/:sha256',
    {
      schema: {
        tags: ['artifacts'],
        summary: "Downloads an artifact's bytes",
        params: ArtifactParamsSchema,
        querystring: DownloadQuerySchema,
        response: { 200: BlobResponseSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { sha256 } = request.params;
      const blob = await locate(sha256);
      if (blob === undefined) return reply.code(404).send(notFound(sha256));
      const { kind } = await sniffBlob(blob.path, blob.size);
      const { filename } = request.query;
      if (filename !== undefined) reply.header('content-disposition', attachment(filename));
      return (
        reply
          .header('content-type', MEDIA_TYPES[kind])
          .header('content-length', blob.size)
          // Content-addressed: the bytes behind a hash never change.
          .header('etag', `"${sha256}"`)
          .header('cache-control', 'private, max-age=31536000, immutable')
          .send(createReadStream(blob.path))
      );
    },
  );

  app.get(
    '/api/artifacts/:sha256/preview',
    {
      schema: {
        tags: ['artifacts'],
        summary: "A preview of an artifact: a table's first rows, a JSON value, the start of a text, or its size",
        params: ArtifactParamsSchema,
        querystring: PreviewQuerySchema,
        response: { 200: ArtifactPreviewSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { sha256 } = request.params;
      const blob = await locate(sha256);
      if (blob === undefined) return reply.code(404).send(notFound(sha256));
      return previewBlob(blob.path, blob.size, request.query.rows ?? 50);
    },
  );
};
