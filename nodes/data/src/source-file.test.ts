import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { runNode } from '@loom/sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataCsv } from './read-csv.ts';
import { DATA_ROOTS_VARIABLE, downloadName, fingerprintSource } from './source-file.ts';
import { nodeFailure, scratchDir, tableValues } from './test-helpers.ts';

const CSV = 'x,label\n1.5,a\n2.5,b\n';
let dir: string;
let remove: () => Promise<void>;
let server: Server;
let base: string;
const requests: string[] = [];
let body = CSV;

beforeAll(async () => {
  ({ dir, remove } = await scratchDir('loom-data-source-'));
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    switch (request.url) {
      case '/data/train%20set.csv':
        response.writeHead(200, {
          'content-type': 'text/csv',
          'content-length': Buffer.byteLength(body),
          etag: '"v1"',
          'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
        });
        response.end(body);
        return;
      case '/plain.csv':
        response.writeHead(200, { 'content-type': 'text/csv' });
        response.end(body);
        return;
      case '/server-error.csv':
        response.writeHead(503, 'Service Unavailable');
        response.end();
        return;
      case '/hang.csv':
        response.writeHead(200, { 'content-type': 'text/csv' });
        response.write('x\n1\n');
        return;
      default:
        response.writeHead(404, 'Not Found');
        response.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await remove();
});
afterEach(() => {
  delete process.env[DATA_ROOTS_VARIABLE];
  requests.length = 0;
  body = CSV;
});

function fingerprint(path: string, baseDir = dir): Promise<string> {
  return fingerprintSource({
    params: { path },
    resolvePath: (p) => resolve(baseDir, p),
    hashFile: async (p) =>
      createHash('sha256')
        .update(await readFile(p))
        .digest('hex'),
    signal: new AbortController().signal,
  });
}

describe('data sources', () => {
  it('looks a relative path up in each LOOM_DATA_ROOTS folder when the pipeline folder lacks it', async () => {
    await mkdir(join(dir, 'root-a'), { recursive: true });
    await mkdir(join(dir, 'root-b', 'sets'), { recursive: true });
    await writeFile(join(dir, 'root-b', 'sets', 'rooted.csv'), CSV);
    process.env[DATA_ROOTS_VARIABLE] = `${join(dir, 'root-a')}::${join(dir, 'root-b')}`;
    const result = await runNode(dataCsv, { params: { path: 'sets/rooted.csv' }, baseDir: join(dir, 'pipelines') });
    expect(await tableValues(result.outputs.table, ['x', 'label'])).toEqual({ x: [1.5, 2.5], label: ['a', 'b'] });
    expect(await fingerprint('sets/rooted.csv', join(dir, 'pipelines'))).toBe(
      `sha256:${createHash('sha256').update(CSV).digest('hex')}`,
    );
    await result.cleanup();
    const error = await nodeFailure(runNode(dataCsv, { params: { path: 'sets/none.csv' }, baseDir: join(dir, 'p') }));
    expect(error.message).toBe(
      `file not found: sets/none.csv (looked in ${join(dir, 'p', 'sets/none.csv')}, ` +
        `${join(dir, 'root-a', 'sets/none.csv')}, ${join(dir, 'root-b', 'sets/none.csv')})`,
    );
  });

  it('prefers the pipeline folder to the data roots', async () => {
    await writeFile(join(dir, 'both.csv'), 'x\n1\n');
    await mkdir(join(dir, 'other'), { recursive: true });
    await writeFile(join(dir, 'other', 'both.csv'), 'x\n2\n');
    process.env[DATA_ROOTS_VARIABLE] = join(dir, 'other');
    const result = await runNode(dataCsv, { params: { path: 'both.csv' }, baseDir: dir });
    expect(await tableValues(result.outputs.table, ['x'])).toEqual({ x: [1] });
    await result.cleanup();
  });

  it('downloads an http URL and reads it', async () => {
    const result = await runNode(dataCsv, { params: { path: `${base}/data/train%20set.csv` } });
    expect(await tableValues(result.outputs.table, ['x', 'label'])).toEqual({ x: [1.5, 2.5], label: ['a', 'b'] });
    expect(result.logs[0]?.message).toBe(`read 2 rows × 2 columns from ${base}/data/train%20set.csv`);
    await result.cleanup();
  });

  it('fingerprints a URL by its validators from a HEAD request, without downloading it', async () => {
    const first = await fingerprint(`${base}/data/train%20set.csv`);
    expect(first).toBe('http:{"etag":"\\"v1\\"","modified":"Mon, 01 Jan 2024 00:00:00 GMT","length":"20"}');
    expect(requests).toEqual(['HEAD /data/train%20set.csv']);
  });

  it('fingerprints a URL without validators by the hash of its content', async () => {
    const first = await fingerprint(`${base}/plain.csv`);
    expect(first).toBe(`sha256:${createHash('sha256').update(CSV).digest('hex')}`);
    expect(requests).toEqual(['HEAD /plain.csv', 'GET /plain.csv']);
    body = 'x,label\n9,z\n';
    expect(await fingerprint(`${base}/plain.csv`)).not.toBe(first);
  });

  it('refuses a missing URL for good, and lets a server error be retried', async () => {
    const missing = await nodeFailure(runNode(dataCsv, { params: { path: `${base}/missing.csv` } }));
    expect(missing.message).toBe(`could not download ${base}/missing.csv: HTTP 404 Not Found`);
    expect(missing.retryable).toBe(false);
    const down = await nodeFailure(runNode(dataCsv, { params: { path: `${base}/server-error.csv` } }));
    expect(down.message).toBe(`could not download ${base}/server-error.csv: HTTP 503 Service Unavailable`);
    expect(down.retryable).toBe(true);
  });

  it('stops a download when the run is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 200);
    await expect(runNode(dataCsv, { params: { path: `${base}/hang.csv` }, signal: controller.signal })).rejects.toThrow(
      'cancelled',
    );
  });

  it('names downloads safely after the URL', () => {
    expect(downloadName('https://example.com/a/train%20set.csv.gz?x=1')).toBe('train_set.csv.gz');
    expect(downloadName('https://example.com/')).toBe('download');
    expect(downloadName('https://example.com/..')).toBe('download');
  });
});
