import { opendir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

/** Enough to find a file by typing; a data folder with more is listed in part (`truncated`). */
const MAX_FILES = 2000;
const MAX_DEPTH = 4;
/** Folders no one keeps pipeline data in, and that can be huge. */
const SKIPPED = new Set(['node_modules', '.git', '.loom', 'dist', 'coverage']);
/** What Loom's data nodes read (DuckDB reads these compressed too); source code and the rest are no data. */
const DATA_FILE = /\.(csv|tsv|parquet|json|jsonl|ndjson)(\.(gz|zst))?$/i;
/** JSON files that are a tool's settings or a pipeline, never a table. */
const NOT_DATA = /^(package(-lock)?\.json|tsconfig(\..+)?\.json|biome\.json|jsconfig\.json|.+\.loom\.json)$/i;

/** Whether a file name is one a data node would read: a table format, and not a settings file. */
export function isDataFileName(name: string): boolean {
  return DATA_FILE.test(name) && !NOT_DATA.test(name);
}

const DataFilesSchema = Type.Object({
  files: Type.Array(
    Type.Object({
      path: Type.String({ description: 'As a pipeline writes it: relative to the first data folder, else absolute.' }),
      size: Type.Integer(),
    }),
  ),
  truncated: Type.Boolean({ description: 'More files exist than were listed.' }),
});

/**
 * `GET /api/data-files`: the data files a pipeline may read (CSV, TSV, Parquet, JSON and JSON lines,
 * plain or gzip/zstd-compressed, under the data folders), so the designer can suggest paths. Only
 * names and sizes; nothing is read.
 */
export const dataFileRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      const [first] = app.config.dataRoots;
      const files: Array<{ path: string; size: number }> = [];
      let truncated = false;
      const walk = async (dir: string, depth: number): Promise<void> => {
        let handle: Awaited<ReturnType<typeof opendir>>;
        try {
          handle = await opendir(dir);
        } catch {
          return; // a missing or unreadable folder lists nothing
        }
        for await (const entry of handle) {
          if (files.length >= MAX_FILES) {
            truncated = true;
            return;
          }
          if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
          const full = join(dir, entry.name);
          if (entry.isDirectory() && depth < MAX_DEPTH) await walk(full, depth + 1);
          else if (entry.isFile() && isDataFileName(entry.name)) files.push({ path: full, size: 0 });
        }
      };
      for (const root of app.config.dataRoots) await walk(root, 1);
      await Promise.all(
        files.map(async (file) => {
          file.size = await stat(file.path).then(
            (stats) => stats.size,
            () => 0,
          );
          const inFirst = first === undefined ? undefined : relative(first, file.path);
          if (inFirst !== undefined && !inFirst.startsWith('..') && !isAbsolute(inFirst)) file.path = inFirst;
        }),
      );
      files.sort((a, b) => a.path.localeCompare(b.path));
      return { files, truncated };
    },
  );
};
