import type { FittedStep } from '@loom/ml';
import { columnsParam, defineNode, input, NodeError, output, Type } from '@loom/sdk';
import { quoteIdentifier, type TableColumnInfo } from '@loom/tables';
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

const TYPE = 'transform.normalize';

export const normalize = defineNode({
  type: TYPE,
  version: '1.0.0',
  title: 'Normalize',
  description:
    'Rescales number columns: z-score (subtract the mean, divide by the standard deviation, like scikit-learn’s StandardScaler) or min-max (to the range 0 to 1). The statistics are learnt here and applied the same way to other tables by transform.apply and by an exported model.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table to normalise.' }) },
  params: Type.Object({
    columns: Type.Optional(
      columnsParam('table', {
        description: 'The number columns to rescale. Default: every number column.',
      }),
    ),
    exclude: columnsParam('table', {
      default: [],
      description: 'Columns to leave as they are, e.g. the label.',
    }),
    method: Type.Union([Type.Literal('zscore'), Type.Literal('minmax')], {
      default: 'zscore',
      description:
        'zscore: (x − mean) / standard deviation (population, as StandardScaler); minmax: (x − min) / (max − min). A constant column is only shifted.',
    }),
  }),
  outputs: {
    table: output('table', {
      description: 'The rescaled table (rescaled columns become DOUBLE); its lineage gains the scale steps.',
      rows: { from: 'table', fits: true },
      columns: { from: 'table' },
    }),
    transform: output('transform', { description: 'The scale steps, to apply to other tables.' }),
  },
  async run(ctx) {
    const { method } = ctx.params;
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const { db, info } = table;
      const excluded = new Set(findColumns('exclude', ctx.params.exclude, info.columns).map((column) => column.name));
      const listed =
        ctx.params.columns === undefined
          ? info.columns.filter((column) => column.kind === 'number')
          : findColumns('columns', ctx.params.columns, info.columns);
      const columns = listed.filter((column) => !excluded.has(column.name));
      for (const column of columns) {
        if (column.kind !== 'number') {
          throw new NodeError(
            `column ${JSON.stringify(column.name)} holds ${describeKind(column.kind)}; normalize rescales only number columns`,
            { retryable: false },
          );
        }
      }
      const steps: FittedStep[] = [];
      if (columns.length > 0) {
        const x = (column: TableColumnInfo) => `CAST(${quoteIdentifier(column.name)} AS DOUBLE)`;
        const valid = (column: TableColumnInfo) => `FILTER (WHERE NOT isnan(${x(column)}))`;
        // favg: a Kahan-compensated mean, so a long column's mean does not drift.
        const [row] = await db.all(
          `SELECT ${columns
            .map(
              (c, i) =>
                `favg(${x(c)}) ${valid(c)} AS mean${i}, min(${x(c)}) ${valid(c)} AS min${i}, max(${x(c)}) ${valid(c)} AS max${i}`,
            )
            .join(', ')} FROM input`,
        );
        const fitted = columns.map((column, i) => {
          const problem = () =>
            row?.[`mean${i}`] === null || row?.[`mean${i}`] === undefined
              ? `column ${JSON.stringify(column.name)} has no values to learn a scale from: every value is missing`
              : `column ${JSON.stringify(column.name)} holds infinite values`;
          return {
            column,
            mean: finiteNumber(row?.[`mean${i}`], problem),
            min: finiteNumber(row?.[`min${i}`], problem),
            max: finiteNumber(row?.[`max${i}`], problem),
          };
        });
        // stddev_pop (Welford's update) only now: DuckDB refuses it outright on infinite values.
        const [deviations] =
          method === 'zscore'
            ? await db.all(
                `SELECT ${columns.map((c, i) => `stddev_pop(${x(c)}) ${valid(c)} AS std${i}`).join(', ')} FROM input`,
              )
            : [];
        for (const [i, { column, mean, min, max }] of fitted.entries()) {
          // A constant column is only shifted, as scikit-learn does, rather than divided by zero; testing
          // min = max avoids trusting a deviation that rounding left a hair above zero.
          if (method === 'zscore') {
            const std = finiteNumber(
              deviations?.[`std${i}`],
              () => `column ${JSON.stringify(column.name)} has no deviation`,
            );
            steps.push({ kind: 'scale', column: column.name, offset: mean, scale: min === max || std === 0 ? 1 : std });
          } else {
            steps.push({ kind: 'scale', column: column.name, offset: min, scale: max === min ? 1 : max - min });
          }
        }
      } else {
        ctx.log.warn('no number columns to normalise');
      }
      const select = applyStepsSql(info.columns, steps, 'input').sql;
      const written = await writeTable(ctx, table, select, extendLineage(info.lineage, steps));
      ctx.log.info(`rescaled ${count(steps.length, 'column')} (${method})`, {
        scales: Object.fromEntries(
          steps.map((step) => [step.column, step.kind === 'scale' ? { offset: step.offset, scale: step.scale } : null]),
        ),
      });
      return { table: written.ref, transform: await writeTransform(ctx, TYPE, steps) };
    });
  },
});
