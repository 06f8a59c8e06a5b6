import type { SourceColumn } from '@loom/ml';

/**
 * How Loom treats a column: `number` for every integer, decimal and floating-point type and for
 * BOOLEAN (as 0/1); `string` for VARCHAR; `other` for the rest (dates, times, lists, structs, blobs…),
 * which trainers and the fitted steps do not take.
 */
export type TableColumnKind = 'number' | 'string' | 'other';

/** A column as a table's schema describes it. */
export interface TableColumnInfo {
  name: string;
  /** The DuckDB type, e.g. `BIGINT`, `DOUBLE`, `DECIMAL(10,2)`, `VARCHAR`, `DATE`. */
  type: string;
  kind: TableColumnKind;
}

const NUMBER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'FLOAT',
  'DOUBLE',
  'BOOLEAN',
]);

/** The kind of a DuckDB type name as `DESCRIBE` prints it. */
export function columnKind(type: string): TableColumnKind {
  if (NUMBER_TYPES.has(type) || type.startsWith('DECIMAL(')) return 'number';
  if (type === 'VARCHAR') return 'string';
  return 'other';
}

/** The columns a lineage can start from: the number and string ones, in table order. */
export function sourceColumnsOf(columns: readonly TableColumnInfo[]): SourceColumn[] {
  return columns.flatMap((column) => (column.kind === 'other' ? [] : [{ name: column.name, kind: column.kind }]));
}
