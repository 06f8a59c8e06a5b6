import { describe, expect, it } from 'vitest';
import {
  bucketValue,
  EndpointSeries,
  SERIES_RINGS,
  SKETCH_BUCKETS,
  SKETCH_GROWTH,
  SKETCH_MIN_MS,
  sketchBucket,
  sketchQuantile,
} from './endpoint-series.ts';

/** The exact `q` quantile of sorted values, by the same rank rule (the ceil(q·n)-th value). */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

function sketchOf(values: readonly number[]): number[] {
  const counts = new Array<number>(SKETCH_BUCKETS).fill(0);
  for (const value of values) counts[sketchBucket(value)] = (counts[sketchBucket(value)] as number) + 1;
  return counts;
}

describe('the latency sketch', () => {
  it('puts each latency in the bucket whose bounds hold it, and reads it back within 6%', () => {
    for (let ms = 0.011; ms < 60_000; ms *= 1.037) {
      const bucket = sketchBucket(ms);
      expect(ms).toBeGreaterThan(SKETCH_MIN_MS * SKETCH_GROWTH ** (bucket - 1) * (1 - 1e-12));
      expect(ms).toBeLessThanOrEqual(SKETCH_MIN_MS * SKETCH_GROWTH ** bucket * (1 + 1e-12));
      expect(Math.abs(bucketValue(bucket) - ms) / ms).toBeLessThan(0.06);
    }
    expect(sketchBucket(0)).toBe(0);
    expect(sketchBucket(Number.NaN)).toBe(0);
    expect(sketchBucket(10 * 60_000)).toBe(SKETCH_BUCKETS - 1);
  });

  it('gives p50 and p99 within 6% of the exact ones, on spread and on skewed latencies', () => {
    const uniform = Array.from({ length: 10_000 }, (_, i) => 0.2 + ((i * 37) % 1000));
    // A long tail: most requests fast, a few a hundred times slower.
    const skewed = Array.from({ length: 10_000 }, (_, i) => (i % 100 === 0 ? 150 + i / 100 : 1.2 + (i % 7) / 10));
    for (const values of [uniform, skewed]) {
      const sorted = [...values].sort((a, b) => a - b);
      const counts = sketchOf(values);
      for (const q of [0.5, 0.99]) {
        const exact = exactQuantile(sorted, q);
        const read = sketchQuantile(counts, 0, values.length, q) as number;
        expect(Math.abs(read - exact) / exact, `q=${q}`).toBeLessThan(0.06);
      }
    }
    expect(sketchQuantile(sketchOf([]), 0, 0, 0.5)).toBeNull();
  });
});

describe('EndpointSeries', () => {
  const hour = Date.UTC(2026, 11, 7, 9);

  it('counts requests and errors per 10-second slot over the hour, the slot now by its part so far', () => {
    const series = new EndpointSeries();
    // Slot 09:00:00–09:00:10: 50 requests, 5 of them refused; slot 09:00:20: 3 requests.
    for (let i = 0; i < 50; i++) series.record(hour + i * 100, i % 10 === 0 ? 400 : 200, 2 + (i % 3));
    for (let i = 0; i < 3; i++) series.record(hour + 20_000 + i, 200, 8);
    const now = hour + 24_000;
    const points = series.read('1h', now);
    expect(points.stepSeconds).toBe(10);
    expect(points.requests).toHaveLength(SERIES_RINGS['1h'].slots);
    expect(points.end).toBe(now);
    expect(points.start).toBe(hour + 30_000 - 3_600_000);
    const at = (time: number) => (time - points.start) / 10_000;
    expect(points.requests.slice(at(hour), at(hour) + 3)).toEqual([50, 0, 3]);
    expect(points.errors.slice(at(hour), at(hour) + 3)).toEqual([5, 0, 0]);
    expect(points.requestsPerSecond[at(hour)]).toBe(5);
    // 3 requests in the 4 seconds the slot now has lasted.
    expect(points.requestsPerSecond.at(-1)).toBeCloseTo(0.75, 10);
    expect(points.errorRate[at(hour)]).toBeCloseTo(0.1, 10);
    expect(points.errorRate[at(hour) + 1]).toBeNull();
    expect(points.p50Ms[at(hour)]).toBeCloseTo(3, 0);
    expect(points.p99Ms[at(hour)]).toBeCloseTo(4, 0);
    expect(points.p50Ms[at(hour) + 1]).toBeNull();
    expect(points.total).toMatchObject({ requests: 53, errors: 5 });
    expect(points.total.p99Ms as number).toBeCloseTo(8, 0);
    expect(points.requests.slice(0, at(hour)).every((n) => n === 0)).toBe(true);
  });

  it('keeps one-minute slots over the day, and forgets what is older than its range', () => {
    const series = new EndpointSeries();
    series.record(hour, 200, 1);
    series.record(hour + 30_000, 503, 1);
    series.record(hour + 5 * 3_600_000, 200, 1);
    const day = series.read('1d', hour + 5 * 3_600_000 + 1_000);
    expect(day.stepSeconds).toBe(60);
    expect(day.requests).toHaveLength(1_440);
    const at = (time: number) => (time - day.start) / 60_000;
    expect(day.requests[at(hour)]).toBe(2);
    expect(day.errorRate[at(hour)]).toBe(0.5);
    expect(day.requestsPerSecond[at(hour)]).toBeCloseTo(2 / 60, 10);
    expect(day.total.requests).toBe(3);
    // Five hours on, the hour's ring no longer holds 09:00.
    expect(series.read('1h', hour + 5 * 3_600_000 + 1_000).total.requests).toBe(1);
    // A day and a minute on, the day's neither; its position is reused by a new slot, counted from zero.
    series.record(hour + 86_400_000, 200, 1);
    const later = series.read('1d', hour + 86_400_000 + 1_000);
    expect(later.requests.at(-1)).toBe(1);
    expect(later.total.requests).toBe(2);
  });
});
