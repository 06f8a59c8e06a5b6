import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await test?.close();
  test = undefined;
});

describe('GET /healthz', () => {
  it('is ok with steps running in process', async () => {
    test = await createTestApp();
    const reply = await test.app.inject({ url: '/healthz' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ status: 'ok', transport: 'inline' });
  });

  it('reports Redis up, and a 503 "degraded" while it is down', async () => {
    test = await createTestApp();
    const health = vi.spyOn(test.app.runs, 'health').mockReturnValue({ transport: 'bullmq', redisUp: true });
    expect((await test.app.inject({ url: '/healthz' })).json()).toEqual({
      status: 'ok',
      transport: 'bullmq',
      redis: 'up',
    });
    health.mockReturnValue({ transport: 'bullmq', redisUp: false });
    const reply = await test.app.inject({ url: '/healthz' });
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toEqual({ status: 'degraded', transport: 'bullmq', redis: 'down' });
    // The rest of the API still answers.
    expect((await test.app.inject({ url: '/api/pipelines' })).statusCode).toBe(200);
  });
});
