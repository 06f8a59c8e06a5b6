import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { bearerMatches, isProtectedPath } from './auth-plugin.ts';

describe('isProtectedPath', () => {
  it('guards the API, the model server’s models and the metrics, not health checks or docs', () => {
    expect(isProtectedPath('/v2/models/iris/infer')).toBe(true);
    expect(isProtectedPath('/v2/models/iris?x=1')).toBe(true);
    expect(isProtectedPath('/v2/health/ready')).toBe(false);
    expect(isProtectedPath('/v2/health/live')).toBe(false);
    expect(isProtectedPath('/api')).toBe(true);
    expect(isProtectedPath('/api/nodes?x=1')).toBe(true);
    expect(isProtectedPath('/metrics')).toBe(true);
    expect(isProtectedPath('/healthz')).toBe(false);
    expect(isProtectedPath('/docs/json')).toBe(false);
    expect(isProtectedPath('/apiary')).toBe(false);
  });
});

describe('bearerMatches', () => {
  it('accepts only the exact token in a Bearer header', () => {
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cret2', 's3cret')).toBe(false);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches('Basic s3cret', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

describe('loom-auth with a token', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ apiToken: 's3cret' });
  });
  afterAll(() => test.close());

  it.each(['/api/nodes', '/api/pipelines', '/metrics', '/api/unknown'])('refuses %s without the token', async (url) => {
    const reply = await test.app.inject({ url });
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="loom"');
    expect(reply.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('refuses a wrong token', async () => {
    const reply = await test.app.inject({ url: '/api/nodes', headers: { authorization: 'Bearer nope' } });
    expect(reply.statusCode).toBe(401);
  });

  it('refuses a percent-encoded path that the router decodes to /api', async () => {
    const reply = await test.app.inject({ url: '/%61pi/nodes' });
    expect(reply.statusCode).toBe(401);
  });

  it('lets the token through', async () => {
    const headers = { authorization: 'Bearer s3cret' };
    expect((await test.app.inject({ url: '/api/nodes', headers })).statusCode).toBe(200);
    expect((await test.app.inject({ url: '/metrics', headers })).statusCode).toBe(200);
  });

  it('leaves /healthz and /docs open', async () => {
    expect((await test.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await test.app.inject({ url: '/docs/json' })).statusCode).toBe(200);
  });

  it('documents the bearer scheme in OpenAPI', async () => {
    const spec = (await test.app.inject({ url: '/docs/json' })).json();
    expect(spec.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect(spec.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('loom-auth without a token', () => {
  it('lets every request through on loopback', async () => {
    const test = await createTestApp();
    try {
      expect((await test.app.inject({ url: '/api/nodes' })).statusCode).toBe(200);
      expect((await test.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await test.close();
    }
  });
});
