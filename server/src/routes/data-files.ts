import { stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listDataFiles, lookUpFiles } from '@loom/runtime';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

const DataFilesSchema = Type.Object({
  files: Type.Array(
    Type.Object({
      path: Type.String({ description: 'As a pipeline writes it: relative to the first data folder, else absolute.' }),
      size: Type.Integer(),
    }),
  ),
  truncated: Type.Boolean({ description: 'More files exist than were listed.' }),
});

const CheckBodySchema = Type.Object(
  { paths: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 200 }) },
  { additionalProperties: false },
);

const CheckReplySchema = Type.Object({
  folders: Type.Array(Type.String(), { description: 'The data folders, in the order a relative path is tried.' }),
  results: Type.Array(
    Type.Object({
      path: Type.String(),
      found: Type.Boolean(),
      looked: Type.Optional(Type.Array(Type.String(), { description: 'Where a missing file was looked for.' })),
      suggestions: Type.Optional(
        Type.Array(Type.String(), { description: 'Existing data files of the same or a similar name, as a path.' }),
      ),
    }),
  ),
});

/**
 * `GET /api/data-files`: the data files a pipeline may read (CSV, TSV, Parquet, JSON and JSON lines,
 * plain or gzip/zstd-compressed, under the data folders), so the designer can suggest paths. Only
 * names and sizes; nothing is read. `POST /api/data-files/check`: whether paths name files a run on
 * this server would find, and if not, which files they may have meant.
 */
export const dataFileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const [first] = app.config.dataRoots;
  const lookup = { baseDir: first ?? process.cwd(), dataRoots: app.config.dataRoots };

  app.get(
    '/api/data-files',
    {
      schema: {
        tags: ['data'],
        summary: 'Files under the data folders, as paths a pipeline can use',
        response: { 200: DataFilesSchema, ...errorResponses(401) },
      },
    },
    async () => {
      const listing = await listDataFiles(app.config.dataRoots);
      const files = await Promise.all(
        listing.files.map(async (full) => {
          const size = await stat(full).then(
            (stats) => stats.size,
            () => 0,
          );
          const inFirst = first === undefined ? undefined : relative(first, full);
          const path = inFirst !== undefined && !inFirst.startsWith('..') && !isAbsolute(inFirst) ? inFirst : full;
          return { path, size };
        }),
      );
      files.sort((a, b) => a.path.localeCompare(b.path));
      return { files, truncated: listing.truncated };
    },
  );

  app.post(
    '/api/data-files/check',
    {
      schema: {
        tags: ['data'],
        summary: 'Whether paths name files a run would find, with suggestions for those it would not',
        body: CheckBodySchema,
        response: { 200: CheckReplySchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({
      folders: [...app.config.dataRoots],
      results: (await lookUpFiles(request.body.paths, lookup)).map((result) =>
        result.found
          ? { path: result.path, found: true }
          : { path: result.path, found: false, looked: result.looked, suggestions: result.suggestions },
      ),
    }),
  );
};
