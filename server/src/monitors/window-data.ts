import {
  quoteIdentifier,
  quoteLiteral,
  readRelationColumns,
  type TableColumn,
  TableDatabase,
  writeSourceTable,
} from '@loom/tables';
import { listRequestLogFiles } from '../request-log/request-log-files.ts';
import { FIXED_COLUMNS } from '../request-log/request-log-parquet.ts';

/** The logged rows of one model version in one window, column by column. */
export interface WindowData {
  /** Rows in the window, all versions together. */
  rows: number;
  /** Rows per version, by version number. */
  versions: Record<string, number>;
  /** The version read: the one that answered most rows (the newest on a tie); null without rows. */
  version: number | null;
  /** Rows of {@link version}. */
  versionRows: number;
  /** The inputs asked for that the log has, by input name (not by file column). */
  inputs: Map<string, TableColumn>;
  /** Inputs asked for that no file of the window logged. */
  missingInputs: string[];
  /** The version's predictions: labels (text) or values. */
  predictions: TableColumn | undefined;
  /** Each row's request latency in milliseconds. */
  latencyMs: Float64Array;
}

const WINDOW_VIEW = 'monitor_window_rows';

/** An input's column in a request-log file: its own name, or `input_<name>` where it meets a fixed column. */
function logColumnOf(input: string, available: ReadonlySet<string>): string | undefined {
  if (!FIXED_COLUMNS.includes(input)) return available.has(input) ? input : undefined;
  let column = `input_${input}`;
  while (!available.has(column)) {
    if (column.length > input.length + 60) return undefined;
    column = `input_${column}`;
  }
  return column;
}

/** A window's rows counted per version, and the version chosen from them. */
interface OpenedWindow {
  rows: number;
  versions: Record<string, number>;
  /** The version asked for, or the one that answered most (the newest on a tie); null when none did. */
  version: number | null;
  versionRows: number;
  /** The log's column of each input it holds, by input name; empty when the version has no rows. */
  columnOf: Map<string, string>;
  missingInputs: string[];
}

/**
 * The shared part of reading a window: lists `model`'s request-log files under `home` that overlap
 * `[start, end)`, counts the rows per version, picks the version (`pick`, or the one that answered
 * most), and, when it has rows, makes {@link WINDOW_VIEW} of its rows and maps the inputs
 * `inputsOf(version)` names to the log's columns. `use` gets the database (undefined when no file
 * overlaps the window) and what was found; the database is closed after it.
 */
async function inWindow<T>(
  home: string,
  model: string,
  window: { start: Date; end: Date },
  pick: number | undefined,
  inputsOf: (version: number) => Promise<readonly string[]> | readonly string[],
  use: (db: TableDatabase | undefined, opened: OpenedWindow) => Promise<T>,
): Promise<T> {
  const opened: OpenedWindow = {
    rows: 0,
    versions: {},
    version: pick ?? null,
    versionRows: 0,
    columnOf: new Map(),
    missingInputs: [],
  };
  const files = await listRequestLogFiles(home, model, { from: window.start, to: window.end });
  if (files.length === 0) return use(undefined, opened);
  const db = await TableDatabase.open();
  try {
    const paths = files.map((file) => quoteLiteral(file.path)).join(', ');
    const inRange =
      `"at" >= make_timestamp(${window.start.getTime() * 1000}::BIGINT) AND ` +
      `"at" < make_timestamp(${window.end.getTime() * 1000}::BIGINT)`;
    const source = `read_parquet([${paths}], union_by_name = true)`;
    const counted = await db.all(
      `SELECT model_version AS version, count(*) AS n FROM ${source} WHERE ${inRange} GROUP BY 1 ORDER BY 1`,
    );
    let most: number | null = null;
    for (const row of counted) {
      const n = Number(row.n);
      opened.versions[String(row.version)] = n;
      opened.rows += n;
      if (most === null || n >= (opened.versions[String(most)] ?? 0)) most = Number(row.version);
    }
    const version = pick ?? most;
    opened.version = version;
    opened.versionRows = version === null ? 0 : (opened.versions[String(version)] ?? 0);
    if (version === null || opened.versionRows === 0) return await use(db, opened);
    await db.run(
      `CREATE TEMP VIEW ${WINDOW_VIEW} AS SELECT * FROM ${source} WHERE ${inRange} AND model_version = ${version}`,
    );
    const available = new Set(
      (await db.all(`SELECT column_name FROM (DESCRIBE ${WINDOW_VIEW})`)).map((row) => String(row.column_name)),
    );
    for (const input of await inputsOf(version)) {
      const column = logColumnOf(input, available);
      if (column === undefined) opened.missingInputs.push(input);
      else opened.columnOf.set(input, column);
    }
    return await use(db, opened);
  } finally {
    db.close();
  }
}

