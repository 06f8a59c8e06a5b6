import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { mergeMetrics } from './merge-metrics.ts';

describe('core.merge_metrics', () => {
  it('numbers clashing names by default', async () => {
    const result = await runNode(mergeMetrics, {
      inputs: { metrics: [{ accuracy: 0.9 }, { accuracy: 0.8, f1: 0.7 }] },
    });
    expect(result.outputs.metrics).toEqual({ accuracy: 0.9, accuracy_2: 0.8, f1: 0.7 });
    await result.cleanup();
  });

  it('keeps the later value with on_conflict=last', async () => {
    const result = await runNode(mergeMetrics, {
      params: { on_conflict: 'last' },
      inputs: { metrics: [{ accuracy: 0.9 }, { accuracy: 0.8 }] },
    });
    expect(result.outputs.metrics).toEqual({ accuracy: 0.8 });
    await result.cleanup();
  });

  it('fails naming the metric with on_conflict=error', async () => {
    await expect(
      runNode(mergeMetrics, { params: { on_conflict: 'error' }, inputs: { metrics: [{ loss: 1 }, { loss: 2 }] } }),
    ).rejects.toThrow('metric "loss" appears in more than one input');
  });
});
