import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sourceLineage } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataJson } from './read-json.ts';
import { nodeFailure, scratchDir, tableValues } from './test-helpers.ts';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await scratchDir('loom-data-json-'));
});
afterAll(() => remove());

describe('data.json', () => {
  it('reads a JSON array of objects, one column per key, missing keys as NULL, a byte order mark tolerated', async () => {
    await writeFile(join(dir, 'rows.json'), '\uFEFF [{"a": 1, "b": "x"}, {"a": 2.5, "c": true}]');
    const result = await runNode(dataJson, { params: { path: 'rows.json' }, baseDir: dir });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:DOUBLE', 'b:VARCHAR', 'c:BOOLEAN']);
    expect(info.lineage).toEqual(
      sourceLineage([
        { name: 'a', kind: 'number' },
        { name: 'b', kind: 'string' },
        { name: 'c', kind: 'number' },
      ]),
    );
    expect(await tableValues(result.outputs.table, ['a', 'b', 'c'])).toEqual({
      a: [1, 2.5],
      b: ['x', null],
      c: [Number.NaN, 1],
    });
    expect(result.logs[0]).toEqual({
      level: 'debug',
      message: `rows.json (${join(dir, 'rows.json')}) holds a JSON array`,
    });
    await result.cleanup();
  });

  it('reads JSON Lines', async () => {
    await writeFile(join(dir, 'rows.jsonl'), '{"id": 1, "tag": "a"}\n\n{"id": 2, "tag": null}\n');
    const result = await runNode(dataJson, { params: { path: join(dir, 'rows.jsonl') } });
    expect(await tableValues(result.outputs.table, ['id', 'tag'])).toEqual({ id: [1, 2], tag: ['a', null] });
    expect(result.logs[0]?.message).toBe(`${join(dir, 'rows.jsonl')} holds JSON Lines`);
    await result.cleanup();
  });

  it('names the line and column of malformed JSON Lines, blank lines counted', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"a": 1}\n\n{"a": 2}\n{"a": tru}\n{"a": 3}\n');
    const error = await nodeFailure(runNode(dataJson, { params: { path: join(dir, 'bad.jsonl') } }));
    expect(error.message).toBe(`${join(dir, 'bad.jsonl')} is not valid JSON: line 4, column 10: Unexpected token '}'`);
    expect(error.retryable).toBe(false);
  });

  it('names the line and column of a malformed JSON array', async () => {
    await writeFile(join(dir, 'bad.json'), '[\n  {"a": 1},\n  {"a": 2 "b": 3}\n]');
    const error = await nodeFailure(runNode(dataJson, { params: { path: join(dir, 'bad.json') } }));
    expect(error.message).toBe(
      `${join(dir, 'bad.json')} is not valid JSON: line 3, column 11: Expected ',' or '}' after property value`,
    );
  });

  it("keeps DuckDB's account of an error in pretty-printed values one after another", async () => {
    await writeFile(join(dir, 'pretty.json'), '{\n  "a": 1\n}\n{\n  "a": tru\n}\n');
    const error = await nodeFailure(runNode(dataJson, { params: { path: join(dir, 'pretty.json') } }));
    expect(error.message).toMatch(
      new RegExp(`^${join(dir, 'pretty.json')} is not valid JSON: (line|record) \\d+, byte \\d+: invalid literal$`),
    );
  });

  it('refuses JSON that holds no objects, and an empty file', async () => {
    for (const [name, text] of [
      ['scalars.json', '[1, 2, 3]'],
      ['empty-array.json', '[]'],
      ['blank.json', '  \n'],
    ] as const) {
      await writeFile(join(dir, name), text);
      const error = await nodeFailure(runNode(dataJson, { params: { path: join(dir, name) } }));
      expect(error.message).toBe(
        `${join(dir, name)} holds no JSON objects: data.json reads an array of objects, or JSON Lines with one object per line`,
      );
    }
    await writeFile(join(dir, 'empty.json'), '');
    const empty = await nodeFailure(runNode(dataJson, { params: { path: join(dir, 'empty.json') } }));
    expect(empty.message).toBe(`${join(dir, 'empty.json')} is empty`);
  });
});
