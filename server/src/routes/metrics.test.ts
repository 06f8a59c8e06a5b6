import { compile } from '@loom/compiler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp, testDocument } from '../test-fixtures/test-app.ts';

let test: TestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await test?.close();
  test = undefined;
});

async function scrape(app: TestApp['app']): Promise<string> {
  const reply = await app.inject({ url: '/metrics' });
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return reply.body;
}

describe('GET /metrics', () => {
  it('serves Loom and process metrics in Prometheus text', async () => {
    test = await createTestApp();
    const text = await scrape(test.app);
    for (const name of [
      'loom_runs',
      'loom_steps',
      'loom_queue_jobs',
      'loom_step_duration_seconds',
      'loom_runs_started_total',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_total_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('loom_runs_started_total 0');
  });

  it('counts runs and steps by status from the store at scrape time', async () => {
    test = await createTestApp();
    const compiled = compile(testDocument(), test.app.registry);
    if (!compiled.ok) throw new Error('the test document must compile');
    test.app.store.createRun({
      id: 'run-1',
      pipelineId: 'p1',
      pipelineVersion: 1,
      document: compiled.document,
      plan: compiled.plan,
      options: { parameters: {}, noCache: false },
      createdAt: new Date().toISOString(),
    });
    const text = await scrape(test.app);
    expect(text).toContain('loom_runs{status="queued"} 1');
    expect(text).toContain('loom_steps{status="pending"} 2');
  });

  it('records step durations and started runs as the run manager reports them', async () => {
    test = await createTestApp();
    test.app.loomMetrics.observeStep('test.train', 'succeeded', 1500);
    test.app.loomMetrics.observeStep('test.train', 'failed', 20);
    test.app.loomMetrics.runStarted();
    const text = await scrape(test.app);
    expect(text).toContain('loom_step_duration_seconds_bucket{le="1",type="test.train",status="succeeded"} 0');
    expect(text).toContain('loom_step_duration_seconds_bucket{le="5",type="test.train",status="succeeded"} 1');
    expect(text).toContain('loom_step_duration_seconds_sum{type="test.train",status="failed"} 0.02');
    expect(text).toContain('loom_runs_started_total 1');
  });

  it('reports queue depths per backend and state, and still serves when they cannot be read', async () => {
    test = await createTestApp();
    const depths = vi
      .spyOn(test.app.runs, 'queueDepths')
      .mockResolvedValue({ gpu: { waiting: 2, active: 1, delayed: 0 } });
    const text = await scrape(test.app);
    expect(text).toContain('loom_queue_jobs{backend="gpu",state="waiting"} 2');
    expect(text).toContain('loom_queue_jobs{backend="gpu",state="active"} 1');
    depths.mockRejectedValue(new Error('Redis is down'));
    const without = await scrape(test.app);
    expect(without).not.toContain('loom_queue_jobs{');
    expect(without).toContain('loom_runs_started_total');
  });
});
