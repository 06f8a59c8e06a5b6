import { readFile } from 'node:fs/promises';
import type { FittedTransform } from '@loom/ml';
import { type ArtifactRef, NodeError } from '@loom/sdk';
import { readColumns, readTableInfo, type TableColumn } from '@loom/tables';
import { expect } from 'vitest';

/** The NodeError a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function nodeFailure(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (cause: unknown) => cause,
  );
  expect(error).toBeInstanceOf(NodeError);
  return error as NodeError;
}

/** Every column of a table as plain arrays: numbers (NaN for NULL) or strings (null for NULL), in table order. */
export async function tableValues(
  ref: ArtifactRef | { path: string },
): Promise<Record<string, Array<number | string | null>>> {
  const info = await readTableInfo(ref.path);
  const names = info.columns.filter((column) => column.kind !== 'other').map((column) => column.name);
  const { columns } = await readColumns(ref.path, names);
  const values: Record<string, Array<number | string | null>> = {};
  for (const name of names) {
    const column = columns.get(name) as TableColumn;
    values[name] = column.kind === 'number' ? Array.from(column.values) : column.values;
  }
  return values;
}

/** A `transform` artifact's content. */
export async function readTransform(ref: ArtifactRef): Promise<FittedTransform> {
  return JSON.parse(await readFile(ref.path, 'utf8')) as FittedTransform;
}
