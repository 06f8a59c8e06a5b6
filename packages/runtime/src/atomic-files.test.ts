import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFiles } from './atomic-files.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-atomic-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('AtomicFiles', () => {
  it('writes into new directories and leaves no temporary file', async () => {
    const files = new AtomicFiles(join(root, 'tmp'));
    await files.write(join(root, 'a', 'b', 'c.json'), '{"c":1}');
    expect(await readFile(join(root, 'a', 'b', 'c.json'), 'utf8')).toBe('{"c":1}');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('makes its directories again when they were removed after first use', async () => {
    const files = new AtomicFiles(join(root, 'state', 'tmp'));
    await files.write(join(root, 'state', 'x', 'one'), '1');
    await rm(join(root, 'state'), { recursive: true, force: true });
    await files.write(join(root, 'state', 'x', 'two'), '2');
    expect(await readFile(join(root, 'state', 'x', 'two'), 'utf8')).toBe('2');
  });

  it('removes its temporary file when the final rename fails', async () => {
    const files = new AtomicFiles(join(root, 'tmp'));
    await mkdir(join(root, 'taken', 'inner'), { recursive: true });
    await expect(files.write(join(root, 'taken'), 'data')).rejects.toThrow();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});
