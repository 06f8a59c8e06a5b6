import { describe, expect, it } from 'vitest';
import type { Tensors } from './tensor.ts';
import { concatRows, feedRows, sameFeedLayout, splitRows } from './tensor-batch.ts';

const request = (x: number[], s: string[]): Tensors => ({
  x: { type: 'float32', data: Float32Array.from(x), dims: [x.length / 2, 2] },
  s: { type: 'string', data: s, dims: [s.length, 1] },
});

describe('batching tensors by rows', () => {
  it('joins requests along the rows and splits outputs back', () => {
    const a = request([1, 2], ['a']);
    const b = request([3, 4, 5, 6], ['b', 'c']);
    expect(feedRows(a)).toBe(1);
    expect(feedRows(b)).toBe(2);
    expect(sameFeedLayout(a, b)).toBe(true);
    expect(concatRows([a, b])).toEqual({
      x: { type: 'float32', data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [3, 2] },
      s: { type: 'string', data: ['a', 'b', 'c'], dims: [3, 1] },
    });
    const outputs: Tensors = {
      label: { type: 'int64', data: BigInt64Array.of(7n, 8n, 9n), dims: [3] },
      p: { type: 'float32', data: Float32Array.of(0.1, 0.9, 0.2, 0.8, 0.3, 0.7), dims: [3, 2] },
    };
    expect(splitRows(outputs, [1, 2])).toEqual([
      {
        label: { type: 'int64', data: BigInt64Array.of(7n), dims: [1] },
        p: { type: 'float32', data: Float32Array.of(0.1, 0.9), dims: [1, 2] },
      },
      {
        label: { type: 'int64', data: BigInt64Array.of(8n, 9n), dims: [2] },
        p: { type: 'float32', data: Float32Array.of(0.2, 0.8, 0.3, 0.7), dims: [2, 2] },
      },
    ]);
  });

  it('tells feeds that cannot be joined', () => {
    const a = request([1, 2], ['a']);
    expect(sameFeedLayout(a, { ...a, x: { type: 'float64', data: Float64Array.of(1, 2), dims: [1, 2] } })).toBe(false);
    expect(sameFeedLayout(a, { ...a, x: { type: 'float32', data: Float32Array.of(1, 2, 3), dims: [1, 3] } })).toBe(
      false,
    );
    expect(sameFeedLayout(a, { x: a.x as Tensors[string] })).toBe(false);
    expect(feedRows({ ...a, s: { type: 'string', data: ['a', 'b'], dims: [2, 1] } })).toBeUndefined();
    expect(feedRows({ k: { type: 'float32', data: Float32Array.of(1), dims: [] } })).toBeUndefined();
    expect(() => splitRows({ t: { type: 'float32', data: Float32Array.of(1), dims: [1] } }, [1, 1])).toThrow(
      "output 't' has no row dimension to split a batch by",
    );
  });
});
