import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../store/store-types.ts';
import { thinMetricPoints } from './metric-points.ts';

function points(name: string, count: number, firstSeq = 1): MetricPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: firstSeq + i,
    attempt: 1,
    name,
    step: i + 1,
    value: 1 / (i + 1),
  }));
}

describe('thinMetricPoints', () => {
  it('keeps every point of a metric that has no more than the limit', () => {
    const loss = points('loss', 5);
    expect(thinMetricPoints(loss, 5)).toEqual(loss);
  });

  it('keeps evenly spaced points of a long curve, with its first and last', () => {
    const thinned = thinMetricPoints(points('loss', 1001), 11);
    expect(thinned.map((point) => point.step)).toEqual([1, 101, 201, 301, 401, 501, 601, 701, 801, 901, 1001]);
  });

  it('thins each metric on its own and keeps the order of the points', () => {
    const loss = points('loss', 100);
    const validation = points('validation_loss', 3, 1000);
    const interleaved = loss.flatMap((point, i) => (validation[i] === undefined ? [point] : [point, validation[i]]));
    const thinned = thinMetricPoints(interleaved, 10);
    expect(thinned.filter((point) => point.name === 'loss')).toHaveLength(10);
    expect(thinned.filter((point) => point.name === 'validation_loss')).toEqual(validation);
    const order = interleaved.map((point) => point.seq);
    const kept = thinned.map((point) => order.indexOf(point.seq));
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it('refuses a limit under 2, naming it', () => {
    expect(() => thinMetricPoints(points('loss', 3), 1)).toThrow('maxPerName must be an integer of at least 2, got 1');
  });
});
