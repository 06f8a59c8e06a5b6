import { sourceLineage, type TableLineage } from '@loom/ml';
import { columnKind, sourceColumnsOf, type TableColumnInfo } from './column-kind.ts';
import { TableDatabase } from './database.ts';
import { decodeLineage, LINEAGE_METADATA_KEY } from './lineage-metadata.ts';
import { quoteIdentifier, quoteLiteral } from './sql.ts';

/** What a table artifact holds, without reading its rows. */
export interface TableInfo {
  rowCount: number;
  columns: TableColumnInfo[];
  lineage: TableLineage;
}

/** A few rows of a table as plain JSON-friendly values, for previews in the designer and in logs. */
export interface TablePreview {
  /** Rows in the whole table, not only in the preview. */
  rowCount: number;
  columns: TableColumnInfo[];
  /** Numbers (BOOLEAN as true/false), strings, and NULL as null; other types as DuckDB prints them. */
  rows: Array<Record<string, number | string | boolean | null>>;
}

/** The columns of any query, in order, as `DESCRIBE` reports them. */
export async function describeQuery(db: TableDatabase, selectSql: string): Promise<TableColumnInfo[]> {
  const rows = await db.all(`DESCRIBE ${selectSql}`);
  return rows.map((row) => {
    const type = String(row.column_type);
    return { name: String(row.column_name), type, kind: columnKind(type) };
  });
}

/** `read_parquet` of a path, as a SQL table expression. */
export function parquetSource(path: string): string {
  return `read_parquet(${quoteLiteral(path)})`;
}

/** The number of rows in a Parquet file, from its footer. */
export async function parquetRowCount(db: TableDatabase, path: string): Promise<number> {
  const rows = await db.all(`SELECT count(*) AS n FROM ${parquetSource(path)}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The lineage of a table artifact: the one stored in its metadata or, for a Parquet file that has none
 * (one Loom did not write), a fresh lineage whose sources are its number and string columns.
 */
export async function lineageOf(db: TableDatabase, path: string, columns: TableColumnInfo[]): Promise<TableLineage> {
  const rows = await db.all(
    `SELECT value FROM parquet_kv_metadata(${quoteLiteral(path)}) WHERE decode(key) = ${quoteLiteral(LINEAGE_METADATA_KEY)}`,
  );
  const stored = rows[0]?.value;
  if (stored instanceof Uint8Array) return decodeLineage(stored, path);
  return sourceLineage(sourceColumnsOf(columns));
}

/**
 * Reads a Parquet table's row count, columns and lineage.
 *
 * @example
 * const { rowCount, columns, lineage } = await readTableInfo(ctx.inputs.table.path);
 */
export async function readTableInfo(path: string): Promise<TableInfo> {
  const db = await TableDatabase.open();
  try {
    return await tableInfoIn(db, path);
  } finally {
    db.close();
  }
}

/** {@link readTableInfo} on an open database. */
export async function tableInfoIn(db: TableDatabase, path: string): Promise<TableInfo> {
  const columns = await describeQuery(db, `SELECT * FROM ${parquetSource(path)}`);
  const rowCount = await parquetRowCount(db, path);
  return { rowCount, columns, lineage: await lineageOf(db, path, columns) };
}

/** Reads only a Parquet table's lineage (see {@link readTableInfo}). */
export async function readTableLineage(path: string): Promise<TableLineage> {
  return (await readTableInfo(path)).lineage;
}

/**
 * The first `limit` rows of a Parquet table, converted to plain values.
 *
 * @example
 * const { rows } = await previewTable(ref.path, 5);
 */
export async function previewTable(path: string, limit = 20): Promise<TablePreview> {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, not ${limit}`);
  const db = await TableDatabase.open();
  try {
    const columns = await describeQuery(db, `SELECT * FROM ${parquetSource(path)}`);
    const rowCount = await parquetRowCount(db, path);
    if (columns.length === 0) return { rowCount, columns, rows: [] };
    // Types without a plain JavaScript form (dates, lists, decimals, huge integers) are printed by DuckDB,
    // so a preview shows them the way SQL would.
    const selected = columns.map((column) => {
      const name = quoteIdentifier(column.name);
      if (column.kind === 'string' || column.type === 'BOOLEAN') return name;
      if (column.kind === 'number') {
        return column.type === 'FLOAT' || column.type === 'DOUBLE' ? name : `CAST(${name} AS DOUBLE) AS ${name}`;
      }
      return `CAST(${name} AS VARCHAR) AS ${name}`;
    });
    const found = await db.all(`SELECT ${selected.join(', ')} FROM ${parquetSource(path)} LIMIT ${limit}`);
    const rows = found.map((row) => {
      const plain: Record<string, number | string | boolean | null> = {};
      for (const column of columns) plain[column.name] = (row[column.name] ?? null) as number | string | boolean | null;
      return plain;
    });
    return { rowCount, columns, rows };
  } finally {
    db.close();
  }
}
