import type { FittedStep } from '@loom/ml';
import { columnsParam, defineNode, input, NodeError, output, Type } from '@loom/sdk';
import { quoteIdentifier } from '@loom/tables';
import { applyStepsSql, describeKind, StepColumnError } from './fitted-step-sql.ts';
import { count, extendLineage, findColumns, withInputTable, writeTable, writeTransform } from './table-step.ts';

const TYPE = 'transform.one_hot';

export const oneHot = defineNode({
  type: TYPE,
  version: '1.0.0',
  title: 'One-hot encode',
  description:
    'Replaces each text column with one 0/1 number column per category, named column=category, where the column was. Missing values, and categories a later table has but this one had not, give all zeros.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table to encode.' }) },
  params: Type.Object({
    columns: Type.Optional(
      columnsParam('table', {
        description: 'The text columns to encode. Default: every text column.',
      }),
    ),
    exclude: columnsParam('table', {
      default: [],
      description: 'Text columns to leave as they are, e.g. a text label.',
    }),
    max_categories: Type.Integer({
      minimum: 1,
      default: 100,
      description: 'The most categories a column may have; more is an error, as that many columns would rarely help.',
    }),
  }),
  outputs: {
    table: output('table', {
      description: 'The encoded table; its lineage gains the one-hot steps.',
      rows: { from: 'table', fits: true },
    }),
    transform: output('transform', { description: 'The categories of each column, to encode other tables alike.' }),
  },
  async run(ctx) {
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const { db, info } = table;
      const excluded = new Set(findColumns('exclude', ctx.params.exclude, info.columns).map((column) => column.name));
      const listed =
        ctx.params.columns === undefined
          ? info.columns.filter((column) => column.kind === 'string')
          : findColumns('columns', ctx.params.columns, info.columns);
      const columns = listed.filter((column) => !excluded.has(column.name));
      for (const column of columns) {
        if (column.kind !== 'string') {
          throw new NodeError(
            `column ${JSON.stringify(column.name)} holds ${describeKind(column.kind)}; one_hot encodes text columns (cast it with transform.sql, e.g. CAST(x AS VARCHAR) AS x, to encode it)`,
            { retryable: false },
          );
        }
      }
      const steps: FittedStep[] = [];
      if (columns.length > 0) {
        const [counts] = await db.all(
          `SELECT ${columns.map((column, i) => `count(DISTINCT ${quoteIdentifier(column.name)}) AS c${i}`).join(', ')} FROM input`,
        );
        for (const [i, column] of columns.entries()) {
          const distinct = Number(counts?.[`c${i}`] ?? 0);
          if (distinct > ctx.params.max_categories) {
            throw new NodeError(
              `column ${JSON.stringify(column.name)} has ${distinct} categories, more than max_categories (${ctx.params.max_categories}); ` +
                'drop it with transform.select_columns (an identifier or free text rarely helps a model), or raise max_categories',
              { retryable: false },
            );
          }
          if (distinct === 0) {
            throw new NodeError(
              `column ${JSON.stringify(column.name)} has no values to encode: every value is missing; drop it with transform.select_columns`,
              { retryable: false },
            );
          }
          const name = quoteIdentifier(column.name);
          // DuckDB sorts text by its UTF-8 bytes: the same order on every machine and in every locale.
          const rows = await db.all(`SELECT DISTINCT ${name} AS v FROM input WHERE ${name} IS NOT NULL ORDER BY v`);
          const categories = rows.map((row) => String(row.v));
          refuseCaseTwins(column.name, categories);
          steps.push({ kind: 'one_hot', column: column.name, categories });
        }
      }
      let select: string;
      try {
        select = applyStepsSql(info.columns, steps, 'input').sql;
      } catch (cause) {
        if (cause instanceof StepColumnError) {
          throw new NodeError(`${cause.message}; rename one of them first`, { retryable: false });
        }
        throw cause;
      }
      const written = await writeTable(ctx, table, select, extendLineage(info.lineage, steps));
      const added = steps.reduce((sum, step) => sum + (step.kind === 'one_hot' ? step.categories.length : 0), 0);
      ctx.log.info(`encoded ${count(steps.length, 'column')} into ${count(added, 'column')}`, {
        categories: Object.fromEntries(
          steps.map((step) => [step.column, step.kind === 'one_hot' ? step.categories.length : 0]),
        ),
      });
      return { table: written.ref, transform: await writeTransform(ctx, TYPE, steps) };
    });
  },
});

/**
 * Column names that differ only in case are one name to DuckDB, so categories such as "Red" and "red"
 * cannot each get a column; the user has to decide whether they are one category.
 */
function refuseCaseTwins(column: string, categories: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const category of categories) {
    const key = category.toLowerCase();
    const twin = seen.get(key);
    if (twin !== undefined) {
      throw new NodeError(
        `column ${JSON.stringify(column)} has categories ${JSON.stringify(twin)} and ${JSON.stringify(category)}, whose ` +
          'one-hot columns would differ only in case, which a table cannot hold; merge them first with transform.sql ' +
          `(e.g. SELECT * REPLACE (lower(${quoteIdentifier(column)}) AS ${quoteIdentifier(column)}) FROM input)`,
        { retryable: false },
      );
    }
    seen.set(key, category);
  }
}
