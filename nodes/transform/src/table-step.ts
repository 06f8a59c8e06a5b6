import { join } from 'node:path';
import type { FittedStep, FittedTransform, TableLineage } from '@loom/ml';
import { type ArtifactRef, NodeError, type StepContext } from '@loom/sdk';
import {
  quoteLiteral,
  TABLE_MEDIA_TYPE,
  type TableColumnInfo,
  TableDatabase,
  type TableInfo,
  tableInfoIn,
  writeTableFromQuery,
} from '@loom/tables';

/** The parts of the step context the transform nodes use. */
export type TransformContext = Pick<StepContext<unknown, unknown>, 'artifacts' | 'log' | 'progress' | 'signal'>;

/** An input table opened for SQL: the view `input` reads it. */
export interface OpenTable {
  db: TableDatabase;
  info: TableInfo;
  /** A folder private to this attempt for output files. */
  dir: string;
  /** The input's Parquet file. */
  path: string;
}

/**
 * Opens a DuckDB database whose view `input` reads the table artifact, spilling under the attempt's
 * temporary folder and interrupted by the run's cancellation, and runs `work` with it.
 */
export async function withInputTable<T>(
  ctx: TransformContext,
  ref: ArtifactRef,
  work: (table: OpenTable) => Promise<T>,
): Promise<T> {
  const dir = await ctx.artifacts.tempDir();
  const db = await TableDatabase.open({ tempDirectory: join(dir, 'spill'), signal: ctx.signal });
  try {
    const info = await tableInfoIn(db, ref.path);
    await db.run(`CREATE VIEW input AS SELECT * FROM read_parquet(${quoteLiteral(ref.path)})`);
    return await work({ db, info, dir, path: ref.path });
  } finally {
    db.close();
  }
}

/** Writes a query's rows as a table artifact with the given lineage. */
export async function writeTable(
  ctx: TransformContext,
  table: OpenTable,
  select: string,
  lineage: TableLineage,
  name = 'table',
): Promise<{ ref: ArtifactRef; rowCount: number }> {
  const path = join(table.dir, `${name}.parquet`);
  const { rowCount } = await writeTableFromQuery(table.db, select, path, lineage);
  const ref = await ctx.artifacts.importFile(path, { mediaType: TABLE_MEDIA_TYPE });
  return { ref, rowCount };
}

/** Writes fitted steps as a `transform` artifact for `transform.apply`. */
export function writeTransform(ctx: TransformContext, fittedBy: string, steps: FittedStep[]): Promise<ArtifactRef> {
  const transform: FittedTransform = { format: 'loom.transform', version: 1, fittedBy, steps };
  return ctx.artifacts.write(JSON.stringify(transform), { mediaType: 'application/json' });
}

/** A lineage with more fitted steps at its end. */
export function extendLineage(lineage: TableLineage, steps: readonly FittedStep[]): TableLineage {
  return { ...lineage, steps: [...lineage.steps, ...steps] };
}

/** The error for a column name a parameter gives but the table lacks, listing the columns there are. */
export function unknownColumn(param: string, name: string, columns: readonly TableColumnInfo[]): NodeError {
  return new NodeError(
    `${param}: column ${JSON.stringify(name)} is not in the table; its columns are: ${columns.map((c) => JSON.stringify(c.name)).join(', ')}`,
    { retryable: false },
  );
}

/** Looks the named columns up, in the order given, dropping repeats; an unknown name is an error. */
export function findColumns(
  param: string,
  names: readonly string[],
  columns: readonly TableColumnInfo[],
): TableColumnInfo[] {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const found: TableColumnInfo[] = [];
  for (const name of new Set(names)) {
    const column = byName.get(name);
    if (column === undefined) throw unknownColumn(param, name, columns);
    found.push(column);
  }
  return found;
}

/** Reads a number from a query result, refusing NULL and non-finite values with `problem`. */
export function finiteNumber(value: unknown, problem: () => string): number {
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new NodeError(problem(), { retryable: false });
  return number;
}

/** Plural-aware "1 row" / "2 rows". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
