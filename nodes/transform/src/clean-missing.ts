import type { FittedStep } from '@loom/ml';
import { columnsParam, defineNode, input, NodeError, output, type Static, Type } from '@loom/sdk';
import { quoteIdentifier, type TableColumnInfo, type TableDatabase } from '@loom/tables';
import { applyStepsSql, describeKind } from './fitted-step-sql.ts';
import {
  count,
  extendLineage,
  findColumns,
  finiteNumber,
  withInputTable,
  writeTable,
  writeTransform,
} from './table-step.ts';

const TYPE = 'transform.clean_missing';

const params = Type.Object({
  columns: Type.Optional(
    columnsParam('table', {
      description:
        'The columns to clean. Default: every column the strategy can fill: number columns for mean and median, columns of the value’s kind for constant, number and text columns for most_frequent, every column for remove_rows.',
    }),
  ),
  strategy: Type.Union(
    [
      Type.Literal('mean'),
      Type.Literal('median'),
      Type.Literal('most_frequent'),
      Type.Literal('constant'),
      Type.Literal('remove_rows'),
    ],
    {
      default: 'mean',
      description:
        'mean / median: fill number columns with the mean / median of their values (as scikit-learn’s SimpleImputer does by default); most_frequent: the commonest value (the smallest on a tie); constant: `value`; remove_rows: drop rows with a missing value in any of the columns.',
    },
  ),
  value: Type.Optional(
    Type.Union([Type.Number(), Type.String()], {
      description: 'The fill value for strategy constant: a number for number columns, a text for text columns.',
    }),
  ),
});

type Params = Static<typeof params>;

export const cleanMissing = defineNode({
  type: TYPE,
  version: '1.0.0',
  title: 'Clean missing data',
  description:
    'Fills missing values (NULL, and NaN in number columns) with a statistic of the column or a constant, or removes the rows that have them. The fill values are learnt here and applied the same way to other tables by transform.apply and by an exported model.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table to clean.' }) },
  params,
  outputs: {
    table: output('table', {
      description: 'The cleaned table; its lineage gains the fill steps.',
      // constant fills with a given value and remove_rows drops rows: neither learns from the rows.
      rows: { from: 'table', fits: { param: 'strategy', in: ['mean', 'median', 'most_frequent'] } },
      columns: { from: 'table' },
    }),
    transform: output('transform', {
      description: 'The fill values, to apply to other tables (empty for remove_rows: a model cannot drop rows).',
    }),
  },
  async run(ctx) {
    const { strategy, value } = ctx.params;
    if (strategy === 'constant' && value === undefined) {
      throw new NodeError('strategy constant needs a value to fill with', { retryable: false });
    }
    if (strategy !== 'constant' && value !== undefined)
      ctx.log.warn(`value is used only by strategy constant, not ${strategy}`);
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const { db, info } = table;
      const columns = chooseColumns(ctx.params, info.columns);
      const missingCounts = await countMissing(db, columns);
      const totalMissing = missingCounts.reduce((sum, n) => sum + n, 0);
      ctx.metric('missing_values', totalMissing);
      let steps: FittedStep[] = [];
      let select: string;
      if (strategy === 'remove_rows') {
        const keep = columns.map((column) => `NOT ${missing(column)}`).join(' AND ');
        select = columns.length === 0 ? 'SELECT * FROM input' : `SELECT * FROM input WHERE ${keep}`;
      } else {
        steps = await fitFills(db, columns, ctx.params);
        select = applyStepsSql(info.columns, steps, 'input').sql;
      }
      const written = await writeTable(ctx, table, select, extendLineage(info.lineage, steps));
      const byColumn = Object.fromEntries(columns.map((column, i) => [column.name, missingCounts[i] ?? 0]));
      if (strategy === 'remove_rows') {
        ctx.log.info(
          `removed ${count(info.rowCount - written.rowCount, 'row')} of ${info.rowCount} with missing values in ${count(columns.length, 'column')}`,
          { missing: byColumn },
        );
      } else {
        ctx.log.info(
          `filled ${count(totalMissing, 'missing value')} in ${count(columns.length, 'column')} (${strategy})`,
          {
            missing: byColumn,
            fills: Object.fromEntries(steps.map((step) => [step.column, 'value' in step ? step.value : null])),
          },
        );
      }
      return { table: written.ref, transform: await writeTransform(ctx, TYPE, steps) };
    });
  },
});

