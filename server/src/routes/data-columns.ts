import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { confinePath } from '@loom/runtime';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

const ColumnsQuerySchema = Type.Object({
  path: Type.String({
    minLength: 1,
    maxLength: 4096,
    description: 'As a data node names it: relative to a data folder (the first that has it), or absolute inside one.',
  }),
  delimiter: Type.Optional(
    Type.String({ minLength: 1, maxLength: 4, description: 'For CSV: the field separator. Default: detected.' }),
  ),
  header: Type.Optional(
    Type.Boolean({ description: 'For CSV: whether the first line names the columns. Default: true.' }),
  ),
});

const DataColumnsSchema = Type.Object({
  path: Type.String({ description: 'The file read, as found on the server.' }),
  columns: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String({ description: 'The DuckDB type, e.g. `DOUBLE`, `VARCHAR`.' }),
      kind: Type.String({ description: 'How Loom treats the column: `number`, `string` or `other`.' }),
    }),
  ),
});

type Format = 'csv' | 'parquet' | 'json';

/** The reader a data node would use for a file, by its name (compressed forms included). */
export function formatOfFile(path: string): Format | undefined {
  const name = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (name.endsWith('.parquet')) return 'parquet';
  if (/\.(json|jsonl|ndjson)$/.test(name)) return 'json';
  return undefined;
}

/**
 * `GET /api/data-files/columns`: the columns of a data file (a CSV header, a Parquet schema, the keys of
 * JSON records), read by DuckDB as the data nodes read them, so the designer can offer column names
 * before anything has run. Only files inside the data folders are read, as a run would be confined.
 */
export const dataColumnRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/data-files/columns',
    {
      schema: {
        tags: ['data'],
        summary: "A data file's columns, read without running anything",
        querystring: ColumnsQuerySchema,
        response: { 200: DataColumnsSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { path, delimiter, header } = request.query;
      const format = formatOfFile(path);
      if (format === undefined) {
        return reply.code(400).send({
          error: 'bad-request',
          message: `path "${path}" is not a data file Loom reads (csv, tsv, parquet, json, jsonl, ndjson, plain or .gz/.zst)`,
        });
      }
      const roots = app.config.dataRoots;
      const candidates = isAbsolute(path) ? [resolve(path)] : roots.map((root) => resolve(root, path));
      let found: string | undefined;
      for (const candidate of candidates) {
        if (
          !(await stat(candidate).then(
            (info) => info.isFile(),
            () => false,
          ))
        )
          continue;
        try {
          found = confinePath(roots[0] ?? process.cwd(), roots, candidate);
        } catch (cause) {
          return reply.code(400).send({ error: 'bad-request', message: (cause as Error).message });
        }
        break;
      }
      if (found === undefined) {
        return reply.code(404).send({
          error: 'not-found',
          message: `no file "${path}" in the data folders (looked at ${candidates.join(', ')})`,
        });
      }
      const { TableDatabase, describeQuery, quoteLiteral } = await import('@loom/tables');
      const reader =
        format === 'parquet'
          ? `read_parquet(${quoteLiteral(found)})`
          : format === 'json'
            ? `read_json(${quoteLiteral(found)}, records = 'true')`
            : `read_csv(${[
                quoteLiteral(found),
                `header = ${header ?? true}`,
                ...(delimiter === undefined ? [] : [`delim = ${quoteLiteral(delimiter)}`]),
              ].join(', ')})`;
      const db = await TableDatabase.open({ threads: 1 });
      try {
        const columns = await describeQuery(db, `SELECT * FROM ${reader}`);
        return { path: found, columns: columns.map(({ name, type, kind }) => ({ name, type, kind })) };
      } catch (cause) {
        return reply.code(400).send({
          error: 'bad-request',
          message: `cannot read the columns of ${found} as ${format}: ${(cause as Error).message.split('\n')[0]}`,
        });
      } finally {
        db.close();
      }
    },
  );
};
