import { type ArrayOptions, type StringOptions, type TArray, type TString, Type } from '@sinclair/typebox';

/**
 * The JSON Schema keyword that marks a string parameter as naming a column of a table input; its value
 * is the input port's name. Validators ignore it (so documents check as before); the designer reads it
 * to offer the upstream table's columns and to flag a name the table does not have.
 */
export const COLUMN_OF_KEYWORD = 'x-loom-column-of';

/**
 * A parameter that names one column of the table on input port `input`.
 *
 * @example
 * params: Type.Object({ label: columnParam('table', { minLength: 1, description: 'The column to predict.' }) })
 */
export function columnParam(input: string, options: StringOptions = {}): TString {
  return Type.String({ ...options, [COLUMN_OF_KEYWORD]: input });
}

/**
 * A parameter that lists columns of the table on input port `input`; `item` holds the options of each
 * name (`{ minLength: 1 }` by default).
 *
 * @example
 * params: Type.Object({ features: columnsParam('table', { default: [], description: 'Columns to learn from.' }) })
 */
export function columnsParam(
  input: string,
  options: ArrayOptions = {},
  item: StringOptions = { minLength: 1 },
): TArray<TString> {
  return Type.Array(columnParam(input, item), options);
}

/** What a parameter's schema says it names: columns of the table on input port `input`, one or a list. */
export interface ColumnReference {
  input: string;
  many: boolean;
}

/**
 * Whether a parameter schema (TypeBox or its JSON Schema) names columns, as {@link columnParam} and
 * {@link columnsParam} mark them, and of which input.
 *
 * @example columnReferenceOf(columnsParam('table')) // { input: 'table', many: true }
 */
export function columnReferenceOf(schema: unknown): ColumnReference | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const own = (schema as Record<string, unknown>)[COLUMN_OF_KEYWORD];
  if (typeof own === 'string') return { input: own, many: false };
  const items = (schema as { items?: unknown }).items;
  const item =
    items === null || typeof items !== 'object' ? undefined : (items as Record<string, unknown>)[COLUMN_OF_KEYWORD];
  return typeof item === 'string' ? { input: item, many: true } : undefined;
}
