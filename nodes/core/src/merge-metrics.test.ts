import { NodeRegistry, upgradeNodeParams } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { mergeMetrics, mergeMetricsV1 } from './merge-metrics.ts';

const from = (...nodes: string[]) => ({ metrics: nodes.map((node) => ({ node, port: 'metrics' })) });

describe('core.merge_metrics@2.0.0', () => {
  it('names a shared metric after the node each set came from, and keeps the others as they are', async () => {
    const result = await runNode(mergeMetrics, {
      inputs: {
        metrics: [
          { accuracy: 0.941, f1: 0.928, latency_ms: 3.2 },
          { accuracy: 0.902, f1: 0.889 },
        ],
      },
      sources: from('candidate', 'baseline'),
    });
    expect(result.outputs.metrics).toEqual({
      'candidate.accuracy': 0.941,
      'candidate.f1': 0.928,
      latency_ms: 3.2,
      'baseline.accuracy': 0.902,
      'baseline.f1': 0.889,
    });
    // In connection order, so the same document always gives the same keys in the same order.
    expect(Object.keys(result.outputs.metrics)).toEqual([
      'candidate.accuracy',
      'candidate.f1',
      'latency_ms',
      'baseline.accuracy',
      'baseline.f1',
    ]);
    await result.cleanup();
  });

  it('adds the port where one node feeds two sets', async () => {
    const result = await runNode(mergeMetrics, {
      inputs: { metrics: [{ loss: 1 }, { loss: 2 }, { loss: 3 }] },
      sources: {
        metrics: [
          { node: 'train', port: 'train_metrics' },
          { node: 'train', port: 'test_metrics' },
          { node: 'other', port: 'metrics' },
        ],
      },
    });
    expect(result.outputs.metrics).toEqual({
      'train.train_metrics.loss': 1,
      'train.test_metrics.loss': 2,
      'other.loss': 3,
    });
    await result.cleanup();
  });

  it('fails, naming the metric, when a prefixed name is taken already', async () => {
    await expect(
      runNode(mergeMetrics, {
        inputs: { metrics: [{ 'b.loss': 1 }, { loss: 2 }, { loss: 3 }] },
        sources: from('a', 'b', 'c'),
      }),
    ).rejects.toThrow('two merged metrics would both be named "b.loss" (the second from input 2, b)');
  });

  it('keeps the later value with on_conflict=last, and fails naming the metric with on_conflict=error', async () => {
    const last = await runNode(mergeMetrics, {
      params: { on_conflict: 'last' },
      inputs: { metrics: [{ accuracy: 0.9 }, { accuracy: 0.8 }] },
    });
    expect(last.outputs.metrics).toEqual({ accuracy: 0.8 });
    await last.cleanup();
    await expect(
      runNode(mergeMetrics, { params: { on_conflict: 'error' }, inputs: { metrics: [{ loss: 1 }, { loss: 2 }] } }),
    ).rejects.toThrow('metric "loss" appears in more than one input');
  });

  it('upgrades a 1.0.0 document: number becomes prefix, the other choices stay', () => {
    const registry = new NodeRegistry(
      [mergeMetricsV1, mergeMetrics].map((definition) => ({ definition, source: '@loom/nodes-core' })),
    );
    for (const [before, after] of [
      [{ on_conflict: 'number' }, { on_conflict: 'prefix' }],
      [{ on_conflict: 'last' }, { on_conflict: 'last' }],
      [{}, {}],
    ] as const) {
      expect(upgradeNodeParams(registry, 'core.merge_metrics', '1.0.0', undefined, before)).toEqual({
        ok: true,
        upgrade: {
          type: 'core.merge_metrics',
          version: '2.0.0',
          params: after,
          migrations: [{ from: '1.0.0', to: '2.0.0' }],
        },
      });
    }
  });
});

describe('core.merge_metrics@1.0.0', () => {
  it('still numbers clashing names, for the documents that pin it', async () => {
    const result = await runNode(mergeMetricsV1, {
      inputs: { metrics: [{ accuracy: 0.9 }, { accuracy: 0.8, f1: 0.7 }] },
    });
    expect(result.outputs.metrics).toEqual({ accuracy: 0.9, accuracy_2: 0.8, f1: 0.7 });
    await result.cleanup();
  });
});
