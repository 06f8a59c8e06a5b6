import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeError } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readText } from './read-text.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-core-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('core.read_text', () => {
  it('reads a UTF-8 file as it is', async () => {
    const text = 'naïve café ✓\nsecond line\n';
    await writeFile(join(dir, 'notes.txt'), text);
    const result = await runNode(readText, { params: { path: 'notes.txt' }, baseDir: dir });
    expect(result.outputs.text).toBe(text);
    await result.cleanup();
  });

  it('fails on a missing file with a NodeError that names it and is not retried', async () => {
    const error = await runNode(readText, { params: { path: 'nope.txt' }, baseDir: dir }).then(
      () => undefined,
      (cause: unknown) => cause,
    );
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).message).toBe(`file not found: nope.txt (${join(dir, 'nope.txt')})`);
    expect((error as NodeError).retryable).toBe(false);
  });

  it('has a fingerprint that changes with the file content', async () => {
    const fingerprint = readText.fingerprint;
    if (fingerprint === undefined) throw new Error('core.read_text has no fingerprint');
    const take = () =>
      fingerprint({
        params: { path: 'notes.txt' },
        resolvePath: (p) => resolve(dir, p),
        hashFile: async (p) =>
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        signal: new AbortController().signal,
      });
    await writeFile(join(dir, 'notes.txt'), 'one');
    const first = await take();
    expect(await take()).toBe(first);
    await writeFile(join(dir, 'notes.txt'), 'two');
    expect(await take()).not.toBe(first);
  });
});