/** SQL that is true where a column's value is missing: NULL, or NaN in a number column. */
function missing(column: TableColumnInfo): string {
  const name = quoteIdentifier(column.name);
  return column.kind === 'number' ? `(${name} IS NULL OR isnan(CAST(${name} AS DOUBLE)))` : `(${name} IS NULL)`;
}

function chooseColumns(params: Params, columns: readonly TableColumnInfo[]): TableColumnInfo[] {
  const { strategy, value } = params;
  const valueKind = typeof value === 'number' ? 'number' : 'string';
  if (params.columns === undefined) {
    switch (strategy) {
      case 'mean':
      case 'median':
        return columns.filter((column) => column.kind === 'number');
      case 'most_frequent':
        return columns.filter((column) => column.kind !== 'other');
      case 'constant':
        return columns.filter((column) => column.kind === valueKind);
      case 'remove_rows':
        return [...columns];
    }
  }
  const chosen = findColumns('columns', params.columns, columns);
  for (const column of chosen) {
    if ((strategy === 'mean' || strategy === 'median') && column.kind !== 'number') {
      throw new NodeError(
        `column ${JSON.stringify(column.name)} holds ${describeKind(column.kind)}; strategy ${strategy} fills only number columns (use most_frequent or constant for it)`,
        { retryable: false },
      );
    }
    if (strategy !== 'remove_rows' && column.kind === 'other') {
      throw new NodeError(
        `column ${JSON.stringify(column.name)} holds ${column.type} values, which can only be removed (strategy remove_rows), not filled`,
        { retryable: false },
      );
    }
    if (strategy === 'constant' && column.kind !== valueKind) {
      throw new NodeError(
        `value ${JSON.stringify(value)} is ${valueKind === 'number' ? 'a number' : 'a text'}, but column ${JSON.stringify(column.name)} holds ${describeKind(column.kind)}; fill it with a separate clean_missing node`,
        { retryable: false },
      );
    }
  }
  return chosen;
}

async function countMissing(db: TableDatabase, columns: readonly TableColumnInfo[]): Promise<number[]> {
  if (columns.length === 0) return [];
  const [row] = await db.all(
    `SELECT ${columns.map((column, i) => `count(*) FILTER (WHERE ${missing(column)}) AS m${i}`).join(', ')} FROM input`,
  );
  return columns.map((_, i) => Number(row?.[`m${i}`] ?? 0));
}

/** Learns the fill value of each column: one `impute` step per number column, `impute_category` per text column. */
async function fitFills(db: TableDatabase, columns: readonly TableColumnInfo[], params: Params): Promise<FittedStep[]> {
  const { strategy, value } = params;
  const fill = (column: TableColumnInfo, found: unknown): FittedStep => {
    const noValues = () =>
      `column ${JSON.stringify(column.name)} has no values to take the ${strategy.replace('_', ' ')} of: every value is missing`;
    if (column.kind === 'number') {
      return {
        kind: 'impute',
        column: column.name,
        value: finiteNumber(found, () =>
          found === null || found === undefined
            ? noValues()
            : `column ${JSON.stringify(column.name)} holds infinite values`,
        ),
      };
    }
    if (typeof found !== 'string') throw new NodeError(noValues(), { retryable: false });
    return { kind: 'impute_category', column: column.name, value: found };
  };
  if (strategy === 'constant') return columns.map((column) => fill(column, value));
  if (strategy === 'most_frequent') {
    const steps: FittedStep[] = [];
    for (const column of columns) {
      const name = quoteIdentifier(column.name);
      const x = column.kind === 'number' ? `CAST(${name} AS DOUBLE)` : name;
      // Ties go to the smallest value, so the result does not depend on how DuckDB grouped the rows.
      const [row] = await db.all(
        `SELECT ${x} AS v FROM input WHERE NOT ${missing(column)} GROUP BY ${x} ORDER BY count(*) DESC, ${x} ASC LIMIT 1`,
      );
      steps.push(fill(column, row?.v ?? null));
    }
    return steps;
  }
  if (columns.length === 0) return [];
  const statistic = (column: TableColumnInfo) => {
    const x = `CAST(${quoteIdentifier(column.name)} AS DOUBLE)`;
    // favg sums with Kahan compensation, so the mean of a long column does not drift.
    const aggregate = strategy === 'mean' ? `favg(${x})` : `quantile_cont(${x}, 0.5)`;
    return `${aggregate} FILTER (WHERE NOT isnan(${x}))`;
  };
  const [row] = await db.all(
    `SELECT ${columns.map((column, i) => `${statistic(column)} AS s${i}`).join(', ')} FROM input`,
  );
  return columns.map((column, i) => fill(column, row?.[`s${i}`] ?? null));
}
