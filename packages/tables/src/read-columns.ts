import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { TableColumnInfo } from './column-kind.ts';
import { TableDatabase } from './database.ts';
import { quoteIdentifier } from './sql.ts';
import { describeQuery, parquetRowCount, parquetSource } from './table-info.ts';

/**
 * One column, ready for a trainer. Number columns (every numeric type, BOOLEAN as 0/1) arrive as
 * float64 with NULL as NaN; string columns as strings with NULL as null.
 */
export type TableColumn =
  | {
      kind: 'number';
      values: Float64Array;
      /** Entries of `values` that are NaN: the column's NULLs and any NaN stored in it. */
      nullCount: number;
    }
  | { kind: 'string'; values: Array<string | null>; nullCount: number };

/** The columns {@link readColumns} read, by name, in the order they were asked for. */
export interface ReadColumnsResult {
  rowCount: number;
  columns: Map<string, TableColumn>;
}

type Bindings = typeof import('@duckdb/node-bindings');

/**
 * Reads whole columns of a Parquet table into typed arrays: the bridge from tables to trainers.
 * Number columns are cast to DOUBLE by DuckDB and copied straight out of its vectors, chunk by chunk
 * (about twice as fast as converting values one by one); NULLs come out as NaN.
 *
 * @throws Error naming the column and listing the table's columns when a name is unknown, and for a
 * column that is neither number nor string (a date, a list…).
 * @example
 * const { rowCount, columns } = await readColumns(ref.path, ['age', 'city'], { signal: ctx.signal });
 * const age = columns.get('age'); // { kind: 'number', values: Float64Array, nullCount }
 */
export async function readColumns(
  path: string,
  names: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<ReadColumnsResult> {
  const db = await TableDatabase.open(options.signal === undefined ? {} : { signal: options.signal });
  try {
    const rowCount = await parquetRowCount(db, path);
    return await readRelationColumns(db, parquetSource(path), names, { label: path, rowCount });
  } finally {
    db.close();
  }
}

/**
 * {@link readColumns} over any relation of an open database: a table, a view, or a `FROM` expression
 * such as `read_parquet([...])`, e.g. the rows of a time window gathered from several files.
 *
 * @param options.label names the relation in error messages; `rowCount`, when known, saves a count.
 */
export async function readRelationColumns(
  db: TableDatabase,
  relation: string,
  names: readonly string[],
  options: { label?: string; rowCount?: number } = {},
): Promise<ReadColumnsResult> {
  const label = options.label ?? relation;
  const available = await describeQuery(db, `SELECT * FROM ${relation}`);
  const wanted = pickColumns(available, names, label);
  const rowCount = options.rowCount ?? Number((await db.all(`SELECT count(*) AS n FROM ${relation}`))[0]?.n ?? 0);
  const columns = new Map<string, TableColumn>();
  for (const column of wanted) {
    columns.set(
      column.name,
      column.kind === 'number'
        ? { kind: 'number', values: new Float64Array(rowCount), nullCount: 0 }
        : { kind: 'string', values: new Array<string | null>(rowCount).fill(null), nullCount: 0 },
    );
  }
  if (wanted.length === 0 || rowCount === 0) return { rowCount, columns };
  const bindings = await loadBindings();
  const selected = wanted.map((column) => {
    const name = quoteIdentifier(column.name);
    return column.kind === 'number' ? `CAST(${name} AS DOUBLE) AS ${name}` : name;
  });
  const result = await db.stream(`SELECT ${selected.join(', ')} FROM ${relation}`);
  const targets = wanted.map((column) => columns.get(column.name) as TableColumn);
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    db.throwIfAborted();
    if (offset + chunk.rowCount > rowCount) {
      throw new Error(`${label}: more rows than the ${rowCount} its footer announced`);
    }
    for (let c = 0; c < targets.length; c++) {
      const target = targets[c] as TableColumn;
      if (target.kind === 'number') target.nullCount += copyDoubles(bindings, chunk, c, target.values, offset);
      else target.nullCount += copyStrings(chunk, c, target.values, offset);
    }
    offset += chunk.rowCount;
  }
  if (offset !== rowCount) throw new Error(`${label}: read ${offset} rows where its footer announced ${rowCount}`);
  return { rowCount, columns };
}

/** The low-level bindings: a CommonJS module whose exports ESM sees only as its default export. */
async function loadBindings(): Promise<Bindings> {
  const imported = (await import('@duckdb/node-bindings')) as unknown as { default?: Bindings };
  return imported.default ?? (imported as Bindings);
}

function pickColumns(available: TableColumnInfo[], names: readonly string[], path: string): TableColumnInfo[] {
  const byName = new Map(available.map((column) => [column.name, column]));
  const picked: TableColumnInfo[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const column = byName.get(name);
    if (column === undefined) {
      const list = available.map((c) => JSON.stringify(c.name)).join(', ');
      throw new Error(`column ${JSON.stringify(name)} is not in the table ${path}; its columns are: ${list}`);
    }
    if (column.kind === 'other') {
      throw new Error(
        `column ${JSON.stringify(name)} is ${column.type}, which cannot be read as numbers or text; ` +
          'convert it first (e.g. with transform.sql)',
      );
    }
    picked.push(column);
  }
  return picked;
}

/** Copies one DOUBLE vector into `target` at `offset`; returns how many entries are NaN (NULL or stored NaN). */
function copyDoubles(
  bindings: Bindings,
  chunk: DuckDBDataChunk,
  columnIndex: number,
  target: Float64Array,
  offset: number,
): number {
  const size = chunk.rowCount;
  const vector = bindings.data_chunk_get_vector(chunk.chunk, columnIndex);
  const bytes = bindings.vector_get_data(vector, size * Float64Array.BYTES_PER_ELEMENT);
  if (bytes.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0) {
    target.set(new Float64Array(bytes.buffer, bytes.byteOffset, size), offset);
  } else {
    // A misaligned view cannot be a Float64Array; copy the bytes instead.
    new Uint8Array(target.buffer, target.byteOffset + offset * 8, size * 8).set(bytes);
  }
  // The validity mask is null when every entry is valid; otherwise bit i (little-endian) marks row i valid.
  const validity: Uint8Array | null = bindings.vector_get_validity(vector, Math.ceil(size / 64) * 8);
  if (validity !== null) {
    for (let i = 0; i < size; i++) {
      if ((((validity[i >>> 3] as number) >>> (i & 7)) & 1) === 0) target[offset + i] = Number.NaN;
    }
  }
  let missing = 0;
  for (let i = offset, end = offset + size; i < end; i++) {
    if (Number.isNaN(target[i])) missing++;
  }
  return missing;
}

function copyStrings(chunk: DuckDBDataChunk, columnIndex: number, target: Array<string | null>, offset: number) {
  const values = chunk.getColumnValues(columnIndex);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      target[offset + i] = null;
      missing++;
    } else {
      target[offset + i] = value as string;
    }
  }
  return missing;
}