/**
 * Reads what `model`'s endpoint logged in `[start, end)` from its request log under `home`: the rows of
 * the version that answered most of them (the one whose baseline they are compared with), for the
 * inputs `inputsOf(version)` names. Every version's row count is reported too.
 */
export async function readWindow(
  home: string,
  model: string,
  window: { start: Date; end: Date },
  inputsOf: (version: number) => Promise<readonly string[]> | readonly string[],
): Promise<WindowData> {
  return inWindow(home, model, window, undefined, inputsOf, async (db, opened) => {
    const { version } = opened;
    if (db === undefined || version === null) {
      return {
        rows: 0,
        versions: {},
        version: null,
        versionRows: 0,
        inputs: new Map(),
        missingInputs: [],
        predictions: undefined,
        latencyMs: new Float64Array(0),
      };
    }
    const read = await readRelationColumns(db, WINDOW_VIEW, [...opened.columnOf.values(), 'prediction', 'latency_ms'], {
      label: `the request log of ${model} v${version}`,
      rowCount: opened.versionRows,
    });
    const inputs = new Map<string, TableColumn>();
    for (const [input, column] of opened.columnOf) inputs.set(input, read.columns.get(column) as TableColumn);
    const latency = read.columns.get('latency_ms');
    return {
      rows: opened.rows,
      versions: opened.versions,
      version,
      versionRows: read.rowCount,
      inputs,
      missingInputs: opened.missingInputs,
      predictions: read.columns.get('prediction'),
      latencyMs: latency?.kind === 'number' ? latency.values : new Float64Array(0),
    };
  });
}

/** The columns of a traffic table: a model version's inputs, and the kind of its answers. */
export interface WindowTableColumns {
  inputs: ReadonlyArray<{ name: string; kind: 'number' | 'string' }>;
  /** `string` for labels (classification), `number` for values (regression). */
  prediction: 'number' | 'string';
}

/** What {@link writeWindowTable} wrote. */
export interface WrittenWindowTable {
  /** Rows in the table: those of {@link version}. */
  rows: number;
  /** Rows in the window per version, by version number. */
  versions: Record<string, number>;
  version: number | null;
  missingInputs: string[];
  predictionColumn: string;
}

/**
 * Writes the rows of one version in `model`'s request log in `[start, end)` to a Parquet table at
 * `outPath`, read as {@link readWindow} reads them: one column per input `columnsOf(version)` names
 * (under the input's own name, whatever the log's column is), and the endpoint's answers in
 * `prediction` (`_prediction`, … when an input is called that). The version is `pick`, or the one that
 * answered most. Without rows the table is empty but has every input's column, typed by its kind
 * (`columnsOf(null)` when no version was asked for and none answered).
 */
export async function writeWindowTable(
  home: string,
  model: string,
  window: { start: Date; end: Date },
  pick: number | undefined,
  columnsOf: (version: number | null) => Promise<WindowTableColumns> | WindowTableColumns,
  outPath: string,
): Promise<WrittenWindowTable> {
  const inputNames = async (version: number) => (await columnsOf(version)).inputs.map((input) => input.name);
  return inWindow(home, model, window, pick, inputNames, async (found, opened) => {
    const columns = await columnsOf(opened.version);
    let predictionColumn = 'prediction';
    while (columns.inputs.some((input) => input.name === predictionColumn)) predictionColumn = `_${predictionColumn}`;
    const db = found ?? (await TableDatabase.open());
    try {
      let select: string;
      if (opened.versionRows === 0) {
        const typed = (kind: 'number' | 'string') => (kind === 'number' ? 'DOUBLE' : 'VARCHAR');
        const nulls = [
          ...columns.inputs.map((input) => `NULL::${typed(input.kind)} AS ${quoteIdentifier(input.name)}`),
          `NULL::${typed(columns.prediction)} AS ${quoteIdentifier(predictionColumn)}`,
        ];
        select = `SELECT ${nulls.join(', ')} WHERE false`;
      } else {
        const picked = [...opened.columnOf].map(
          ([input, column]) => `${quoteIdentifier(column)} AS ${quoteIdentifier(input)}`,
        );
        select = `SELECT ${[...picked, `prediction AS ${quoteIdentifier(predictionColumn)}`].join(', ')} FROM ${WINDOW_VIEW}`;
      }
      const { rowCount } = await writeSourceTable(db, select, outPath);
      return {
        rows: rowCount,
        versions: opened.versions,
        version: opened.version,
        missingInputs: opened.missingInputs,
        predictionColumn,
      };
    } finally {
      if (found === undefined) db.close();
    }
  });
}
