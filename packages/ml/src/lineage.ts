/**
 * Table lineage: how a table's columns were derived from the columns a data source produced, as a list
 * of fitted preprocessing steps. Every table artifact carries its lineage (in its Parquet metadata), a
 * trainer copies it into the model, and `export.onnx` turns it into the front of the ONNX graph, so the
 * exported model takes the raw source columns.
 */

/** `number` covers every numeric and boolean column (booleans are 0/1); `string` every text column. */
export type ColumnKind = 'number' | 'string';

export interface SourceColumn {
  name: string;
  kind: ColumnKind;
}

/**
 * One fitted step. Steps apply in order; each reads and replaces columns by name.
 * - `impute`: a numeric column's NULL and NaN become `value`.
 * - `impute_category`: a string column's NULL becomes `value` (meaningful before `one_hot`).
 * - `scale`: a numeric column becomes `(x - offset) / scale` (z-score: mean and standard deviation;
 *   min-max: minimum and range). `scale` is never 0.
 * - `one_hot`: a string column is replaced by one 0/1 number column per category, named
 *   `${column}=${category}`, in `categories` order; NULL and unseen values give all zeros.
 */
export type FittedStep =
  | { kind: 'impute'; column: string; value: number }
  | { kind: 'impute_category'; column: string; value: string }
  | { kind: 'scale'; column: string; offset: number; scale: number }
  | { kind: 'one_hot'; column: string; categories: string[] };

export interface TableLineage {
  format: 'loom.lineage';
  version: 1;
  /**
   * The columns the preprocessing starts from, as the data source (or the last `transform.sql`,
   * which starts a new lineage) produced them.
   */
  sources: SourceColumn[];
  steps: FittedStep[];
}

/** A fitted transform artifact (`transform` port): what `transform.apply` applies to another table. */
export interface FittedTransform {
  format: 'loom.transform';
  version: 1;
  /** The node type that fitted it, for messages. */
  fittedBy: string;
  steps: FittedStep[];
}

/** The name of the column `one_hot` makes for one category. */
export function oneHotColumnName(column: string, category: string): string {
  return `${column}=${category}`;
}

/** A lineage that starts at the given columns with no steps: what data sources and `transform.sql` produce. */
export function sourceLineage(sources: SourceColumn[]): TableLineage {
  return { format: 'loom.lineage', version: 1, sources, steps: [] };
}
