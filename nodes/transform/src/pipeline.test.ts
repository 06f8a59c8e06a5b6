import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FittedStep } from '@loom/ml';
import type { ArtifactRef } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransform } from './apply-transform.ts';
import { cleanMissing } from './clean-missing.ts';
import { normalize } from './normalize.ts';
import { oneHot } from './one-hot.ts';
import { split } from './split.ts';
import { readTransform, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await tables.close();
});

/** 20 rows: two numbers with gaps, a colour with gaps, a label. */
function rows(): Array<[number | null, number | null, string | null, string]> {
  const colours = ['red', 'green', 'blue'];
  return Array.from({ length: 20 }, (_, i) => [
    i % 7 === 3 ? null : i * 1.5 - 4,
    i % 5 === 2 ? null : (i * 37) % 11,
    i % 6 === 5 ? null : (colours[i % 3] as string),
    i % 2 === 0 ? 'pos' : 'neg',
  ]);
}

function csv(data: ReturnType<typeof rows>): string {
  return `x,y,colour,label\n${data.map((row) => row.map((v) => v ?? '').join(',')).join('\n')}\n`;
}

async function run<T extends { outputs: Record<string, ArtifactRef> }>(
  promise: Promise<T & { cleanup(): Promise<void> }>,
) {
  const result = await promise;
  cleanups.push(() => result.cleanup());
  return result;
}

describe('data → clean_missing → one_hot → normalize → split → apply', () => {
  it('computes the values a reference implementation gives, records every step, and applies them alike to new data', async () => {
    const data = rows();
    const path = join(tables.directory, 'raw.csv');
    await writeFile(path, csv(data));
    // The same DuckDB reader data.csv uses (a node package may not import another node package).
    const raw = await tables.csv(path);

    const cleaned = await run(runNode(cleanMissing, { inputs: { table: raw } }));
    const encoded = await run(
      runNode(oneHot, { inputs: { table: cleaned.outputs.table }, params: { exclude: ['label'] } }),
    );
    const scaled = await run(runNode(normalize, { inputs: { table: encoded.outputs.table } }));
    const sides = await run(
      runNode(split, { inputs: { table: scaled.outputs.table }, params: { fraction: 0.25, stratify_by: 'label' } }),
    );

    // The reference: mean imputation, sorted one-hot categories, population z-scores.
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const present = (i: 0 | 1) => data.map((row) => row[i]).filter((v): v is number => v !== null);
    const xMean = mean(present(0));
    const yMean = mean(present(1));
    const features: Record<string, number[]> = {
      x: data.map((row) => row[0] ?? xMean),
      y: data.map((row) => row[1] ?? yMean),
      'colour=blue': data.map((row) => (row[2] === 'blue' ? 1 : 0)),
      'colour=green': data.map((row) => (row[2] === 'green' ? 1 : 0)),
      'colour=red': data.map((row) => (row[2] === 'red' ? 1 : 0)),
    };
    const scales = Object.fromEntries(
      Object.entries(features).map(([name, values]) => {
        const m = mean(values);
        return [name, { offset: m, scale: Math.sqrt(mean(values.map((v) => (v - m) ** 2))) }];
      }),
    );

    const lineage = (await readTableInfo(scaled.outputs.table.path)).lineage;
    expect(lineage.sources).toEqual([
      { name: 'x', kind: 'number' },
      { name: 'y', kind: 'number' },
      { name: 'colour', kind: 'string' },
      { name: 'label', kind: 'string' },
    ]);
    const expectedSteps = [
      { kind: 'impute', column: 'x', value: xMean },
      { kind: 'impute', column: 'y', value: yMean },
      { kind: 'one_hot', column: 'colour', categories: ['blue', 'green', 'red'] },
      ...Object.entries(scales).map(([column, s]) => ({ kind: 'scale', column, ...s })),
    ];
    expect(lineage.steps.map((step) => [step.kind, step.column])).toEqual(
      expectedSteps.map((step) => [step.kind, step.column]),
    );
    for (const [i, step] of lineage.steps.entries()) {
      const expected = expectedSteps[i] as Record<string, unknown>;
      for (const [key, value] of Object.entries(step)) {
        if (typeof value === 'number')
          expect(value, `${step.kind} ${step.column} ${key}`).toBeCloseTo(expected[key] as number, 12);
        else expect(value).toEqual(expected[key]);
      }
    }

    const table = await tableValues(scaled.outputs.table);
    expect(Object.keys(table)).toEqual(['x', 'y', 'colour=blue', 'colour=green', 'colour=red', 'label']);
    for (const [name, values] of Object.entries(features)) {
      const { offset, scale } = scales[name] as { offset: number; scale: number };
      (table[name] as number[]).forEach((v, r) => {
        expect(v, `${name} row ${r}`).toBeCloseTo(((values[r] as number) - offset) / scale, 12);
      });
    }

    // The split: 10 "pos" and 10 "neg" rows, round(10 × 0.25) = 3 of each in test, rows kept whole and in order.
    const test = await tableValues(sides.outputs.test);
    const train = await tableValues(sides.outputs.train);
    expect(test.label?.filter((l) => l === 'pos')).toHaveLength(3);
    expect(test.label?.filter((l) => l === 'neg')).toHaveLength(3);
    expect(train.label).toHaveLength(14);
    const rowsOf = (values: Record<string, Array<number | string | null>>) =>
      (values.x ?? []).map((_, r) => JSON.stringify(Object.values(values).map((column) => column[r])));
    const all = rowsOf(table);
    const trainRows = rowsOf(train);
    const testRows = rowsOf(test);
    expect([...trainRows, ...testRows].sort()).toEqual([...all].sort());
    expect(trainRows).toEqual(all.filter((row) => trainRows.includes(row)));
    expect((await readTableInfo(sides.outputs.test.path)).lineage).toEqual(lineage);

    // New data through transform.apply with the three fitted transforms gives what the formulas give.
    const fresh: ReturnType<typeof rows> = [
      [null, 3, 'green', 'pos'],
      [100, null, null, 'neg'],
      [0, 0, 'purple', 'neg'],
    ];
    const freshPath = join(tables.directory, 'fresh.csv');
    await writeFile(freshPath, csv(fresh));
    let current = await tables.csv(freshPath);
    for (const fitted of [cleaned, encoded, scaled]) {
      const applied = await run(
        runNode(applyTransform, { inputs: { table: current, transform: fitted.outputs.transform } }),
      );
      current = applied.outputs.table;
    }
    const transformed = await tableValues(current);
    const steps = [cleaned, encoded, scaled].map(
      async (fitted) => (await readTransform(fitted.outputs.transform)).steps,
    );
    const allSteps: FittedStep[] = (await Promise.all(steps)).flat();
    expect((await readTableInfo(current.path)).lineage).toEqual({ ...lineage, steps: allSteps });
    expect(allSteps).toEqual(lineage.steps);
    const expectFresh = (name: string, raw: number[]) => {
      const { offset, scale } = scales[name] as { offset: number; scale: number };
      (transformed[name] as number[]).forEach((v, r) => {
        expect(v, `${name} row ${r}`).toBeCloseTo(((raw[r] as number) - offset) / scale, 12);
      });
    };
    expectFresh('x', [xMean, 100, 0]);
    expectFresh('y', [3, yMean, 0]);
    expectFresh('colour=green', [1, 0, 0]);
    // An unseen category ("purple") and a missing one both give zeros before scaling.
    expectFresh('colour=red', [0, 0, 0]);
    expectFresh('colour=blue', [0, 0, 0]);
  });
});
