import { join } from 'node:path';
import { sourceLineage } from '@loom/ml';
import type { ArtifactRef, StepContext } from '@loom/sdk';
import {
  describeQuery,
  sourceColumnsOf,
  TABLE_MEDIA_TYPE,
  type TableColumnInfo,
  TableDatabase,
  writeTableFromQuery,
} from '@loom/tables';
import { rewordReadError, type SourceFormat } from './read-errors.ts';
import type { LocalSource } from './source-file.ts';

/** The parts of the step context the data nodes use. */
export type DataContext = Pick<StepContext<unknown, unknown>, 'artifacts' | 'log' | 'progress' | 'signal'>;

export interface IngestOptions {
  source: LocalSource;
  format: SourceFormat;
  /** The DuckDB table function call that reads the file, e.g. `read_csv('…', header = true)`. */
  reader: string;
  /** Checks run before the file is read. */
  beforeRead?: (db: TableDatabase) => Promise<void>;
  /** Looks at the written table (e.g. to warn about suspicious columns). */
  afterWrite?: (db: TableDatabase, path: string, columns: TableColumnInfo[]) => Promise<void>;
}

/**
 * Reads a data file with DuckDB and writes it as a table artifact: Parquet with a source lineage of its
 * number and string columns. DuckDB streams the rows from file to file under its memory limit, so a
 * large file never sits in this process's memory.
 */
export async function ingestTable(ctx: DataContext, options: IngestOptions): Promise<{ table: ArtifactRef }> {
  const { source, format } = options;
  const temp = await ctx.artifacts.tempDir();
  const outPath = join(temp, 'table.parquet');
  const select = `SELECT * FROM ${options.reader}`;
  const reworded = async <T>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (cause) {
      ctx.signal.throwIfAborted();
      throw rewordReadError(cause, source.shown, format);
    }
  };
  const db = await TableDatabase.open({ tempDirectory: join(temp, 'spill'), signal: ctx.signal });
  let rowCount: number;
  let columns: TableColumnInfo[];
  try {
    await options.beforeRead?.(db);
    columns = await reworded(() => describeQuery(db, select));
    ctx.progress(0.05, `reading ${source.shown}`);
    const lineage = sourceLineage(sourceColumnsOf(columns));
    ({ rowCount } = await reworded(() => writeTableFromQuery(db, select, outPath, lineage)));
    ctx.progress(0.9, 'checking columns');
    await options.afterWrite?.(db, outPath, columns);
  } finally {
    db.close();
  }
  const table = await ctx.artifacts.importFile(outPath, { mediaType: TABLE_MEDIA_TYPE });
  ctx.log.info(`read ${rowCount} rows × ${columns.length} columns from ${source.shown}`, {
    rows: rowCount,
    columns: Object.fromEntries(columns.map((column) => [column.name, column.type])),
  });
  if (rowCount === 0) ctx.log.warn(`${source.shown} has no rows`);
  const other = columns.filter((column) => column.kind === 'other');
  if (other.length > 0) {
    ctx.log.warn(
      `${other.map((column) => `"${column.name}" (${column.type})`).join(', ')} ` +
        `${other.length === 1 ? 'is' : 'are'} neither number nor text, so trainers will not take ` +
        `${other.length === 1 ? 'it' : 'them'}; convert with transform.sql if needed`,
    );
  }
  ctx.progress(1);
  return { table };
}
