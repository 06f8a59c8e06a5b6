import { NodeError } from '@loom/sdk';

/** The file formats the data nodes read, for messages. */
export type SourceFormat = 'csv' | 'json' | 'parquet';

const CONVERSION = /Error when converting column "(.*)"\. Could not convert string "(.*)" to '([^']*)'/;
const CSV_LINE = /CSV Error on Line: (\d+)\n(?:Original Line:[^\n]*\n)?([^\n]*)/;
const MALFORMED_JSON = /Malformed JSON in file ".*", at byte (\d+) in (line|record\/value) (\d+): ([^\n]*?)\.?\s*$/m;
const UNKNOWN_TYPE = /Type with name (\S+) does not exist/;

/**
 * Turns DuckDB's errors about a data file into messages a user can act on: the file, the line and the
 * column, and what to change. DuckDB's own text lists its reader's internal options, which name
 * parameters our nodes do not have. Errors this does not recognise keep DuckDB's first line.
 */
export function rewordReadError(cause: unknown, shown: string, format: SourceFormat): unknown {
  if (!(cause instanceof Error) || cause instanceof NodeError) return cause;
  const message = cause.message;
  const fail = (text: string) => new NodeError(text, { retryable: false, cause });

  const conversion = CONVERSION.exec(message);
  const csvLine = CSV_LINE.exec(message);
  if (conversion !== null) {
    const [, column, value, type] = conversion as unknown as [string, string, string, string];
    const where = csvLine === null ? shown : `${shown} line ${csvLine[1]}`;
    const missingHint = `if "${value}" marks a missing value, add it to null_values`;
    if (message.includes('auto-detected')) {
      return fail(
        `${where}: column "${column}" holds "${value}", which is not a valid ${type}. ` +
          `The type ${type} was inferred from the first rows of the file; ${missingHint}, ` +
          `or set columns: {"${column}": "VARCHAR"} to keep the column as text.`,
      );
    }
    return fail(
      `${where}: column "${column}" holds "${value}", which is not a valid ${type} (the type set in columns); ${missingHint}.`,
    );
  }
  if (csvLine !== null) return fail(`${shown} line ${csvLine[1]}: ${csvLine[2]}`);
  if (message.includes('Error when sniffing file')) {
    return fail(
      `${shown}: could not work out the CSV layout; check the delimiter and header parameters, ` +
        'and that every row has the same number of fields',
    );
  }
  const unknownType = UNKNOWN_TYPE.exec(message);
  if (unknownType !== null) {
    return fail(
      `columns: ${unknownType[1]} is not a DuckDB type (use e.g. DOUBLE, BIGINT, VARCHAR, BOOLEAN, DATE, TIMESTAMP)`,
    );
  }
  const json = MALFORMED_JSON.exec(message);
  if (json !== null) {
    const [, byte, unit, index, reason] = json as unknown as [string, string, string, string, string];
    return fail(`${shown} is not valid JSON: ${unit === 'line' ? 'line' : 'record'} ${index}, byte ${byte}: ${reason}`);
  }
  if (message.includes('expected records, but got non-record JSON')) {
    return fail(
      `${shown} holds no JSON objects: data.json reads an array of objects, or JSON Lines with one object per line`,
    );
  }
  if (message.includes('No magic bytes found at end of file') || message.includes('too small to be a Parquet file')) {
    return fail(`${shown} is not a Parquet file`);
  }
  if (/^[A-Z][A-Za-z ]* Error: /.test(message)) {
    const what = format === 'csv' ? 'CSV' : format === 'json' ? 'JSON' : 'Parquet';
    return fail(`could not read ${shown} as ${what}: ${firstLine(message)}`);
  }
  return cause;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}
