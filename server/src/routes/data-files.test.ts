import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
let first: string;
let second: string;
beforeAll(async () => {
  first = await mkdtemp(join(tmpdir(), 'loom-data-a-'));
  second = await mkdtemp(join(tmpdir(), 'loom-data-b-'));
  await mkdir(join(first, 'iris'));
  await writeFile(join(first, 'iris', 'iris.csv'), 'a,b\n1,2\n');
  await writeFile(join(first, '.hidden.csv'), 'x');
  await mkdir(join(first, 'node_modules'));
  await writeFile(join(first, 'node_modules', 'big.csv'), 'x');
  await writeFile(join(second, 'other.parquet'), '1234');
  // What a repository also holds: sources, settings, pipelines, binaries; none of it is data.
  await mkdir(join(first, 'src'));
  for (const name of ['index.ts', 'app.tsx', 'notes.md', 'weights.npy']) await writeFile(join(first, 'src', name), 'x');
  for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'biome.json', 'iris.loom.json'])
    await writeFile(join(first, name), '{}');
  await writeFile(join(first, 'events.jsonl.gz'), 'zz');
  await writeFile(join(first, 'report.json'), '{}');
  test = await createTestApp({ dataRoots: [first, second] });
});
afterAll(async () => {
  await test.close();
  await rm(first, { recursive: true, force: true });
  await rm(second, { recursive: true, force: true });
});

describe('GET /api/data-files', () => {
  it('lists the data files under the data folders as a pipeline names them, skipping sources, settings, hidden and tool folders', async () => {
    const reply = await test.app.inject({ url: '/api/data-files' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      files: [
        { path: join(second, 'other.parquet'), size: 4 },
        { path: 'events.jsonl.gz', size: 2 },
        { path: join('iris', 'iris.csv'), size: 8 },
        { path: 'report.json', size: 2 },
      ].sort((a, b) => a.path.localeCompare(b.path)),
      truncated: false,
    });
  });

  it('needs the token when the server has one', async () => {
    const guarded = await createTestApp({ apiToken: 'secret' });
    try {
      expect((await guarded.app.inject({ url: '/api/data-files' })).statusCode).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});

describe('POST /api/data-files/check', () => {
  const check = (paths: unknown) =>
    test.app.inject({ method: 'POST', url: '/api/data-files/check', payload: { paths } });

  it('says which paths a run would find, and for the others where it looked and what they may have meant', async () => {
    const reply = await check(['iris/iris.csv', 'other.parquet', 'iris.csv']);
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      folders: [first, second],
      results: [
        { path: 'iris/iris.csv', found: true },
        { path: 'other.parquet', found: true },
        {
          path: 'iris.csv',
          found: false,
          looked: [join(first, 'iris.csv'), join(second, 'iris.csv')],
          suggestions: [join('iris', 'iris.csv')],
        },
      ],
    });
  });

  it('refuses a body that is not a list of paths, naming the field', async () => {
    const reply = await check('iris.csv');
    expect(reply.statusCode).toBe(400);
    expect(reply.json().message).toContain('paths');
  });
});
