import { describe, expect, it } from 'vitest';
import { argmaxRows } from './argmax.ts';

describe('argmaxRows', () => {
  it('picks each row’s first maximum', () => {
    const values = Float64Array.of(0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8);
    expect(Array.from(argmaxRows(values, 3, 3))).toEqual([1, 0, 2]);
  });
});
