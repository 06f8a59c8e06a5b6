import { quoteLiteral, readRelationColumns, type TableColumn, TableDatabase } from '@loom/tables';
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
  const empty: WindowData = {
    rows: 0,
    versions: {},
    version: null,
    versionRows: 0,
    inputs: new Map(),
    missingInputs: [],
    predictions: undefined,
    latencyMs: new Float64Array(0),
  };
  const files = await listRequestLogFiles(home, model, { from: window.start, to: window.end });
  if (files.length === 0) return empty;
  const db = await TableDatabase.open();
  try {
    const paths = files.map((file) => quoteLiteral(file.path)).join(', ');
    const inWindow =
      `"at" >= make_timestamp(${window.start.getTime() * 1000}::BIGINT) AND ` +
      `"at" < make_timestamp(${window.end.getTime() * 1000}::BIGINT)`;
    const source = `read_parquet([${paths}], union_by_name = true)`;
    const counted = await db.all(
      `SELECT model_version AS version, count(*) AS n FROM ${source} WHERE ${inWindow} GROUP BY 1 ORDER BY 1`,
    );
    const versions: Record<string, number> = {};
    let rows = 0;
    let version: number | null = null;
    for (const row of counted) {
      const n = Number(row.n);
      versions[String(row.version)] = n;
      rows += n;
      if (version === null || n >= (versions[String(version)] ?? 0)) version = Number(row.version);
    }
    if (version === null) return empty;
    await db.run(
      `CREATE TEMP VIEW ${WINDOW_VIEW} AS SELECT * FROM ${source} WHERE ${inWindow} AND model_version = ${version}`,
    );
    const available = new Set(
      (await db.all(`SELECT column_name FROM (DESCRIBE ${WINDOW_VIEW})`)).map((row) => String(row.column_name)),
    );
    const wanted = await inputsOf(version);
    const columnOf = new Map<string, string>();
    const missingInputs: string[] = [];
    for (const input of wanted) {
      const column = logColumnOf(input, available);
      if (column === undefined) missingInputs.push(input);
      else columnOf.set(input, column);
    }
    const read = await readRelationColumns(db, WINDOW_VIEW, [...columnOf.values(), 'prediction', 'latency_ms'], {
      label: `the request log of ${model} v${version}`,
      rowCount: versions[String(version)] as number,
    });
    const inputs = new Map<string, TableColumn>();
    for (const [input, column] of columnOf) inputs.set(input, read.columns.get(column) as TableColumn);
    const latency = read.columns.get('latency_ms');
    return {
      rows,
      versions,
      version,
      versionRows: read.rowCount,
      inputs,
      missingInputs,
      predictions: read.columns.get('prediction'),
      latencyMs: latency?.kind === 'number' ? latency.values : new Float64Array(0),
    };
  } finally {
    db.close();
  }
}
