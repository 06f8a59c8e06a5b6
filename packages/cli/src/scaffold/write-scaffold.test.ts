import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaffoldTargetError, writeScaffold } from './write-scaffold.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-scaffold-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FILES = [
  { path: 'package.json', content: '{}\n' },
  { path: 'src/index.ts', content: 'export const nodes = [];\n' },
];

describe('writeScaffold', () => {
  it('creates a missing folder, with its parents and the files’ folders', async () => {
    const target = join(dir, 'plugins', '@acme', 'text');
    await writeScaffold(target, FILES);
    expect(await readFile(join(target, 'src', 'index.ts'), 'utf8')).toBe('export const nodes = [];\n');
    expect((await readdir(target)).sort()).toEqual(['package.json', 'src']);
  });

  it('fills an empty folder', async () => {
    await writeScaffold(dir, FILES);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses a folder that holds anything, naming what, and writes nothing', async () => {
    await mkdir(join(dir, '.git'));
    const error = await writeScaffold(dir, FILES).catch((cause: unknown) => cause);
    expect(error).toBeInstanceOf(ScaffoldTargetError);
    expect((error as Error).message).toBe(`${dir} is not empty (it holds .git): choose a new or empty folder`);
    expect(await readdir(dir)).toEqual(['.git']);
  });

  it('refuses a file', async () => {
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'x');
    await expect(writeScaffold(file, FILES)).rejects.toThrow(`${file} is a file, not a folder`);
  });
});
