import { defineNode, inputFile, NodeError, output, Type } from '@loom/sdk';
import { describeQuery, quoteIdentifier, quoteLiteral, type TableColumnInfo, type TableDatabase } from '@loom/tables';
import { ingestTable } from './ingest.ts';
import { rewordReadError } from './read-errors.ts';
import { fingerprintSource, obtainSource } from './source-file.ts';

/** The path parameter every data node shares. */
export const PATH_DESCRIPTION =
  'A relative path is looked up in the pipeline file’s folder under `loom run`, and in the server’s first data folder under `loom start` (LOOM_DATA_ROOTS; by default the folder the server was started in), then in each folder listed in LOOM_DATA_ROOTS. Or an absolute path (a server reads only inside its data folders), or an http(s) URL to download.';

export const dataCsv = defineNode({
  type: 'data.csv',
  version: '1.0.0',
  title: 'CSV file',
  description:
    'Reads a CSV file (also .csv.gz) into a table. Column types are inferred from the data; a value that does not fit its column’s type stops the run with its line number.',
  category: 'data',
  params: Type.Object({
    path: inputFile({ description: `The CSV file. ${PATH_DESCRIPTION}` }),
    delimiter: Type.String({
      minLength: 1,
      default: ',',
      description: 'The character between fields, e.g. "," or ";" or a tab.',
    }),
    header: Type.Boolean({
      default: true,
      description: 'Whether the first line names the columns; without one they are named column0, column1, …',
    }),
    null_values: Type.Array(Type.String(), {
      default: [],
      description: 'Values that mean “missing”, besides empty fields, e.g. ["NA", "?"].',
    }),
    columns: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      default: {},
      description:
        'Types that replace the inferred ones, by column name, e.g. {"zip": "VARCHAR", "price": "DOUBLE"}. Types are DuckDB’s: DOUBLE, BIGINT, VARCHAR, BOOLEAN, DATE, TIMESTAMP.',
    }),
  }),
  outputs: { table: output('table', { description: 'The rows of the file, with a source lineage of its columns.' }) },
  fingerprint: (ctx) => fingerprintSource(ctx),
  async run(ctx) {
    const { params } = ctx;
    const source = await obtainSource(params.path, ctx);
    const dialect = [
      `header = ${params.header}`,
      `delim = ${quoteLiteral(params.delimiter)}`,
      // Empty fields stay missing whatever else the user lists: that is what every spreadsheet means by them.
      `nullstr = [${['', ...params.null_values].map(quoteLiteral).join(', ')}]`,
    ];
    const overrides = Object.entries(params.columns);
    const types = `types = {${overrides.map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ')}}`;
    const options = overrides.length > 0 ? [...dialect, types] : dialect;
    const reader = (extra: string[]) => `read_csv(${[quoteLiteral(source.path), ...extra].join(', ')})`;
    return ingestTable(ctx, {
      source,
      format: 'csv',
      reader: reader(options),
      beforeRead: async (db) => {
        if (overrides.length === 0) return;
        // DuckDB only says that a name is missing; list the columns there are.
        const detected = await describeQuery(db, `SELECT * FROM ${reader(dialect)}`).catch((cause: unknown) => {
          throw rewordReadError(cause, source.shown, 'csv');
        });
        const names = new Set(detected.map((column) => column.name));
        const unknown = overrides.map(([name]) => name).filter((name) => !names.has(name));
        if (unknown.length > 0) {
          throw new NodeError(
            `columns names ${unknown.map((n) => JSON.stringify(n)).join(', ')}, which ${source.shown} does not have; ` +
              `its columns are: ${detected.map((column) => JSON.stringify(column.name)).join(', ')}`,
            { retryable: false },
          );
        }
      },
      afterWrite: async (db, path, columns) => {
        for (const warning of await mostlyNumericTextColumns(db, path, columns)) ctx.log.warn(warning);
      },
    });
  },
});

/**
 * Warnings for text columns whose values are numbers but for a few: usually a missing-value marker
 * ("NA", "?") or a typo that made the type inference read the whole column as text, which a user would
 * otherwise notice only when a trainer ignores or one-hot encodes it.
 */
export async function mostlyNumericTextColumns(
  db: TableDatabase,
  path: string,
  columns: TableColumnInfo[],
): Promise<string[]> {
  const text = columns.filter((column) => column.kind === 'string');
  if (text.length === 0 || columns.some((column) => column.name === 'file_row_number')) return [];
  const table = `read_parquet(${quoteLiteral(path)})`;
  const notNumber = (name: string) => `(${name} IS NOT NULL AND TRY_CAST(${name} AS DOUBLE) IS NULL)`;
  const counts = await db.all(
    `SELECT ${text
      .map((column, i) => {
        const name = quoteIdentifier(column.name);
        return `count(${name}) AS present${i}, count(*) FILTER (WHERE ${notNumber(name)}) AS odd${i}`;
      })
      .join(', ')} FROM ${table}`,
  );
  const row = counts[0] ?? {};
  const warnings: string[] = [];
  for (const [i, column] of text.entries()) {
    const present = Number(row[`present${i}`] ?? 0);
    const odd = Number(row[`odd${i}`] ?? 0);
    // Mostly numbers: at most 1% (and at least one) of the present values are not.
    if (odd === 0 || odd === present || odd > Math.max(1, present * 0.01)) continue;
    const name = quoteIdentifier(column.name);
    const [first] = await db.all(
      `SELECT file_row_number + 1 AS row, ${name} AS value FROM read_parquet(${quoteLiteral(path)}, file_row_number = true) ` +
        `WHERE ${notNumber(name)} ORDER BY file_row_number LIMIT 1`,
    );
    warnings.push(
      `column "${column.name}" was read as text because ${odd} of its ${present} values ${odd === 1 ? 'is' : 'are'} not ` +
        `numbers (first: ${JSON.stringify(first?.value)} in data row ${first?.row}); if that marks a missing value, add it ` +
        `to null_values; to read the column as numbers and stop at such values, set columns: {"${column.name}": "DOUBLE"}`,
    );
  }
  return warnings;
}
