import { parameterJsonSchema } from '@loom/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sourceNode, type TestApp } from '../test-fixtures/test-app.ts';

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

describe('GET /api/nodes', () => {
  it('lists every node type version with ports, parameter schema and resources', async () => {
    const reply = await test.app.inject({ url: '/api/nodes' });
    expect(reply.statusCode).toBe(200);
    const { nodes } = reply.json();
    expect(nodes.map((n: { type: string; version: string }) => `${n.type}@${n.version}`)).toEqual([
      'test.merge@1.0.0',
      'test.merge@2.0.0',
      'test.source@1.0.0',
      'test.train@1.0.0',
    ]);
    expect(nodes.map((n: { latest: boolean }) => n.latest)).toEqual([false, true, true, true]);
    const merge = nodes[1];
    expect(merge).toMatchObject({
      title: 'Merge',
      category: 'monitor',
      description: 'Merges metrics.',
      source: 'test-fixtures',
      inputs: [
        { name: 'reports', type: 'metrics', required: true, multiple: true },
        { name: 'extra', type: 'json', required: false, multiple: false },
      ],
      outputs: [{ name: 'merged', type: 'metrics' }],
      resources: { cpu: 1, memoryMb: 512, gpu: { count: 0, memoryMb: 0, cpuFallback: false }, backend: 'cpu' },
    });
    const train = nodes[3];
    expect(train.resources).toEqual({
      cpu: 1,
      memoryMb: 512,
      gpu: { count: 1, memoryMb: 0, cpuFallback: false },
      backend: 'gpu',
    });
    expect(train.retry).toEqual({ retries: 0, backoffMs: 1000, maxBackoffMs: 60_000 });
    expect(train).toMatchObject({ timeoutMs: 600_000, cacheable: true });
  });

  it('sends the parameter JSON Schema whole, as the SDK publishes it', async () => {
    const { nodes } = (await test.app.inject({ url: '/api/nodes' })).json();
    const source = nodes.find((n: { type: string }) => n.type === 'test.source');
    expect(source.params).toEqual(parameterJsonSchema(sourceNode.params));
    expect(source.params.required).toEqual(['path']);
    expect(source.params.properties.rows).toMatchObject({ type: 'integer', minimum: 1, default: 100 });
    expect(source.outputs).toEqual([{ name: 'table', type: 'table', description: 'The rows' }]);
  });

  it('lists the port types with their colours and what they extend', async () => {
    const { portTypes } = (await test.app.inject({ url: '/api/nodes' })).json();
    expect(portTypes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'table', storage: 'file', extends: 'file', color: expect.any(String) }),
        expect.objectContaining({ name: 'any', storage: 'abstract' }),
      ]),
    );
    expect(portTypes.find((t: { name: string }) => t.name === 'any')).not.toHaveProperty('extends');
  });
});
