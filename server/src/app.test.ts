import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { createTestApp, type TestApp, testDocument, testRegistry } from './test-fixtures/test-app.ts';

let current: TestApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function start(options: Parameters<typeof createTestApp>[0] = {}) {
  current = await createTestApp(options);
  return current.app;
}

describe('buildApp', () => {
  it('refuses to serve on a non-loopback host without a token', async () => {
    const options = { registry: testRegistry(), home: tmpdir(), dataRoots: [tmpdir()] };
    await expect(buildApp({ ...options, host: '0.0.0.0' })).rejects.toThrow(
      /refusing to serve on 0\.0\.0\.0 without an API token/,
    );
    await expect(buildApp({ ...options, host: '192.168.1.5', apiToken: '' })).rejects.toThrow(/LOOM_API_TOKEN/);
  });

  it('serves on a non-loopback host with a token', async () => {
    const app = await start({ host: '0.0.0.0', apiToken: 'secret' });
    const reply = await app.inject({ url: '/api/nodes', headers: { authorization: 'Bearer secret' } });
    expect(reply.statusCode).toBe(200);
  });

  it('decorates the resolved config, the registry and the services', async () => {
    const app = await start();
    expect(app.config.bodyLimit).toBe(10 * 1024 * 1024);
    expect(app.config.queuePrefix).toBe('loom');
    expect(app.registry.get('test.source', '1.0.0')).toBeDefined();
    expect(app.store.listPipelines()).toEqual([]);
    expect(app.artifacts.root).toBe(current?.home);
    expect(app.runs.health()).toEqual({ transport: 'inline' });
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const app = await start();
    const reply = await app.inject({ url: '/api/nope?x=1' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toEqual({ error: 'not-found', message: 'no route GET /api/nope' });
  });

  it('answers a body over the default limit with 413 naming the limit', async () => {
    const app = await start();
    const big = JSON.stringify({ ...testDocument(), description: 'x'.repeat(10 * 1024 * 1024) });
    const reply = await app.inject({
      method: 'POST',
      url: '/api/pipelines',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(reply.statusCode).toBe(413);
    expect(reply.json()).toEqual({
      error: 'payload-too-large',
      message: 'the request body is larger than the limit of 10 MiB (10485760 bytes)',
    });
  });

  it('applies a configured body limit', async () => {
    const app = await start({ bodyLimit: 2048 });
    const reply = await app.inject({
      method: 'POST',
      url: '/api/compile',
      payload: { document: { ...testDocument(), description: 'x'.repeat(4096) } },
    });
    expect(reply.statusCode).toBe(413);
    expect(reply.json().message).toContain('2 KiB (2048 bytes)');
  });

  it('answers malformed JSON with 400 bad-request', async () => {
    const app = await start();
    const reply = await app.inject({
      method: 'POST',
      url: '/api/compile',
      headers: { 'content-type': 'application/json' },
      payload: '{"document": ',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error).toBe('bad-request');
  });

  it('answers an unsupported content type with 415', async () => {
    const app = await start();
    const reply = await app.inject({
      method: 'POST',
      url: '/api/compile',
      headers: { 'content-type': 'application/xml' },
      payload: '<document/>',
    });
    expect(reply.statusCode).toBe(415);
    expect(reply.json().error).toBe('unsupported-media-type');
  });

  it('turns a failing handler into a 500 with a message and goes on serving', async () => {
    const home = await mkdtemp(join(tmpdir(), 'loom-shell-'));
    const app = await buildApp({ registry: testRegistry(), home, dataRoots: [home], host: '127.0.0.1' });
    app.get('/api/boom', async () => {
      throw new Error('the disk is on fire');
    });
    try {
      const reply = await app.inject({ url: '/api/boom' });
      expect(reply.statusCode).toBe(500);
      expect(reply.json()).toMatchObject({
        error: 'internal',
        message: expect.stringContaining('the disk is on fire'),
      });
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('OpenAPI', () => {
  it('lists every route with its schemas at /docs/json', async () => {
    const app = await start();
    const reply = await app.inject({ url: '/docs/json' });
    expect(reply.statusCode).toBe(200);
    const spec = reply.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/nodes',
        '/api/compile',
        '/api/pipelines',
        '/api/pipelines/{id}',
        '/api/pipelines/{id}/versions',
        '/api/pipelines/{id}/versions/{version}',
        '/api/artifacts/{sha256}',
        '/api/artifacts/{sha256}/preview',
        '/api/models',
        '/api/models/{name}/versions/{version}',
        '/api/models/{name}/aliases/{alias}/rollback',
        '/api/endpoints/{model}',
        '/api/runs',
        '/healthz',
        '/metrics',
        '/v2/health/ready',
        '/v2/models/{name}',
        '/v2/models/{name}/versions/{version}/infer',
      ]),
    );
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Diagnostic', 'Problem', 'InferenceError']),
    );
    expect(spec.paths['/v2/models/{name}/infer'].post.tags).toEqual(['inference']);
    const create = spec.paths['/api/pipelines'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '413']));
    expect(spec.paths['/api/pipelines/{id}/versions/{version}'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'version', in: 'path' })]),
    );
  });

  it('serves Swagger UI at /docs', async () => {
    const app = await start();
    const reply = await app.inject({ url: '/docs/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toContain('text/html');
  });
});

describe('startup cost', () => {
  it('does not load DuckDB until a table is previewed', async () => {
    const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));
    const script = `
      import { mkdtempSync, rmSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const duckdb = () => process.report.getReport().sharedObjects.filter((name) => name.includes('duckdb')).length;
      const { buildApp } = await import(${here('./app.ts')});
      const { testRegistry } = await import(${here('./test-fixtures/test-app.ts')});
      const home = mkdtempSync(join(tmpdir(), 'loom-startup-'));
      const app = await buildApp({ registry: testRegistry(), home, dataRoots: [home], host: '127.0.0.1' });
      await app.inject({ url: '/api/nodes' });
      const { sha256 } = await app.artifacts.put('{"a": 1}');
      await app.inject({ url: '/api/artifacts/' + sha256 + '/preview' });
      const before = duckdb();
      const { TableDatabase } = await import('@loom/tables');
      (await TableDatabase.open()).close();
      const after = duckdb();
      await app.close();
      rmSync(home, { recursive: true, force: true });
      console.log(JSON.stringify({ before, after }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const { before, after } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
