import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testDocument } from '../test-fixtures/test-app.ts';

// The reproductions of the hardening issue, against the whole app: before the guard, the first answered
// 201 and started a run, and the second answered 200 with every pipeline.
const LOOM = '127.0.0.1:18700';
const EVIL = 'http://evil.example';
const JSON_TYPE = { 'content-type': 'application/json' };

let test: TestApp;
let pipelineId: string;
beforeAll(async () => {
  test = await createTestApp();
  const saved = await test.app.inject({ method: 'POST', url: '/api/pipelines', payload: testDocument() });
  pipelineId = saved.json().id;
});
afterAll(() => test.close());

async function runCount(): Promise<number> {
  return (await test.app.inject({ url: `/api/runs?pipelineId=${pipelineId}` })).json().runs.length;
}

describe('loom-request-guard: pages of other sites', () => {
  it('refuses a bodiless cross-origin POST that would start a run, and starts none', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${pipelineId}/runs`,
      headers: { host: LOOM, origin: EVIL },
    });
    expect(reply.statusCode).toBe(403);
    expect(reply.json()).toEqual({
      error: 'origin-not-allowed',
      message: expect.stringContaining(`refused a request from the page at ${EVIL}`),
    });
    expect(await runCount()).toBe(0);
  });

  it.each(['cancel', 'resume'])('refuses a cross-origin %s', async (action) => {
    const reply = await test.app.inject({
      method: 'POST',
      url: `/api/runs/some-run/${action}`,
      headers: { host: LOOM, origin: EVIL, 'content-type': 'text/plain' },
    });
    expect(reply.statusCode).toBe(403);
  });

  it('refuses a form posted from another site (a simple request with a body)', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${pipelineId}/runs`,
      headers: { host: LOOM, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      payload: 'noCache=true',
    });
    expect(reply.statusCode).toBe(403);
    expect(await runCount()).toBe(0);
  });

  it('refuses a POST that is not JSON even without an Origin (an old browser, a stripped header)', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${pipelineId}/runs`,
      headers: { host: LOOM, 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(reply.statusCode).toBe(415);
    expect(reply.json().message).toContain('send "Content-Type: application/json"');
    expect(await runCount()).toBe(0);
  });

  it('refuses the event streams to other pages', async () => {
    const reply = await test.app.inject({ url: '/api/runs/some-run/events', headers: { host: LOOM, origin: EVIL } });
    expect(reply.statusCode).toBe(403);
    const catalog = await test.app.inject({ url: '/api/nodes/events', headers: { host: LOOM, origin: EVIL } });
    expect(catalog.statusCode).toBe(403);
  });

  it('refuses to answer a rebound name, for the API and the designer alike', async () => {
    for (const url of ['/api/pipelines', `/api/pipelines/${pipelineId}`, '/', '/metrics', '/docs/json']) {
      const reply = await test.app.inject({ url, headers: { host: 'evil.example:18700' } });
      expect(reply.statusCode, url).toBe(403);
      expect(reply.json().error).toBe('host-not-allowed');
      expect(reply.body).not.toContain('demo');
    }
  });

  it('answers health checks for any name (a container or pod name)', async () => {
    const reply = await test.app.inject({ url: '/healthz', headers: { host: 'loom-server:8080' } });
    expect(reply.statusCode).toBe(200);
  });

  it('refuses a cross-origin request before asking for the token', async () => {
    const guarded = await createTestApp({ apiToken: 's3cret' });
    try {
      const reply = await guarded.app.inject({ url: '/api/pipelines', headers: { host: LOOM, origin: EVIL } });
      expect(reply.statusCode).toBe(403);
    } finally {
      await guarded.close();
    }
  });
});

describe('loom-request-guard: the designer and the CLI keep working', () => {
  it('lets the designer start, cancel and watch runs from its own origin', async () => {
    const headers = { host: LOOM, origin: `http://${LOOM}`, 'sec-fetch-site': 'same-origin', ...JSON_TYPE };
    const started = await test.app.inject({ method: 'POST', url: `/api/pipelines/${pipelineId}/runs`, headers });
    expect(started.statusCode).toBe(201);
    const runId = started.json().id;
    const cancel = await test.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers });
    expect([202, 409]).toContain(cancel.statusCode);
    expect((await test.app.inject({ url: `/api/runs/${runId}`, headers: { host: LOOM } })).statusCode).toBe(200);
  });

  it('lets a client without an Origin through, by loopback name or address', async () => {
    for (const host of ['localhost:18700', '127.0.0.1:18700', '[::1]:18700', 'loom.localhost:18700']) {
      expect((await test.app.inject({ url: '/api/pipelines', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('takes the JSON content type with no body on routes that need none', async () => {
    const reply = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${pipelineId}/runs`,
      headers: { host: LOOM, ...JSON_TYPE },
    });
    expect(reply.statusCode).toBe(201);
  });

  it('still refuses malformed JSON with 400', async () => {
    const reply = await test.app.inject({ method: 'POST', url: '/api/compile', headers: JSON_TYPE, payload: '{"a":' });
    expect(reply.statusCode).toBe(400);
  });
});

describe('loom-request-guard: configured hosts and origins', () => {
  let configured: TestApp;
  beforeAll(async () => {
    configured = await createTestApp({
      allowedHosts: ['loom.example.com', '.corp.example'],
      allowedOrigins: ['https://dashboard.example.com'],
    });
  });
  afterAll(() => configured.close());

  it('answers the configured names', async () => {
    for (const host of ['loom.example.com', 'loom.corp.example:8080']) {
      expect((await configured.app.inject({ url: '/api/pipelines', headers: { host } })).statusCode, host).toBe(200);
    }
    expect((await configured.app.inject({ url: '/api/pipelines', headers: { host: 'evil.example' } })).statusCode).toBe(
      403,
    );
  });

  it('grants a configured origin its preflight and its calls, and no one else', async () => {
    const preflight = await configured.app.inject({
      method: 'OPTIONS',
      url: '/api/compile',
      headers: {
        host: LOOM,
        origin: 'https://dashboard.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://dashboard.example.com');
    const call = await configured.app.inject({
      method: 'POST',
      url: '/api/compile',
      headers: { host: LOOM, origin: 'https://dashboard.example.com' },
      payload: { document: testDocument() },
    });
    expect(call.statusCode).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('https://dashboard.example.com');
    const other = await configured.app.inject({
      method: 'OPTIONS',
      url: '/api/compile',
      headers: { host: LOOM, origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a configuration that is not hosts or origins, naming the entry', async () => {
    await expect(createTestApp({ allowedOrigins: ['dashboard.example.com'] })).rejects.toThrow(
      'allowed origin "dashboard.example.com" is not an origin',
    );
    await expect(createTestApp({ allowedHosts: ['loom:8080'] })).rejects.toThrow(
      'allowed host "loom:8080" is not a host name',
    );
  });
});
