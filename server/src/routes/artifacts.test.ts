import { readFile } from 'node:fs/promises';
import { TABLE_MEDIA_TYPE } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARQUET_MEDIA_TYPE } from '../artifact-content.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
let tables: TableFixtures;
beforeAll(async () => {
  test = await createTestApp();
  tables = await TableFixtures.create();
});
afterAll(async () => {
  await tables.close();
  await test.close();
});

const put = async (bytes: Uint8Array | string) => (await test.app.artifacts.put(bytes)).sha256;
const preview = async (sha256: string, query = '') =>
  test.app.inject({ url: `/api/artifacts/${sha256}/preview${query}` });

async function parquetTable(): Promise<string> {
  const ref = await tables.table(
    `SELECT * FROM (VALUES
       (1, 'a', 2.5, true, DATE '2024-01-02', 9007199254740993::BIGINT),
       (2, NULL, NULL, false, NULL, 3::BIGINT),
       (3, 'c', -1.0, NULL, DATE '2024-03-04', 4::BIGINT)
     ) t(id, name, score, flag, day, big)`,
  );
  return put(await readFile(ref.path));
}

describe('GET /api/artifacts/:sha256', () => {
  it('streams the bytes with their length and a content type judged from them', async () => {
    const sha256 = await put('{"accuracy": 0.93}');
    const reply = await test.app.inject({ url: `/api/artifacts/${sha256}` });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe('{"accuracy": 0.93}');
    expect(reply.headers['content-length']).toBe('18');
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers.etag).toBe(`"${sha256}"`);
  });

  it('serves tables as Parquet, text as text and anything else as octet-stream', async () => {
    const table = await test.app.inject({ url: `/api/artifacts/${await parquetTable()}` });
    expect(table.headers['content-type']).toBe(PARQUET_MEDIA_TYPE);
    expect(table.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
    const text = await test.app.inject({ url: `/api/artifacts/${await put('hello\n')}` });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    const binary = await test.app.inject({ url: `/api/artifacts/${await put(Uint8Array.of(0, 159, 146, 150))}` });
    expect(binary.headers['content-type']).toBe('application/octet-stream');
    expect([...binary.rawPayload]).toEqual([0, 159, 146, 150]);
  });

  it('names the download when asked, as a plain and an exact (UTF-8) file name', async () => {
    const sha256 = await put(Uint8Array.of(8, 1, 18, 4));
    const plain = await test.app.inject({ url: `/api/artifacts/${sha256}` });
    expect(plain.headers['content-disposition']).toBeUndefined();
    const named = await test.app.inject({ url: `/api/artifacts/${sha256}?filename=iris-classification.onnx` });
    expect(named.statusCode).toBe(200);
    expect(named.headers['content-disposition']).toBe(
      `attachment; filename="iris-classification.onnx"; filename*=UTF-8''iris-classification.onnx`,
    );
    expect([...named.rawPayload]).toEqual([8, 1, 18, 4]);
    const accented = await test.app.inject({
      url: `/api/artifacts/${sha256}?filename=${encodeURIComponent("modèle (v2) l'iris.onnx")}`,
    });
    expect(accented.headers['content-disposition']).toBe(
      `attachment; filename="mod_le (v2) l'iris.onnx"; filename*=UTF-8''mod%C3%A8le%20%28v2%29%20l%27iris.onnx`,
    );
  });

  it.each(['../etc/passwd', 'a\\b.onnx', 'say "hi".txt', 'line\nbreak', ''])(
    'refuses the file name %j with a 400 naming the parameter',
    async (filename) => {
      const sha256 = await put('x');
      const reply = await test.app.inject({
        url: `/api/artifacts/${sha256}?filename=${encodeURIComponent(filename)}`,
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().problems).toEqual([expect.objectContaining({ in: 'querystring', path: '/filename' })]);
    },
  );

  it('is a 404 for a blob the store does not hold', async () => {
    const reply = await test.app.inject({ url: `/api/artifacts/${'0'.repeat(64)}` });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toEqual({ error: 'not-found', message: `no artifact ${'0'.repeat(64)}` });
    expect((await preview('f'.repeat(64))).statusCode).toBe(404);
  });

  it.each(['abc', 'A'.repeat(64), `${'0'.repeat(63)}g`, '..%2F..%2Fetc%2Fpasswd'])(
    'is a 400 for the id %s',
    async (id) => {
      const reply = await test.app.inject({ url: `/api/artifacts/${id}` });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().problems).toEqual([{ in: 'params', path: '/sha256', message: 'must match ^[0-9a-f]{64}$' }]);
    },
  );
});

