import type { FittedStep, SourceColumn, TableLineage } from '@loom/ml';

/** The Parquet key-value metadata key that holds a table's lineage. */
export const LINEAGE_METADATA_KEY = 'loom_lineage';

/**
 * The lineage as it is stored: base64 of its JSON, because DuckDB hands key-value metadata back as
 * blobs with non-ASCII bytes escaped, and base64 survives that and SQL quoting unchanged.
 */
export function encodeLineage(lineage: TableLineage): string {
  return Buffer.from(JSON.stringify(lineage), 'utf8').toString('base64');
}

/** Reads a lineage written by {@link encodeLineage}; `where` names the file in error messages. */
export function decodeLineage(encoded: Uint8Array | string, where: string): TableLineage {
  const text = Buffer.from(typeof encoded === 'string' ? encoded : Buffer.from(encoded).toString('latin1'), 'base64')
    .toString('utf8')
    .trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the ${LINEAGE_METADATA_KEY} metadata is not base64-encoded JSON`);
  }
  const problem = lineageProblem(value);
  if (problem !== undefined) throw new Error(`${where}: the ${LINEAGE_METADATA_KEY} metadata ${problem}`);
  return value as TableLineage;
}

function lineageProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const record = value as Record<string, unknown>;
  if (record.format !== 'loom.lineage') return 'has no format "loom.lineage"';
  if (record.version !== 1) return `has version ${JSON.stringify(record.version)}; this Loom reads version 1`;
  if (!Array.isArray(record.sources) || !record.sources.every(isSourceColumn)) return 'has malformed sources';
  if (!Array.isArray(record.steps) || !record.steps.every(isFittedStep)) return 'has malformed steps';
  return undefined;
}

function isSourceColumn(value: unknown): value is SourceColumn {
  const column = value as SourceColumn | null;
  return (
    typeof column === 'object' &&
    column !== null &&
    typeof column.name === 'string' &&
    (column.kind === 'number' || column.kind === 'string')
  );
}

function isFittedStep(value: unknown): value is FittedStep {
  if (typeof value !== 'object' || value === null) return false;
  const step = value as Record<string, unknown>;
  if (typeof step.column !== 'string') return false;
  switch (step.kind) {
    case 'impute':
      return typeof step.value === 'number';
    case 'impute_category':
      return typeof step.value === 'string';
    case 'scale':
      return typeof step.offset === 'number' && typeof step.scale === 'number' && step.scale !== 0;
    case 'one_hot':
      return Array.isArray(step.categories) && step.categories.every((c) => typeof c === 'string');
    default:
      return false;
  }
}

/** Whether a JSON value is a well-formed list of fitted steps; for readers of `transform` artifacts. */
export function isFittedStepList(value: unknown): value is FittedStep[] {
  return Array.isArray(value) && value.every(isFittedStep);
}
