import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError } from '@loom/sdk';
import { expect } from 'vitest';

/** A fresh temporary folder and its removal, for one test file. */
export async function scratchDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

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
