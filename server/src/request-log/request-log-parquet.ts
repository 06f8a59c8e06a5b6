import { type AppendedColumn, appendColumns, quoteIdentifier, quoteLiteral, type TableDatabase } from '@loom/tables';
import type { LoggedColumn, RequestLogBatch } from './request-log-batch.ts';

/** The columns every request log file has, whatever the model's inputs are called. */
export const FIXED_COLUMNS = ['at', 'request_id', 'model_version', 'latency_ms', 'prediction', 'probabilities'];

/**
 * A text column with at most this many distinct values is staged as codes and turned back into text
 * by the COPY (one list lookup per row inside DuckDB); a larger one, such as request ids, is staged as
 * text (one call into DuckDB per row).
 */
const SMALL_DICTIONARY = 256;

const STAGING = 'request_log_staging';

/**
 * The file column names of a batch's inputs: the input's own name, or `input_<name>` when DuckDB
 * would take it for a fixed column or an input placed before it (DuckDB compares names without case).
 */
export function inputColumnNames(inputs: readonly string[]): string[] {
  const inputSet = new Set(inputs);
  const taken = new Set(FIXED_COLUMNS);
  const names: string[] = [];
  for (const input of inputs) {
    let column = input;
    while (taken.has(column.toLowerCase()) || (column !== input && inputSet.has(column))) column = `input_${column}`;
    taken.add(column.toLowerCase());
    names.push(column);
  }
  return names;
}

/** One column of the staging table: its name and type there, its values, and the SQL that reads it for the file. */
interface Staged {
  name: string;
  type: AppendedColumn['type'];
  append: AppendedColumn;
  select: string;
}

function stagedNumbers(name: string, values: Float64Array): Staged {
  return { name, type: 'DOUBLE', append: { type: 'DOUBLE', values }, select: quoteIdentifier(name) };
}

function staged(name: string, column: LoggedColumn): Staged {
  if (column.kind === 'number') return stagedNumbers(name, column.values);
  const id = quoteIdentifier(name);
  if (column.dictionary.length > SMALL_DICTIONARY) {
    return { name, type: 'VARCHAR', append: { type: 'VARCHAR', ...column }, select: id };
  }
  // List positions count from 1, and position 0 is NULL: the code of a NULL, -1, reads as NULL.
  return {
    name,
    type: 'INTEGER',
    append: { type: 'INTEGER', values: column.codes },
    select: `(${stringList(column.dictionary)})[${id} + 1]`,
  };
}

function stringList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]::VARCHAR[]`;
}

/**
 * Writes a batch (the rows of one model version) to a Parquet file at `path`, one row per prediction:
 * `at` TIMESTAMP, `request_id` VARCHAR, `model_version` INTEGER, `latency_ms` DOUBLE (the request's), one
 * column per input (DOUBLE or VARCHAR; NaN, the tensor form of a missing number, as NULL), `prediction`
 * (VARCHAR label or DOUBLE value) and `probabilities` MAP(VARCHAR, DOUBLE) in the model's class order
 * (NULL without classes). The columns go into a staging table a chunk at a time (`appendColumns`),
 * then one COPY turns the codes of text columns back into text.
 *
 * @returns the number of rows written
 */
export async function writeRequestLogParquet(db: TableDatabase, batch: RequestLogBatch, path: string): Promise<number> {
  const requestId = staged('request_id', batch.requestId);
  const inputs = batch.inputs.map((input, i) => staged(`i${i}`, input.column));
  const prediction = staged('prediction', batch.prediction);
  const columns: Staged[] = [
    stagedNumbers('at_ms', batch.at),
    requestId,
    stagedNumbers('latency_ms', batch.latencyMs),
    ...inputs,
    prediction,
    {
      name: 'probabilities',
      type: 'MAP(VARCHAR, DOUBLE)',
      append: {
        type: 'MAP(VARCHAR, DOUBLE)',
        keyLists: batch.classSets,
        keyList: batch.classSet,
        values: batch.probabilities,
      },
      select: 'probabilities',
    },
  ];
  const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`).join(', ');
  await db.run(`CREATE OR REPLACE TABLE ${STAGING} (${definitions})`);
  try {
    await appendColumns(
      db,
      STAGING,
      batch.rows,
      columns.map((column) => column.append),
    );
    const inputNames = inputColumnNames(batch.inputs.map((input) => input.name));
    const inputSelect = inputs.map((input, i) => `, ${input.select} AS ${quoteIdentifier(inputNames[i] as string)}`);
    // Without ORDER BY, DuckDB keeps the staging table's order (preserve_insertion_order): rows as answered.
    await db.run(
      `COPY (SELECT make_timestamp(CAST(at_ms * 1000 AS BIGINT)) AS "at", ${requestId.select} AS request_id, ` +
        `CAST(${batch.version} AS INTEGER) AS model_version, latency_ms${inputSelect.join('')}, ` +
        `${prediction.select} AS prediction, probabilities FROM ${STAGING}) ` +
        `TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
    return batch.rows;
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${STAGING}`);
  }
}
