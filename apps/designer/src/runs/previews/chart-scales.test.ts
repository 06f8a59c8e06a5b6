import { describe, expect, it } from 'vitest';
import {
  decimate,
  extent,
  formatCount,
  formatMetric,
  formatNumber,
  heatColor,
  linearScale,
  nearestIndex,
  nearestPoint,
  niceDomain,
  niceStep,
  niceTicks,
  readableTextColor,
  rgbCss,
  stepDecimals,
  tickFormatter,
} from './chart-scales.ts';

describe('number formatting', () => {
  it('keeps up to 6 significant digits and integers as they are', () => {
    expect(formatNumber(0.123456789)).toBe('0.123457');
    expect(formatNumber(5.1)).toBe('5.1');
    expect(formatNumber(123456.789)).toBe('123457');
    expect(formatNumber(150000)).toBe('150000');
    expect(formatNumber(-0.000012345678)).toBe('-0.0000123457');
    expect(formatNumber(1.23456789e-9)).toBe('1.23457e-9');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
    expect(formatNumber(2 / 3, 3)).toBe('0.667');
  });

  it('formats metrics to 4 significant digits, keeping a fraction on large values', () => {
    expect(formatMetric(0.9666666667)).toBe('0.9667');
    expect(formatMetric(1234.5678)).toBe('1234.57');
    expect(formatMetric(12.3456)).toBe('12.35');
    expect(formatMetric(0.00012346)).toBe('0.0001235');
    expect(formatMetric(42)).toBe('42');
  });

  it('groups counts by thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(50)).toBe('50');
  });
});

describe('ticks', () => {
  it('chooses steps of 1, 2, 2.5 and 5 times a power of ten', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceStep(0.9, 5)).toBe(0.2);
    expect(niceStep(3000, 5)).toBe(1000);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('counts the decimals a step needs', () => {
    expect(stepDecimals(0.25)).toBe(2);
    expect(stepDecimals(0.2)).toBe(1);
    expect(stepDecimals(2.5)).toBe(1);
    expect(stepDecimals(25)).toBe(0);
    expect(stepDecimals(1000)).toBe(0);
  });

  it('places ticks at whole steps without floating-point noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.05, 2.31, 5)).toEqual([0.5, 1, 1.5, 2]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(niceTicks(1, 200, 5)).toEqual([50, 100, 150, 200]);
    expect(niceTicks(4, 4)).toEqual([4]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it('widens a domain to whole steps', () => {
    expect(niceDomain(0.05, 2.31)).toEqual([0, 2.5]);
    expect(niceDomain(1, 200)).toEqual([0, 200]);
    expect(niceDomain(3, 3)).toEqual([2.6, 3.4]);
    expect(niceDomain(0, 0)).toEqual([-1, 1]);
  });

  it('formats ticks with the decimals of their step', () => {
    expect([0, 0.25, 0.5].map(tickFormatter([0, 0.25, 0.5]))).toEqual(['0.00', '0.25', '0.50']);
    expect([0, 50, 100].map(tickFormatter([0, 50, 100]))).toEqual(['0', '50', '100']);
    expect([0, 20000, 40000].map(tickFormatter([0, 20000, 40000]))).toEqual(['0', '20K', '40K']);
    expect(tickFormatter([0, 0.00002])(0.00002)).toBe('2.0e-5');
  });
});

describe('scales and lookup', () => {
  it('maps a domain onto a range and back', () => {
    const scale = linearScale([0, 10], [100, 0]);
    expect(scale(0)).toBe(100);
    expect(scale(2.5)).toBe(75);
    expect(scale.invert(75)).toBe(2.5);
    expect(linearScale([1, 1], [0, 10])(1)).toBe(5);
  });

  it('finds the extent of finite values', () => {
    expect(extent([3, Number.NaN, -1, 7])).toEqual([-1, 7]);
    expect(extent([])).toBeUndefined();
  });

  it('finds the nearest value', () => {
    expect(nearestIndex([0, 1, 2, 3], 1.4)).toBe(1);
    expect(nearestIndex([0, 1, 2, 3], 1.6)).toBe(2);
    expect(nearestIndex([5, 1, 9], 8)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
  });

  it('finds the point nearest a pointer, favouring x', () => {
    const xs = [0, 0, 0, 100];
    const ys = [100, 50, 0, 0];
    expect(nearestPoint(xs, ys, 2, 48)).toBe(1);
    expect(nearestPoint(xs, ys, 60, 0)).toBe(3);
    expect(nearestPoint([], [], 0, 0)).toBe(-1);
  });

  it('decimates long series and keeps their extremes', () => {
    expect(decimate([1, 2, 3])).toEqual([0, 1, 2]);
    const y = Array.from({ length: 10_000 }, (_, index) => Math.sin(index / 50));
    y[4321] = 99;
    const kept = decimate(y, 200);
    expect(kept.length).toBeLessThanOrEqual(202);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(9999);
    expect(kept).toContain(4321);
  });
});

describe('colour scale', () => {
  it('goes from a light tint to deep indigo, clamped', () => {
    expect(heatColor(0)).toEqual([244, 245, 255]);
    expect(heatColor(1)).toEqual([55, 48, 163]);
    expect(heatColor(2)).toEqual(heatColor(1));
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
    expect(rgbCss(heatColor(0))).toBe('rgb(244, 245, 255)');
  });

  it('puts white text on dark cells and dark text on light ones', () => {
    expect(readableTextColor(heatColor(0))).toBe('#1f2530');
    expect(readableTextColor(heatColor(0.3))).toBe('#1f2530');
    expect(readableTextColor(heatColor(1))).toBe('#ffffff');
    expect(readableTextColor([255, 255, 0])).toBe('#1f2530');
  });
});
