import type { FittedStep } from '@loom/ml';
import type { ArtifactRef } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransform } from './apply-transform.ts';
import { normalize } from './normalize.ts';
import { nodeFailure, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

/** A transform artifact with the given content, as a fitting node would have written it. */
async function transformRef(content: unknown): Promise<ArtifactRef> {
  const ref = await tables.table('SELECT 1 AS unused');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(ref.path, JSON.stringify(content));
  return ref;
}

describe('transform.apply', () => {
  it('gives another table exactly the values the fitting node gave its own rows', async () => {
    const both = await tables.table('SELECT range::DOUBLE * 1.5 AS x, (range % 3)::INTEGER AS y FROM range(10)');
    const train = await tables.table(
      'SELECT range::DOUBLE * 1.5 AS x, (range % 3)::INTEGER AS y FROM range(10) WHERE range < 6',
    );
    const fit = await runNode(normalize, { inputs: { table: train } });
    const onBoth = await runNode(applyTransform, { inputs: { table: both, transform: fit.outputs.transform } });
    const fitted = await tableValues(fit.outputs.table);
    const applied = await tableValues(onBoth.outputs.table);
    expect(applied.x?.slice(0, 6)).toEqual(fitted.x);
    expect(applied.y?.slice(0, 6)).toEqual(fitted.y);
    const trainLineage = (await readTableInfo(fit.outputs.table.path)).lineage;
    expect((await readTableInfo(onBoth.outputs.table.path)).lineage).toEqual(trainLineage);
    expect(onBoth.logs).toEqual([
      { level: 'info', message: 'applied 2 steps fitted by transform.normalize to 10 rows' },
    ]);
    await fit.cleanup();
    await onBoth.cleanup();
  });

  it('appends the steps to the lineage the table already has', async () => {
    const prior: FittedStep = { kind: 'impute', column: 'x', value: 0 };
    const table = await tables.table('SELECT 2.0 AS x', { steps: [prior] });
    const step: FittedStep = { kind: 'scale', column: 'x', offset: 1, scale: 4 };
    const transform = await transformRef({
      format: 'loom.transform',
      version: 1,
      fittedBy: 'transform.normalize',
      steps: [step],
    });
    const result = await runNode(applyTransform, { inputs: { table, transform } });
    expect(await tableValues(result.outputs.table)).toEqual({ x: [0.25] });
    expect((await readTableInfo(result.outputs.table.path)).lineage.steps).toEqual([prior, step]);
    await result.cleanup();
  });

  it('names a missing column and the node that fitted the transform', async () => {
    const table = await tables.table("SELECT 1.0 AS a, 'x' AS b");
    const transform = await transformRef({
      format: 'loom.transform',
      version: 1,
      fittedBy: 'transform.normalize',
      steps: [{ kind: 'scale', column: 'age', offset: 0, scale: 1 }],
    });
    const error = await nodeFailure(runNode(applyTransform, { inputs: { table, transform } }));
    expect(error.message).toBe(
      'column "age" is not in the table, but the transform fitted by transform.normalize needs it; this table\'s columns are: "a", "b"',
    );
    expect(error.retryable).toBe(false);
    const wrongKind = await transformRef({
      format: 'loom.transform',
      version: 1,
      fittedBy: 'transform.one_hot',
      steps: [{ kind: 'one_hot', column: 'a', categories: ['x'] }],
    });
    const kind = await nodeFailure(runNode(applyTransform, { inputs: { table, transform: wrongKind } }));
    expect(kind.message).toBe(
      'column "a" holds numbers, but a one_hot step needs text (the transform was fitted by transform.one_hot)',
    );
  });

  it('refuses an artifact that is not a fitted transform', async () => {
    const table = await tables.table('SELECT 1.0 AS a');
    const cases: Array<[unknown, string]> = [
      [{ format: 'loom.model' }, 'the transform input is not a fitted transform (format "loom.transform")'],
      [{ format: 'loom.transform', version: 2 }, 'the transform input has version 2; this node reads version 1'],
      [
        {
          format: 'loom.transform',
          version: 1,
          fittedBy: 'x',
          steps: [{ kind: 'scale', column: 'a', offset: 0, scale: 0 }],
        },
        'the transform input is malformed: it needs fittedBy and a list of fitted steps',
      ],
    ];
    for (const [content, message] of cases) {
      const error = await nodeFailure(
        runNode(applyTransform, { inputs: { table, transform: await transformRef(content) } }),
      );
      expect(error.message).toBe(message);
    }
    const notJson = await tables.table('SELECT 1 AS x');
    const error = await nodeFailure(runNode(applyTransform, { inputs: { table, transform: notJson } }));
    expect(error.message).toBe('the transform input is not JSON; connect a transform output of a fitting node');
  });
});
