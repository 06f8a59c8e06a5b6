import { createRng, type Rng } from '@loom/ml';
import { type ArtifactRef, columnParam, defineNode, input, NodeError, output, Type } from '@loom/sdk';
import { quoteLiteral, readColumns, type TableColumn } from '@loom/tables';
import { findColumns, type OpenTable, type TransformContext, withInputTable, writeTable } from './table-step.ts';

export const split = defineNode({
  type: 'transform.split',
  version: '1.0.0',
  title: 'Split',
  description:
    'Splits the rows at random into a training and a test table. The counts are exact, rows keep their order within each table, and a seed gives the same split on every machine.',
  category: 'transform',
  inputs: { table: input('table', { description: 'The table to split.' }) },
  params: Type.Object({
    fraction: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.2,
      description:
        'The share of rows that go to test: round(rows × fraction), per class when stratified (halves round up).',
    }),
    stratify_by: Type.Optional(
      columnParam('table', {
        minLength: 1,
        description: 'A column (usually the label) whose every value gets the same share in both tables.',
      }),
    ),
    seed: Type.Integer({ default: 42, description: 'The random seed; the same seed gives the same split.' }),
  }),
  outputs: {
    train: output('table', {
      description: 'The rows not drawn for test, in their original order.',
      rows: { from: 'table' },
      columns: { from: 'table' },
    }),
    test: output('table', {
      description: 'round(rows × fraction) rows drawn at random, in their original order.',
      rows: { from: 'table', heldOut: true },
      columns: { from: 'table' },
    }),
  },
  async run(ctx) {
    const { fraction, seed, stratify_by: stratifyBy } = ctx.params;
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      const n = table.info.rowCount;
      if (n > 0x7fffffff) throw new NodeError(`split takes at most 2^31 − 1 rows, not ${n}`, { retryable: false });
      const rng = createRng(seed);
      let picked: Int32Array;
      if (stratifyBy === undefined) {
        picked = draw(
          Int32Array.from({ length: n }, (_, i) => i),
          fraction,
          rng,
        );
      } else {
        const [column] = findColumns('stratify_by', [stratifyBy], table.info.columns);
        if (column?.kind === 'other') {
          throw new NodeError(
            `stratify_by: column ${JSON.stringify(stratifyBy)} holds ${column.type} values; stratify by a number or text column`,
            {
              retryable: false,
            },
          );
        }
        const { columns } = await readColumns(table.path, [stratifyBy], { signal: ctx.signal });
        const strata = stratify(columns.get(stratifyBy) as TableColumn);
        if (strata.length > 20 && strata.length > n / 2) {
          throw new NodeError(
            `stratify_by: column ${JSON.stringify(stratifyBy)} has ${strata.length} distinct values in ${n} rows, so most groups hold one row; stratify by a class column`,
            { retryable: false },
          );
        }
        // A one-row class cannot be on both sides; in train, at least a model can learn it.
        const singletons = strata.filter((rows) => rows.length < 2).length;
        if (singletons > 0) {
          ctx.log.warn(
            `stratify_by ${JSON.stringify(stratifyBy)}: ${singletons} value${singletons === 1 ? ' has' : 's have'} a single row, kept in train only; the test table has no example of ${singletons === 1 ? 'it' : 'them'}`,
          );
        }
        const parts = strata.map((rows) => (rows.length < 2 ? new Int32Array(0) : draw(rows, fraction, rng)));
        picked = concat(parts);
        ctx.log.debug(`stratified by ${JSON.stringify(stratifyBy)}: ${strata.length} classes`);
      }
      const testCount = picked.length;
      if (testCount === 0 || testCount === n) {
        const side = testCount === 0 ? 'test' : 'train';
        throw new NodeError(
          `a ${fraction} split of ${n} rows leaves the ${side} table empty; use more rows or a ${side === 'test' ? 'larger' : 'smaller'} fraction`,
          { retryable: false },
        );
      }
      return writeSides(ctx, table, picked);
    });
  },
});

/** Draws round(rows × fraction) of `rows` at random (shuffling a copy with `rng`). */
function draw(rows: Int32Array, fraction: number, rng: Rng): Int32Array {
  const shuffled = rng.shuffle(rows.slice());
  return shuffled.subarray(0, Math.round(rows.length * fraction));
}

/**
 * Row numbers grouped by the column's value, groups in a fixed order (numbers ascending, texts in code
 * unit order, missing last) so that the random draws happen in the same order on every machine.
 */
function stratify(column: TableColumn): Int32Array[] {
  const groups = new Map<number | string | null, number[]>();
  const length = column.values.length;
  for (let row = 0; row < length; row++) {
    const raw = column.values[row] as number | string | null;
    const key = typeof raw === 'number' && Number.isNaN(raw) ? null : raw;
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
    }
    group.push(row);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return keys.map((key) => Int32Array.from(groups.get(key) as number[]));
}

function concat(parts: Int32Array[]): Int32Array {
  const all = new Int32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/**
 * Writes the rows whose numbers are in `testRows` to test and the rest to train, each in file order.
 * The selection is a bit mask held in a SQL variable and tested in WHERE: DuckDB keeps the order of
 * rows through a scan and a filter, but promises nothing for a join or a semi-join.
 */
async function writeSides(
  ctx: TransformContext,
  table: OpenTable,
  testRows: Int32Array,
): Promise<{ train: ArtifactRef; test: ArtifactRef }> {
  if (table.info.columns.some((column) => column.name === 'file_row_number')) {
    throw new NodeError('split cannot read a table with a column named file_row_number; rename it first', {
      retryable: false,
    });
  }
  const { db, info } = table;
  await db.createIntegerTable('test_rows', 'row', testRows);
  await db.run(`SET VARIABLE test_mask = (SELECT bitstring_agg("row", 0, ${info.rowCount - 1}) FROM test_rows)`);
  const side = (bit: 0 | 1) =>
    `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${quoteLiteral(table.path)}, file_row_number = true) ` +
    `WHERE get_bit(getvariable('test_mask'), CAST(file_row_number AS INTEGER)) = ${bit}`;
  const train = await writeTable(ctx, table, side(0), info.lineage, 'train');
  const test = await writeTable(ctx, table, side(1), info.lineage, 'test');
  ctx.log.info(`split ${info.rowCount} rows into ${train.rowCount} for train and ${test.rowCount} for test`, {
    train: train.rowCount,
    test: test.rowCount,
  });
  return { train: train.ref, test: test.ref };
}
