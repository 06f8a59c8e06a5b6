import type { FittedTransform } from '@loom/ml';
import { type ArtifactRef, defineNode, input, NodeError, output } from '@loom/sdk';
import { isFittedStepList } from '@loom/tables';
import { applyStepsSql, StepColumnError } from './fitted-step-sql.ts';
import { count, extendLineage, type TransformContext, withInputTable, writeTable } from './table-step.ts';

export const applyTransform = defineNode({
  type: 'transform.apply',
  version: '1.0.0',
  title: 'Apply transform',
  description:
    'Applies fitted preprocessing (from clean_missing, normalize or one_hot) to another table, e.g. the test split, with the values learnt on the training data.',
  category: 'transform',
  inputs: {
    table: input('table', { description: 'The table to transform.' }),
    transform: input('transform', { description: 'The fitted steps, from a node’s transform output.' }),
  },
  // Applies what was learnt elsewhere: these rows teach the steps nothing.
  outputs: {
    table: output('table', {
      description: 'The transformed table; its lineage gains the steps.',
      rows: { from: 'table' },
    }),
  },
  async run(ctx) {
    const transform = await readTransform(ctx, ctx.inputs.transform);
    return withInputTable(ctx, ctx.inputs.table, async (table) => {
      let select: string;
      try {
        select = applyStepsSql(table.info.columns, transform.steps, 'input').sql;
      } catch (cause) {
        if (!(cause instanceof StepColumnError)) throw cause;
        const available = table.info.columns.map((column) => JSON.stringify(column.name)).join(', ');
        throw new NodeError(
          cause.problem === 'missing'
            ? `${cause.message}, but the transform fitted by ${transform.fittedBy} needs it; this table's columns are: ${available}`
            : `${cause.message} (the transform was fitted by ${transform.fittedBy})`,
          { retryable: false },
        );
      }
      const { ref, rowCount } = await writeTable(
        ctx,
        table,
        select,
        extendLineage(table.info.lineage, transform.steps),
      );
      ctx.log.info(
        `applied ${count(transform.steps.length, 'step')} fitted by ${transform.fittedBy} to ${count(rowCount, 'row')}`,
      );
      return { table: ref };
    });
  },
});

/** Reads and checks a `transform` artifact. */
async function readTransform(ctx: TransformContext, ref: ArtifactRef): Promise<FittedTransform> {
  const text = Buffer.from(await ctx.artifacts.read(ref)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NodeError('the transform input is not JSON; connect a transform output of a fitting node', {
      retryable: false,
    });
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Partial<
    Record<keyof FittedTransform, unknown>
  >;
  if (record.format !== 'loom.transform') {
    throw new NodeError('the transform input is not a fitted transform (format "loom.transform")', {
      retryable: false,
    });
  }
  if (record.version !== 1) {
    throw new NodeError(
      `the transform input has version ${JSON.stringify(record.version)}; this node reads version 1`,
      {
        retryable: false,
      },
    );
  }
  if (typeof record.fittedBy !== 'string' || !isFittedStepList(record.steps)) {
    throw new NodeError('the transform input is malformed: it needs fittedBy and a list of fitted steps', {
      retryable: false,
    });
  }
  return { format: 'loom.transform', version: 1, fittedBy: record.fittedBy, steps: record.steps };
}