describe('GET /api/artifacts/:sha256/preview', () => {
  it("previews a Parquet table's columns and first rows as plain JSON values", async () => {
    const reply = await preview(await parquetTable(), '?rows=2');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      kind: 'table',
      columns: [
        { name: 'id', type: 'INTEGER', kind: 'number' },
        { name: 'name', type: 'VARCHAR', kind: 'string' },
        { name: 'score', type: expect.stringMatching(/^DECIMAL|DOUBLE/), kind: 'number' },
        { name: 'flag', type: 'BOOLEAN', kind: 'number' },
        { name: 'day', type: 'DATE', kind: 'other' },
        { name: 'big', type: 'BIGINT', kind: 'number' },
      ],
      rowCount: 3,
      rows: [
        { id: 1, name: 'a', score: 2.5, flag: true, day: '2024-01-02', big: 9007199254740992 },
        { id: 2, name: null, score: null, flag: false, day: null, big: 3 },
      ],
    });
  });

  it('shows 50 rows unless told otherwise, and refuses a bad row count', async () => {
    const ref = await tables.table('SELECT range AS n FROM range(120)');
    const sha256 = await put(await readFile(ref.path));
    const body = (await preview(sha256)).json();
    expect(body.rowCount).toBe(120);
    expect(body.rows).toHaveLength(50);
    expect((await preview(sha256, '?rows=0')).json().rows).toEqual([]);
    const bad = await preview(sha256, '?rows=5000');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual([expect.objectContaining({ in: 'querystring', path: '/rows' })]);
  });

  it('previews a JSON blob as its value', async () => {
    const metrics = {
      accuracy: 0.93,
      confusion: {
        kind: 'matrix',
        labels: ['a', 'b'],
        values: [
          [1, 0],
          [0, 1],
        ],
      },
    };
    const reply = await preview(await put(JSON.stringify(metrics)));
    expect(reply.json()).toEqual({ kind: 'json', value: metrics });
    const curve = Array.from({ length: 20_000 }, (_, i) => i / 7);
    const large = await put(JSON.stringify({ loss: curve }));
    expect((await preview(large)).json()).toEqual({ kind: 'json', value: { loss: curve } });
  });

  it('previews text, cut at 64 KiB', async () => {
    expect((await preview(await put('just words'))).json()).toEqual({
      kind: 'text',
      text: 'just words',
      truncated: false,
    });
    // A two-byte character straddles the cut: it is left out rather than mangled.
    const long = `${'x'.repeat(64 * 1024 - 1)}é and more`;
    const body = (await preview(await put(long))).json();
    expect(body).toMatchObject({ kind: 'text', truncated: true });
    expect(body.text).toBe('x'.repeat(64 * 1024 - 1));
    const brokenJson = (await preview(await put('{"not": json'))).json();
    expect(brokenJson).toEqual({ kind: 'text', text: '{"not": json', truncated: false });
  });

  it('previews anything else as its size', async () => {
    const reply = await preview(await put(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1, 2)));
    expect(reply.json()).toEqual({ kind: 'binary', size: 7 });
  });

  it('serves tables under the media type @loom/tables gives them', () => {
    expect(PARQUET_MEDIA_TYPE).toBe(TABLE_MEDIA_TYPE);
  });
});
