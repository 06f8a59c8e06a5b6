import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineDocument } from '@loom/graph';
import { defineNode, inputFile, NodeRegistry, output, Type } from '@loom/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInputFiles, isDataFileName, listDataFiles, lookUpFiles } from './data-files.ts';

let repo: string;
let elsewhere: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'loom-files-repo-'));
  elsewhere = await mkdtemp(join(tmpdir(), 'loom-files-else-'));
  await mkdir(join(repo, 'examples', 'diabetes'), { recursive: true });
  await writeFile(join(repo, 'examples', 'diabetes', 'diabetes.csv'), 'a\n1\n');
  await writeFile(join(repo, 'examples', 'diabetes', 'diabetis.csv'), 'a\n1\n');
  await writeFile(join(repo, 'top.csv'), 'a\n1\n');
  await mkdir(join(repo, 'node_modules', 'pkg'), { recursive: true });
  await writeFile(join(repo, 'node_modules', 'pkg', 'diabetes.csv'), 'a\n');
  await mkdir(join(repo, '.cache'));
  await writeFile(join(repo, '.cache', 'diabetes.csv'), 'a\n');
  await mkdir(join(repo, 'src'));
  await writeFile(join(repo, 'src', 'diabetes.ts'), 'x');
  await writeFile(join(elsewhere, 'extra.parquet'), 'PAR1');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(elsewhere, { recursive: true, force: true });
});

describe('isDataFileName', () => {
  it('takes table formats, compressed too, and leaves settings, pipelines and sources out', () => {
    for (const name of ['a.csv', 'a.TSV', 'a.parquet', 'a.json', 'a.jsonl.gz', 'a.ndjson.zst'])
      expect(isDataFileName(name)).toBe(true);
    for (const name of ['package.json', 'tsconfig.build.json', 'x.loom.json', 'a.ts', 'a.npy'])
      expect(isDataFileName(name)).toBe(false);
  });
});

describe('listDataFiles', () => {
  it('walks each folder for data files, skipping dot-folders and node_modules', async () => {
    const listing = await listDataFiles([repo, elsewhere]);
    expect(listing.truncated).toBe(false);
    expect([...listing.files].sort()).toEqual(
      [
        join(repo, 'examples', 'diabetes', 'diabetes.csv'),
        join(repo, 'examples', 'diabetes', 'diabetis.csv'),
        join(repo, 'top.csv'),
        join(elsewhere, 'extra.parquet'),
      ].sort(),
    );
  });

  it('stops at the limit and says so', async () => {
    const listing = await listDataFiles([repo], { maxFiles: 1 });
    expect(listing).toMatchObject({ truncated: true, files: [expect.any(String)] });
  });
});

describe('lookUpFiles', () => {
  const lookup = () => ({ baseDir: repo, dataRoots: [repo, elsewhere] });

  it('finds a relative path in the base folder or in any data folder, and an absolute one as it is', async () => {
    expect(await lookUpFiles(['top.csv', 'extra.parquet', join(repo, 'top.csv')], lookup())).toEqual([
      { path: 'top.csv', found: true, resolved: join(repo, 'top.csv') },
      { path: 'extra.parquet', found: true, resolved: join(elsewhere, 'extra.parquet') },
      { path: join(repo, 'top.csv'), found: true, resolved: join(repo, 'top.csv') },
    ]);
  });

  it('for a missing file, says where it looked and suggests files of that name or nearly, as a path from the base folder', async () => {
    const [result] = await lookUpFiles(['diabetes.csv'], lookup());
    expect(result).toEqual({
      path: 'diabetes.csv',
      found: false,
      looked: [join(repo, 'diabetes.csv'), join(elsewhere, 'diabetes.csv')],
      suggestions: [join('examples', 'diabetes', 'diabetes.csv'), join('examples', 'diabetes', 'diabetis.csv')],
    });
  });

  it('suggests nothing far from the name, and counts a folder as no file', async () => {
    await mkdir(join(repo, 'folder.csv'), { recursive: true });
    expect(await lookUpFiles(['unrelated.csv', 'folder.csv'], lookup())).toMatchObject([
      { found: false, suggestions: [] },
      { found: false },
    ]);
  });

  it('writes a suggestion outside the base folder as an absolute path', async () => {
    const [result] = await lookUpFiles(['extra.parqet'], { baseDir: repo, dataRoots: [repo, elsewhere] });
    expect(result).toMatchObject({ found: false, suggestions: [join(elsewhere, 'extra.parquet')] });
  });
});

describe('checkInputFiles', () => {
  const unused = async (): Promise<never> => {
    throw new Error('never run');
  };
  const registry = new NodeRegistry([
    {
      definition: defineNode({
        type: 'test.read',
        version: '1.0.0',
        title: 'Read',
        description: 'Reads a file.',
        category: 'data',
        params: Type.Object({ path: inputFile() }),
        outputs: { table: output('table') },
        run: unused,
      }),
      source: 'test',
    },
  ]);
  const document = (paths: string[]): PipelineDocument => ({
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'check',
    nodes: paths.map((path, index) => ({ id: `read${index}`, type: 'test.read', version: '1.0.0', params: { path } })),
    edges: [],
  });

  it('is a data.file-missing diagnostic on each node whose file is nowhere, and nothing for the rest', async () => {
    const diagnostics = await checkInputFiles(document(['top.csv', 'diabetes.csv']), registry, {
      baseDir: repo,
      dataRoots: [repo],
    });
    expect(diagnostics).toEqual([
      {
        code: 'data.file-missing',
        severity: 'error',
        nodeId: 'read1',
        path: '/nodes/1/params/path',
        message: `path "diabetes.csv" of node "read1" names no file: looked for ${join(repo, 'diabetes.csv')}; did you mean "${join('examples', 'diabetes', 'diabetes.csv')}" or "${join('examples', 'diabetes', 'diabetis.csv')}"?`,
      },
    ]);
  });
});
