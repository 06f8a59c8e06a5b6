import { sourceLineage } from '@loom/ml';
import { defineNode, input, NodeError, output, Type } from '@loom/sdk';
import { describeQuery, quoteLiteral, sourceColumnsOf, type TableDatabase } from '@loom/tables';
import { count, type OpenTable, withInputTable, writeTable } from './table-step.ts';

export const sqlQuery = defineNode({
  type: 'transform.sql',
  version: '1.0.0',
  title: 'SQL query',
  description:
    'Runs a DuckDB SELECT over the input table, which the query calls input. The query cannot read or write files. Its result starts a new lineage: an exported model takes the query’s output columns as its inputs.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table the query reads as input.' }) },
  params: Type.Object({
    query: Type.String({
      minLength: 1,
      description:
        'A single SELECT (or WITH … SELECT) statement in DuckDB SQL, e.g. SELECT *, price / area AS price_per_m2 FROM input WHERE area > 0',
    }),
  }),
  outputs: { table: output('table', { description: 'The rows the query returns, with a new source lineage.' }) },
  async run(ctx) {
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const select = await checkedSelect(table.db, ctx.params.query);
      await sandbox(table);
      const columns = await describeQuery(table.db, select).catch((cause: unknown) => {
        throw queryError(cause, ctx.signal);
      });
      const seen = new Set<string>();
      for (const column of columns) {
        if (seen.has(column.name)) {
          throw new NodeError(
            `the query returns two columns named ${JSON.stringify(column.name)}; name them apart with AS`,
            { retryable: false },
          );
        }
        seen.add(column.name);
      }
      const steps = table.info.lineage.steps;
      if (steps.length > 0) {
        ctx.log.warn(
          `transform.sql starts a new lineage: the ${count(steps.length, 'fitted step')} before it ` +
            `(${[...new Set(steps.map((step) => step.kind))].join(', ')}) will not be part of an exported model, ` +
            'which will take this query’s output columns as its inputs',
        );
      }
      const lineage = sourceLineage(sourceColumnsOf(columns));
      const written = await writeTable(ctx, table, select, lineage).catch((cause: unknown) => {
        throw queryError(cause, ctx.signal);
      });
      ctx.log.info(`the query returned ${count(written.rowCount, 'row')} × ${count(columns.length, 'column')}`);
      return { table: written.ref };
    });
  },
});

/**
 * Checks with DuckDB's own parser that the query is one SELECT statement, and returns it as DuckDB
 * prints it back from its syntax tree: comments and a trailing semicolon gone, so it can be wrapped.
 */
async function checkedSelect(db: TableDatabase, query: string): Promise<string> {
  let statements: number;
  try {
    statements = (await db.connection.extractStatements(query)).count;
  } catch (cause) {
    throw new NodeError(`query: ${duckdbMessage(cause)}`, { retryable: false, cause });
  }
  if (statements !== 1) {
    throw new NodeError(
      `query holds ${statements === 0 ? 'no statement' : `${statements} statements`}; write a single SELECT`,
      { retryable: false },
    );
  }
  const [row] = await db.all(`SELECT json_serialize_sql(${quoteLiteral(query)}) AS tree`);
  const tree = JSON.parse(String(row?.tree)) as { error: boolean; error_type?: string; error_message?: string };
  if (tree.error) {
    throw new NodeError(
      tree.error_type === 'not implemented'
        ? 'query must be a single SELECT (or WITH … SELECT) statement: it reads the table input and changes nothing'
        : `query: ${tree.error_message ?? 'DuckDB could not parse it'}`,
      { retryable: false },
    );
  }
  const [printed] = await db.all(`SELECT json_deserialize_sql(json_serialize_sql(${quoteLiteral(query)})) AS sql`);
  return String(printed?.sql);
}

/**
 * Shuts the query in: DuckDB may read only the input file and write only under this attempt's own
 * folder (the output and the spill files), and the settings are locked so the query cannot undo that.
 */
async function sandbox(table: OpenTable): Promise<void> {
  await table.db.run(`SET allowed_paths = [${quoteLiteral(table.path)}]`);
  await table.db.run(`SET allowed_directories = [${quoteLiteral(table.dir)}]`);
  await table.db.run('SET enable_external_access = false');
  await table.db.run('SET lock_configuration = true');
}

function queryError(cause: unknown, signal: AbortSignal): unknown {
  signal.throwIfAborted();
  if (!(cause instanceof Error) || cause instanceof NodeError) return cause;
  return new NodeError(`query failed: ${duckdbMessage(cause)}`, { retryable: false, cause });
}

/** DuckDB's message without the "LINE 1: …" excerpt, which quotes the query as DuckDB reprinted it. */
function duckdbMessage(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return (message.split(/\n\s*\nLINE \d+:/)[0] ?? message).replace(/^Failed to extract statements: /, '').trim();
}
