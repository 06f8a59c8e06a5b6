import { type FittedStep, oneHotColumnName } from '@loom/ml';
import { doubleLiteral, quoteIdentifier, quoteLiteral, type TableColumnKind } from '@loom/tables';

/** A column as the step SQL sees it: its name and whether it holds numbers, text or something else. */
export interface StepColumn {
  name: string;
  kind: TableColumnKind;
}

/** Why a fitted step cannot apply to a table; the nodes turn it into a message in their own words. */
export class StepColumnError extends Error {
  constructor(
    readonly step: FittedStep,
    readonly problem: 'missing' | 'kind' | 'clash',
    message: string,
  ) {
    super(message);
    this.name = 'StepColumnError';
  }
}

/** The kind of column each step reads. */
export function stepInputKind(step: FittedStep): 'number' | 'string' {
  return step.kind === 'impute' || step.kind === 'scale' ? 'number' : 'string';
}

/**
 * The SELECT that applies fitted steps, in order, to the rows of `from` (a table name or a
 * parenthesised query): the one definition of what each step computes, shared by the nodes that fit
 * steps and by `transform.apply`, so both give the very same values.
 * - `impute`: the column as DOUBLE, with NULL and NaN replaced by the value;
 * - `impute_category`: NULL replaced by the value;
 * - `scale`: `(x - offset) / scale` in DOUBLE; NULL and NaN stay as they are;
 * - `one_hot`: one DOUBLE 0/1 column per category where the column was; NULL and unseen values give 0s.
 * Other columns pass through unchanged and in place. Steps that touch a column already touched by an
 * earlier step go into an outer SELECT, so each step reads what the one before it produced.
 *
 * @throws StepColumnError when a step's column is missing or of the wrong kind, or when a one-hot
 * column's name is taken
 */
export function applyStepsSql(
  columns: readonly StepColumn[],
  steps: readonly FittedStep[],
  from: string,
): { sql: string; columns: StepColumn[] } {
  let current = [...columns];
  let sql = `SELECT * FROM ${from}`;
  let index = 0;
  while (index < steps.length) {
    // One SELECT layer: the longest run of steps that touch distinct columns.
    const layer = new Map<string, FittedStep>();
    while (index < steps.length) {
      const step = steps[index] as FittedStep;
      if (layer.has(step.column)) break;
      layer.set(step.column, step);
      index++;
    }
    const next = applyLayer(current, layer);
    sql = `SELECT ${next.expressions.join(', ')} FROM (${sql})`;
    current = next.columns;
  }
  return { sql, columns: current };
}

function applyLayer(
  columns: readonly StepColumn[],
  layer: ReadonlyMap<string, FittedStep>,
): { expressions: string[]; columns: StepColumn[] } {
  // DuckDB matches column names ignoring case, so a table cannot hold two that differ only in case.
  const names = new Map(columns.map((column) => [column.name.toLowerCase(), column.name]));
  for (const step of layer.values()) {
    const column = columns.find((c) => c.name === step.column);
    if (column === undefined) {
      throw new StepColumnError(step, 'missing', `column ${JSON.stringify(step.column)} is not in the table`);
    }
    const wanted = stepInputKind(step);
    if (column.kind !== wanted) {
      throw new StepColumnError(
        step,
        'kind',
        `column ${JSON.stringify(step.column)} holds ${describeKind(column.kind)}, but a ${step.kind} step needs ${describeKind(wanted)}`,
      );
    }
  }
  const expressions: string[] = [];
  const result: StepColumn[] = [];
  const added = new Map<string, string>();
  for (const column of columns) {
    const step = layer.get(column.name);
    const name = quoteIdentifier(column.name);
    if (step === undefined) {
      expressions.push(name);
      result.push(column);
      continue;
    }
    switch (step.kind) {
      case 'impute': {
        const x = `CAST(${name} AS DOUBLE)`;
        expressions.push(
          `CASE WHEN ${x} IS NULL OR isnan(${x}) THEN ${doubleLiteral(step.value)} ELSE ${x} END AS ${name}`,
        );
        result.push({ name: column.name, kind: 'number' });
        break;
      }
      case 'impute_category':
        expressions.push(`coalesce(${name}, ${quoteLiteral(step.value)}) AS ${name}`);
        result.push(column);
        break;
      case 'scale':
        expressions.push(
          `(CAST(${name} AS DOUBLE) - ${doubleLiteral(step.offset)}) / ${doubleLiteral(step.scale)} AS ${name}`,
        );
        result.push({ name: column.name, kind: 'number' });
        break;
      case 'one_hot':
        for (const category of step.categories) {
          const made = oneHotColumnName(step.column, category);
          const key = made.toLowerCase();
          const taken = added.get(key) ?? (names.get(key) === step.column ? undefined : names.get(key));
          if (taken !== undefined) {
            throw new StepColumnError(
              step,
              'clash',
              taken === made
                ? `one-hot encoding ${JSON.stringify(step.column)} makes a column ${JSON.stringify(made)}, but the table already has one`
                : `one-hot encoding ${JSON.stringify(step.column)} makes a column ${JSON.stringify(made)}, but the table has ` +
                    `${JSON.stringify(taken)}, a name that differs only in case, which DuckDB treats as the same`,
            );
          }
          added.set(key, made);
          expressions.push(
            `CASE WHEN ${name} = ${quoteLiteral(category)} THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS ${quoteIdentifier(made)}`,
          );
          result.push({ name: made, kind: 'number' });
        }
        break;
      default:
        step satisfies never;
    }
  }
  return { expressions, columns: result };
}

/** "numbers", "text" or "other values", for messages. */
export function describeKind(kind: TableColumnKind): string {
  return kind === 'number' ? 'numbers' : kind === 'string' ? 'text' : 'other values';
}
