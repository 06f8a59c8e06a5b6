import { columnsParam, defineNode, input, NodeError, output, Type } from '@loom/sdk';
import { quoteIdentifier } from '@loom/tables';
import { count, findColumns, withInputTable, writeTable } from './table-step.ts';

export const selectColumns = defineNode({
  type: 'transform.select_columns',
  version: '1.0.0',
  title: 'Select columns',
  description: 'Keeps the listed columns (in the order listed), or drops them.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table to take columns from.' }) },
  params: Type.Object({
    columns: columnsParam('table', {
      minItems: 1,
      description: 'Column names. An unknown name is an error, so a renamed column does not go unnoticed.',
    }),
    mode: Type.Union([Type.Literal('include'), Type.Literal('exclude')], {
      default: 'include',
      description: 'include: keep only these columns, in this order; exclude: keep every other column.',
    }),
  }),
  outputs: {
    table: output('table', { description: 'The selected columns; the lineage is unchanged.', rows: { from: 'table' } }),
  },
  async run(ctx) {
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const listed = findColumns('columns', ctx.params.columns, table.info.columns);
      const dropped = new Set(listed.map((column) => column.name));
      const kept =
        ctx.params.mode === 'include' ? listed : table.info.columns.filter((column) => !dropped.has(column.name));
      if (kept.length === 0) {
        throw new NodeError('exclude would drop every column of the table; keep at least one', { retryable: false });
      }
      const select = `SELECT ${kept.map((column) => quoteIdentifier(column.name)).join(', ')} FROM input`;
      // Dropping a column needs no fitted step: an exported model simply never asks for it.
      const { ref } = await writeTable(ctx, table, select, table.info.lineage);
      ctx.log.info(`kept ${count(kept.length, 'column')} of ${table.info.columns.length}`, {
        columns: kept.map((column) => column.name),
      });
      return { table: ref };
    });
  },
});
