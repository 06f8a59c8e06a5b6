import { NodeError } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { metricsGate } from './metrics-gate.ts';

const metrics = {
  accuracy: 0.85,
  latency_ms: 120,
  loss: { kind: 'curve' as const, x: [1, 2], y: [0.5, 0.4] },
};

async function gateMessage(rules: Array<{ metric: string; min?: number; max?: number }>): Promise<string> {
  const error = await runNode(metricsGate, { params: { rules }, inputs: { metrics } }).then(
    () => undefined,
    (cause: unknown) => cause,
  );
  expect(error).toBeInstanceOf(NodeError);
  expect((error as NodeError).retryable).toBe(false);
  return (error as NodeError).message;
}

describe('core.metrics_gate', () => {
  it('passes the metrics on when every rule holds, bounds included', async () => {
    const result = await runNode(metricsGate, {
      params: {
        rules: [
          { metric: 'accuracy', min: 0.85 },
          { metric: 'latency_ms', min: 0, max: 120 },
        ],
      },
      inputs: { metrics },
    });
    expect(result.outputs.metrics).toEqual(metrics);
    expect(result.logs).toEqual([{ level: 'info', message: 'all 2 rules hold' }]);
    // The numbers it judged are the step's metrics, reported before the verdict.
    expect(result.metrics).toEqual({ accuracy: 0.85, latency_ms: 120 });
    await result.cleanup();
  });

  it('says a single rule holds in the singular', async () => {
    const result = await runNode(metricsGate, {
      params: { rules: [{ metric: 'accuracy', min: 0.5 }] },
      inputs: { metrics },
    });
    expect(result.logs).toEqual([{ level: 'info', message: 'the rule holds' }]);
    await result.cleanup();
  });

  it('fails naming the metric, its value and the minimum it is below', async () => {
    expect(await gateMessage([{ metric: 'accuracy', min: 0.9 }])).toBe(
      'quality gate failed: accuracy = 0.85 is below the minimum 0.9',
    );
  });

  it('fails naming the metric, its value and the maximum it is above', async () => {
    expect(await gateMessage([{ metric: 'latency_ms', max: 100 }])).toBe(
      'quality gate failed: latency_ms = 120 is above the maximum 100',
    );
  });

  it('lists every broken rule, in rule order', async () => {
    expect(
      await gateMessage([
        { metric: 'latency_ms', max: 100 },
        { metric: 'accuracy', min: 0.5 },
        { metric: 'accuracy', min: 0.9, max: 0.8 },
        { metric: 'recall', min: 0.5 },
        { metric: 'loss', max: 1 },
        { metric: 'latency_ms' },
      ]),
    ).toBe(
      'quality gate failed: latency_ms = 120 is above the maximum 100; accuracy = 0.85 is below the minimum 0.9; ' +
        'accuracy = 0.85 is above the maximum 0.8; metric "recall" is missing; metric "loss" is not a number; ' +
        'rule for "latency_ms" sets neither min nor max',
    );
  });

  it('rejects an empty rule list', async () => {
    await expect(runNode(metricsGate, { params: { rules: [] }, inputs: { metrics } })).rejects.toThrow(
      'invalid params',
    );
  });
});
