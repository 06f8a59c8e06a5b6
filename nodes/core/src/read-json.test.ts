import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeError } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from './read-json.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-core-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (cause: unknown) => cause,
  );
  expect(error).toBeInstanceOf(NodeError);
  return error as NodeError;
}

async function fingerprint(path: string): Promise<string | undefined> {
  if (readJson.fingerprint === undefined) throw new Error('core.read_json has no fingerprint');
  return readJson.fingerprint({
    params: { path, lines: false },
    resolvePath: (p) => resolve(dir, p),
    hashFile: async (p) =>
      createHash('sha256')
        .update(await readFile(p))
        .digest('hex'),
    signal: new AbortController().signal,
  });
}

describe('core.read_json', () => {
  it('reads one JSON value from a path relative to the pipeline folder', async () => {
    await writeFile(join(dir, 'report.json'), '{ "evaluation": { "accuracy": 0.93 }, "tags": ["a", null] }');
    const result = await runNode(readJson, { params: { path: 'report.json' }, baseDir: dir });
    expect(result.outputs.data).toEqual({ evaluation: { accuracy: 0.93 }, tags: ['a', null] });
    await result.cleanup();
  });

  it('reads an absolute path whatever the base folder', async () => {
    await writeFile(join(dir, 'n.json'), '42');
    const result = await runNode(readJson, { params: { path: join(dir, 'n.json') }, baseDir: '/nowhere' });
    expect(result.outputs.data).toBe(42);
    await result.cleanup();
  });

  it('reads JSON Lines as an array, skipping blank lines and tolerating CRLF', async () => {
    await writeFile(join(dir, 'rows.jsonl'), '{"id": 1}\r\n\r\n{"id": 2}\n  \n[3]\n');
    const result = await runNode(readJson, { params: { path: 'rows.jsonl', lines: true }, baseDir: dir });
    expect(result.outputs.data).toEqual([{ id: 1 }, { id: 2 }, [3]]);
    expect(result.logs).toEqual([{ level: 'info', message: 'read 3 records' }]);
    await result.cleanup();
  });

  it('reads an empty JSON Lines file as an empty array', async () => {
    await writeFile(join(dir, 'empty.jsonl'), '');
    const result = await runNode(readJson, { params: { path: 'empty.jsonl', lines: true }, baseDir: dir });
    expect(result.outputs.data).toEqual([]);
    await result.cleanup();
  });

  it('names the line and column of invalid JSON, and does not ask for a retry', async () => {
    await writeFile(join(dir, 'bad.json'), '{\n  "a": 1\n  "b": 2\n}');
    const error = await failure(runNode(readJson, { params: { path: 'bad.json' }, baseDir: dir }));
    expect(error.message).toBe(
      "bad.json is not valid JSON: line 3, column 3: Expected ',' or '}' after property value",
    );
    expect(error.retryable).toBe(false);
  });

  it('locates an unexpected token too', async () => {
    await writeFile(join(dir, 'bad.json'), '{\n  "a": }');
    const error = await failure(runNode(readJson, { params: { path: 'bad.json' }, baseDir: dir }));
    expect(error.message).toBe("bad.json is not valid JSON: line 2, column 8: Unexpected token '}'");
  });

  it('says so when the file is empty', async () => {
    await writeFile(join(dir, 'empty.json'), '  \n');
    const error = await failure(runNode(readJson, { params: { path: 'empty.json' }, baseDir: dir }));
    expect(error.message).toBe('empty.json is not valid JSON: the text is empty');
  });

  it('names the line of invalid JSON Lines', async () => {
    await writeFile(join(dir, 'rows.jsonl'), '{"id": 1}\n{"id": }\n');
    const error = await failure(runNode(readJson, { params: { path: 'rows.jsonl', lines: true }, baseDir: dir }));
    expect(error.message).toMatch(/^rows\.jsonl line 2 is not valid JSON: /);
    expect(error.retryable).toBe(false);
  });

  it('fails on a missing file with a NodeError naming the path as given and as resolved', async () => {
    const error = await failure(runNode(readJson, { params: { path: 'missing.json' }, baseDir: dir }));
    expect(error.message).toBe(`file not found: missing.json (${join(dir, 'missing.json')})`);
    expect(error.retryable).toBe(false);
  });

  it('shows an absolute missing path once', async () => {
    const path = join(dir, 'missing.json');
    const error = await failure(runNode(readJson, { params: { path } }));
    expect(error.message).toBe(`file not found: ${path}`);
  });

  it('fails on a directory with a message that says so', async () => {
    await mkdir(join(dir, 'folder.json'));
    const error = await failure(runNode(readJson, { params: { path: 'folder.json' }, baseDir: dir }));
    expect(error.message).toBe(`folder.json (${join(dir, 'folder.json')}) is a directory, not a file`);
    expect(error.retryable).toBe(false);
  });

  it('has a fingerprint that follows the file content, not its name or time', async () => {
    await writeFile(join(dir, 'a.json'), '{"v": 1}');
    const first = await fingerprint('a.json');
    expect(first).toBe(createHash('sha256').update('{"v": 1}').digest('hex'));
    await writeFile(join(dir, 'a.json'), '{"v": 1}');
    expect(await fingerprint('a.json')).toBe(first);
    await writeFile(join(dir, 'b.json'), '{"v": 1}');
    expect(await fingerprint(join(dir, 'b.json'))).toBe(first);
    await writeFile(join(dir, 'a.json'), '{"v": 2}');
    expect(await fingerprint('a.json')).not.toBe(first);
  });

  it('rejects params without a path', async () => {
    await expect(runNode(readJson, { params: { path: '' } })).rejects.toThrow('invalid params');
  });
});
