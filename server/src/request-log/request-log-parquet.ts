import { quoteIdentifier, quoteLiteral, type TableDatabase } from '@loom/tables';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';

/** The columns every request log file has, whatever the model's inputs are called. */
export const FIXED_COLUMNS = ['at', 'request_id', 'model_version', 'latency_ms', 'prediction', 'probabilities'];

type ColumnType = 'DOUBLE' | 'VARCHAR';
type Appender = Awaited<ReturnType<TableDatabase['connection']['createAppender']>>;

interface InputColumn {
  /** The input's name in the request. */
  input: string;
  /** Its column in the file: the input's name, or `input_<name>` when that is one of {@link FIXED_COLUMNS}. */
  column: string;
  type: ColumnType;
}

const STAGING_ROWS = 'request_log_rows';
const STAGING_PROBABILITIES = 'request_log_probabilities';

/**
 * The input columns of a batch, in the order the inputs first appear: VARCHAR when any value is a
 * string (numbers in it are written as text), else DOUBLE.
 */
function inputColumns(entries: readonly InferenceLogEntry[]): InputColumn[] {
  const types = new Map<string, ColumnType>();
  for (const entry of entries) {
    for (const [input, values] of Object.entries(entry.inputs)) {
      if (types.get(input) === 'VARCHAR') continue;
      types.set(input, values.some((v) => typeof v === 'string') ? 'VARCHAR' : 'DOUBLE');
    }
  }
  const taken = new Set([...FIXED_COLUMNS, ...types.keys()]);
  return [...types].map(([input, type]) => {
    if (!FIXED_COLUMNS.includes(input)) return { input, column: input, type };
    let column = `input_${input}`;
    while (taken.has(column)) column = `input_${column}`;
    taken.add(column);
    return { input, column, type };
  });
}

/** VARCHAR when any row has a label (classification), DOUBLE when rows have only values (regression). */
function predictionType(entries: readonly InferenceLogEntry[]): ColumnType {
  const labelled = entries.some((entry) => entry.predictions.some((p) => p.label !== undefined));
  return labelled ? 'VARCHAR' : 'DOUBLE';
}

function appendValue(appender: Appender, type: ColumnType, value: number | string | null | undefined): void {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    appender.appendNull();
  } else if (type === 'VARCHAR') {
    appender.appendVarchar(String(value));
  } else {
    appender.appendDouble(value as number);
  }
}

/**
 * Writes the rows of `entries` (one model version) to a Parquet file at `path`, one row per prediction:
 * `at` TIMESTAMP, `request_id` VARCHAR, `model_version` INTEGER, `latency_ms` DOUBLE (the request's), one
 * column per input (DOUBLE or VARCHAR; NaN, the tensor form of a missing number, as NULL), `prediction`
 * (VARCHAR label or DOUBLE value) and `probabilities` MAP(VARCHAR, DOUBLE) in the model's class order
 * (NULL without classes). The rows go into staging tables through DuckDB's appender, then one COPY.
 *
 * @returns the number of rows written
 */
export async function writeRequestLogParquet(
  db: TableDatabase,
  entries: readonly InferenceLogEntry[],
  path: string,
): Promise<number> {
  const inputs = inputColumns(entries);
  const prediction = predictionType(entries);
  const inputDefinitions = inputs.map((c) => `, ${quoteIdentifier(c.column)} ${c.type}`).join('');
  await db.run(
    `CREATE OR REPLACE TABLE ${STAGING_ROWS} (row_id INTEGER, at_us BIGINT, request_id VARCHAR, ` +
      `model_version INTEGER, latency_ms DOUBLE${inputDefinitions}, prediction ${prediction}); ` +
      `CREATE OR REPLACE TABLE ${STAGING_PROBABILITIES} (row_id INTEGER, ord INTEGER, class VARCHAR, p DOUBLE)`,
  );
  try {
    let rowId = 0;
    const rows = await db.connection.createAppender(STAGING_ROWS);
    const probabilities = await db.connection.createAppender(STAGING_PROBABILITIES);
    try {
      for (const entry of entries) {
        const atMicros = BigInt(entry.at.getTime()) * 1000n;
        entry.predictions.forEach((predicted, i) => {
          rows.appendInteger(rowId);
          rows.appendBigInt(atMicros);
          appendValue(rows, 'VARCHAR', entry.requestId);
          rows.appendInteger(entry.version);
          appendValue(rows, 'DOUBLE', entry.latencyMs);
          for (const c of inputs) appendValue(rows, c.type, entry.inputs[c.input]?.[i]);
          appendValue(rows, prediction, predicted.label ?? predicted.value);
          rows.endRow();
          let ord = 0;
          for (const [name, p] of Object.entries(predicted.probabilities ?? {})) {
            probabilities.appendInteger(rowId);
            probabilities.appendInteger(ord++);
            probabilities.appendVarchar(name);
            appendValue(probabilities, 'DOUBLE', p);
            probabilities.endRow();
          }
          rowId++;
        });
      }
      rows.flushSync();
      probabilities.flushSync();
    } finally {
      rows.closeSync();
      probabilities.closeSync();
    }
    const inputSelect = inputs.map((c) => `, r.${quoteIdentifier(c.column)}`).join('');
    await db.run(
      `COPY (SELECT make_timestamp(r.at_us) AS "at", r.request_id, r.model_version, r.latency_ms${inputSelect}, ` +
        'r.prediction, m.probabilities ' +
        `FROM ${STAGING_ROWS} r LEFT JOIN (SELECT row_id, MAP(list(class ORDER BY ord), list(p ORDER BY ord)) AS probabilities ` +
        `FROM ${STAGING_PROBABILITIES} GROUP BY row_id) m USING (row_id) ORDER BY r.row_id\n) ` +
        `TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
    return rowId;
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${STAGING_ROWS}; DROP TABLE IF EXISTS ${STAGING_PROBABILITIES}`);
  }
}
