import { describe, expect, it } from 'vitest';
import { rebuildSourceValues, unscale } from './parity-sample.ts';

// Iris's petal widths, which z-scoring there and back turns into 0.20000000000000004 and the like.
const petalWidths = [0.2, 0.1, 0.4, 1.3, 1.5, 1.8, 2.3, 0.3, 1, 2.5, 0.6, 1.1, 1.7, 2.1];

function zScore(values: number[]): { offset: number; scale: number; scaled: Float64Array } {
  const offset = values.reduce((a, b) => a + b, 0) / values.length;
  const scale = Math.sqrt(values.reduce((a, b) => a + (b - offset) ** 2, 0) / values.length);
  return { offset, scale, scaled: Float64Array.from(values, (v) => (v - offset) / scale) };
}

describe('unscale', () => {
  it('gives back the decimals that were scaled, so ties with raw traffic hold', () => {
    const { offset, scale, scaled } = zScore(petalWidths);
    expect(Array.from(scaled, (z) => z * scale + offset)).not.toEqual(petalWidths);
    expect(Array.from(scaled, (z) => unscale(z, scale, offset))).toEqual(petalWidths);
  });

  it('keeps small values beside a large offset, huge values and zero', () => {
    const { offset, scale, scaled } = zScore([1000.00001, 1000.25, 999.5, 1e-5 + 1000]);
    expect(Array.from(scaled, (z) => unscale(z, scale, offset))).toEqual([1000.00001, 1000.25, 999.5, 1e-5 + 1000]);
    expect(unscale((3.5e15 - 1e15) / 2e15, 2e15, 1e15)).toBe(3.5e15);
    expect(unscale(0, 1, 0)).toBe(0);
    expect(unscale((1e-14 - 0) / 1, 1, 0)).toBe(1e-14);
    expect(unscale(Number.NaN, 1, 0)).toBeNaN();
  });
});

describe('rebuildSourceValues', () => {
  it('undoes a scaling exactly and a one-hot to its category', () => {
    const { offset, scale, scaled } = zScore(petalWidths);
    const rows = petalWidths.map((_, i) => i);
    const hot = Float64Array.from(rows, (i) => (i % 2 === 0 ? 1 : 0));
    const cold = Float64Array.from(hot, (v) => 1 - v);
    const rebuilt = rebuildSourceValues(
      ['petal_width', 'colour=red', 'colour=blue'],
      [scaled, hot, cold],
      [
        { kind: 'one_hot', column: 'colour', categories: ['red', 'blue'] },
        { kind: 'scale', column: 'petal_width', offset, scale },
      ],
      [
        { name: 'petal_width', kind: 'number' },
        { name: 'colour', kind: 'string' },
        { name: 'unused', kind: 'number' },
      ],
      rows,
    );
    expect(rebuilt.petal_width).toEqual(petalWidths);
    expect(rebuilt.colour).toEqual(rows.map((i) => (i % 2 === 0 ? 'red' : 'blue')));
    expect(rebuilt.unused).toEqual(rows.map(() => null));
  });
});
