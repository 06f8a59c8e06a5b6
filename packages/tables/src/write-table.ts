import { sourceLineage, type TableLineage } from '@loom/ml';
import { sourceColumnsOf } from './column-kind.ts';
import type { TableDatabase } from './database.ts';
import { encodeLineage, LINEAGE_METADATA_KEY } from './lineage-metadata.ts';
import { quoteLiteral } from './sql.ts';
import { describeQuery } from './table-info.ts';

/** The media type of every table artifact (Parquet). */
export const TABLE_MEDIA_TYPE = 'application/vnd.apache.parquet';

/**
 * Writes a query's result to a Parquet file with its lineage in the file's key-value metadata, the form
 * every `table` artifact takes. DuckDB streams the rows to disk, so the result never sits in memory.
 *
 * @param selectSql a single SELECT (or WITH … SELECT) statement, without a trailing semicolon
 * @example
 * const { rowCount } = await writeTableFromQuery(db, `SELECT * FROM input WHERE age > 18`, out, lineage);
 */
export async function writeTableFromQuery(
  db: TableDatabase,
  selectSql: string,
  outPath: string,
  lineage: TableLineage,
): Promise<{ rowCount: number }> {
  // The newline keeps a trailing `-- comment` in the query from swallowing the closing parenthesis.
  const rows = await db.all(
    `COPY (${selectSql}\n) TO ${quoteLiteral(outPath)} ` +
      `(FORMAT parquet, KV_METADATA {${LINEAGE_METADATA_KEY}: ${quoteLiteral(encodeLineage(lineage))}})`,
  );
  return { rowCount: Number(rows[0]?.Count ?? 0) };
}

/**
 * Writes a query's rows as a table whose lineage starts at its own number and string columns (no fitted
 * steps): what a data source writes, for rows that come from outside any pipeline (say, an endpoint's
 * request log).
 *
 * @example
 * const { rowCount } = await writeSourceTable(db, `SELECT x, y FROM read_parquet('log.parquet')`, out);
 */
export async function writeSourceTable(
  db: TableDatabase,
  selectSql: string,
  outPath: string,
): Promise<{ rowCount: number }> {
  const columns = await describeQuery(db, selectSql);
  return writeTableFromQuery(db, selectSql, outPath, sourceLineage(sourceColumnsOf(columns)));
}
