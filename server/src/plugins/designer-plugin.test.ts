import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

const INDEX = '<!doctype html><title>Loom designer (test)</title><script src="/assets/index-abc123.js"></script>';
const SCRIPT = 'console.log("designer");';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

let dirs: string[] = [];

/** A built designer in a temporary folder: index.html, a hashed asset, a favicon and a dotfile. */
async function builtDesigner(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-designer-'));
  dirs.push(dir);
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, '.env'), 'SECRET=1');
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

describe('loom-designer with a built designer', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ designerDir: await builtDesigner() });
  });
  afterAll(() => test.close());

  it('serves index.html at /, never cached without revalidating', async () => {
    const reply = await test.app.inject({ url: '/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.body).toBe(INDEX);
    const head = await test.app.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
  });

  it('answers a revalidation of index.html with 304', async () => {
    const first = await test.app.inject({ url: '/' });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await test.app.inject({ url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('serves hashed assets with a long immutable cache, other files with no-cache', async () => {
    const asset = await test.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe(SCRIPT);
    const favicon = await test.app.inject({ url: '/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/runs/42', '/pipelines/iris?tab=runs', '/index.html'])('serves index.html for the page %s', async (url) => {
    const reply = await test.app.inject({ url, headers: HTML });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(INDEX);
    expect(reply.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file that is not a page with the JSON 404', async () => {
    for (const url of ['/assets/gone-123.js', '/runs/42']) {
      const reply = await test.app.inject({ url, headers: { accept: '*/*' } });
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toMatchObject({ error: 'not-found' });
    }
  });

  it('leaves /api, /docs, /metrics, /healthz and /v2 to the server, even for pages', async () => {
    const unknownApi = await test.app.inject({ url: '/api/nope', headers: HTML });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toEqual({ error: 'not-found', message: 'no route GET /api/nope' });
    const nodes = await test.app.inject({ url: '/api/nodes', headers: HTML });
    expect(nodes.headers['content-type']).toMatch(/^application\/json/);
    const health = await test.app.inject({ url: '/healthz', headers: HTML });
    expect(health.json()).toMatchObject({ status: 'ok' });
    const metrics = await test.app.inject({ url: '/metrics', headers: HTML });
    expect(metrics.body).toContain('loom_runs');
    const unknownDocs = await test.app.inject({ url: '/docs/nope/deeper', headers: HTML });
    expect(unknownDocs.body).not.toBe(INDEX);
    const unknownInference = await test.app.inject({ url: '/v2/repository/index', headers: HTML });
    expect(unknownInference.json()).toEqual({ error: 'not-found', message: 'no route GET /v2/repository/index' });
  });

  it('never sends a dotfile or a file outside the folder', async () => {
    for (const url of ['/.env', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2fpackage.json']) {
      const reply = await test.app.inject({ url, headers: { accept: '*/*' } });
      expect([403, 404]).toContain(reply.statusCode);
      expect(reply.body).not.toContain('SECRET');
    }
  });

  it('stays out of the OpenAPI document', async () => {
    const { paths } = (await test.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(paths)).not.toContain('/*');
  });
});

describe('loom-designer without a built designer', () => {
  let test: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-designer-empty-'));
    dirs.push(dir);
    test = await createTestApp({ designerDir: dir });
  });
  afterAll(() => test.close());

  it('answers / and pages with 503 and the command that builds it', async () => {
    for (const url of ['/', '/runs/42']) {
      const reply = await test.app.inject({ url, headers: HTML });
      expect(reply.statusCode).toBe(503);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.body).toContain('pnpm --filter @loom/designer build');
    }
  });

  it('keeps the API working', async () => {
    const reply = await test.app.inject({ url: '/api/nodes' });
    expect(reply.statusCode).toBe(200);
  });

  it('serves the designer once it is built, without a restart', async () => {
    await writeFile(join(dir, 'index.html'), INDEX);
    const reply = await test.app.inject({ url: '/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(INDEX);
  });
});

describe('loom-designer with an API token', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ apiToken: 's3cret', designerDir: await builtDesigner() });
  });
  afterAll(() => test.close());

  it('serves the designer without the token and still guards the API', async () => {
    for (const url of ['/', '/assets/index-abc123.js', '/runs/42']) {
      const reply = await test.app.inject({ url, headers: HTML });
      expect([url, reply.statusCode]).toEqual([url, 200]);
    }
    expect((await test.app.inject({ url: '/api/nodes', headers: HTML })).statusCode).toBe(401);
    expect((await test.app.inject({ url: '/api/nope', headers: HTML })).statusCode).toBe(401);
  });
});
