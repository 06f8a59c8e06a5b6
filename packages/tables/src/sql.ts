/**
 * Quotes a column or table name for DuckDB SQL: wrapped in double quotes, inner quotes doubled, so any
 * name (spaces, `=`, quotes, keywords) is taken literally.
 *
 * @example
 * quoteIdentifier('city=Paris') // '"city=Paris"'
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error(`a column name cannot contain a NUL character: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string as a DuckDB SQL string literal: wrapped in single quotes, inner quotes doubled.
 * DuckDB does not treat backslashes as escapes in such literals, so nothing else needs escaping.
 *
 * @example
 * quoteLiteral("O'Brien") // "'O''Brien'"
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error(`a SQL string cannot contain a NUL character: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A DOUBLE literal that DuckDB reads back as exactly `value`: JavaScript's shortest round-trip form,
 * parsed as a string, because a bare `0.1` is a DECIMAL in DuckDB and very long literals lose digits.
 *
 * @example
 * doubleLiteral(0.1) // "CAST('0.1' AS DOUBLE)"
 */
export function doubleLiteral(value: number): string {
  if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
  if (value === Number.POSITIVE_INFINITY) return "CAST('Infinity' AS DOUBLE)";
  if (value === Number.NEGATIVE_INFINITY) return "CAST('-Infinity' AS DOUBLE)";
  // -0 prints as "0"; keep its sign so a fitted offset of -0 survives unchanged.
  return `CAST('${Object.is(value, -0) ? '-0' : String(value)}' AS DOUBLE)`;
}
