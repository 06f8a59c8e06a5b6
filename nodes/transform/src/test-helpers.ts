import { readFile } from 'node:fs/promises';
import type { FittedTransform } from '@loom/ml';
import { type ArtifactRef, NodeError } from '@loom/sdk';
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

export { tableValues } from '@loom/tables/testing';

/** A `transform` artifact's content. */
export async function readTransform(ref: ArtifactRef): Promise<FittedTransform> {
  return JSON.parse(await readFile(ref.path, 'utf8')) as FittedTransform;
}
