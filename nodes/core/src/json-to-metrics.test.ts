import { NodeError } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { jsonToMetrics, resolvePointer } from './json-to-metrics.ts';

const report = {
  evaluation: { accuracy: 0.93, f1: 0.88, 'a/b': 1, 'c~d': 2 },
  folds: [{ loss: 0.4 }, { loss: 0.3 }],
  name: 'candidate',
};

async function failure(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (cause: unknown) => cause,
  );
  expect(error).toBeInstanceOf(NodeError);
  return error as NodeError;
}

describe('resolvePointer', () => {
  it('follows RFC 6901 pointers through objects and arrays', () => {
    expect(resolvePointer(report, '/evaluation/accuracy')).toBe(0.93);
    expect(resolvePointer(report, '/folds/1/loss')).toBe(0.3);
    expect(resolvePointer(report, '/evaluation/a~1b')).toBe(1);
    expect(resolvePointer(report, '/evaluation/c~0d')).toBe(2);
    expect(resolvePointer(report, '')).toBe(report);
  });

  it('gives undefined for what is not there', () => {
    expect(resolvePointer(report, '/evaluation/precision')).toBeUndefined();
    expect(resolvePointer(report, '/name/length/x')).toBeUndefined();
    expect(resolvePointer(report, '/folds/5/loss')).toBeUndefined();
    expect(resolvePointer(null, '/a')).toBeUndefined();
    expect(resolvePointer(report, 'evaluation')).toBeUndefined();
  });
});

describe('core.json_to_metrics', () => {
  it('names the numbers its pointers find and reports each as a metric', async () => {
    const result = await runNode(jsonToMetrics, {
      params: { fields: { accuracy: '/evaluation/accuracy', last_loss: '/folds/1/loss' } },
      inputs: { data: report },
    });
    expect(result.outputs.metrics).toEqual({ accuracy: 0.93, last_loss: 0.3 });
    expect(result.metrics).toEqual({ accuracy: 0.93, last_loss: 0.3 });
    await result.cleanup();
  });

  it('takes the whole input with the empty pointer', async () => {
    const result = await runNode(jsonToMetrics, { params: { fields: { score: '' } }, inputs: { data: 7 } });
    expect(result.outputs.metrics).toEqual({ score: 7 });
    await result.cleanup();
  });

  it('fails naming the metric and pointer when the value is missing', async () => {
    const error = await failure(
      runNode(jsonToMetrics, { params: { fields: { precision: '/evaluation/precision' } }, inputs: { data: report } }),
    );
    expect(error.message).toBe('metric "precision": /evaluation/precision is missing');
    expect(error.retryable).toBe(false);
  });

  it('fails showing the value when it is not a number', async () => {
    const error = await failure(
      runNode(jsonToMetrics, { params: { fields: { n: '/name' } }, inputs: { data: report } }),
    );
    expect(error.message).toBe('metric "n": /name is not a number ("candidate")');
    const nested = await failure(
      runNode(jsonToMetrics, { params: { fields: { e: '/evaluation' } }, inputs: { data: { evaluation: null } } }),
    );
    expect(nested.message).toBe('metric "e": /evaluation is not a number (null)');
  });

  it('rejects a pointer that does not start with a slash', async () => {
    await expect(
      runNode(jsonToMetrics, { params: { fields: { a: 'evaluation/accuracy' } }, inputs: { data: report } }),
    ).rejects.toThrow('invalid params');
  });
});
