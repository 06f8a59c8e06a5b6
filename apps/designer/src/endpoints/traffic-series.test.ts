import type { EndpointStats } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import { trafficCharts } from './traffic-series.ts';

function stats(overrides: Partial<EndpointStats>): EndpointStats {
  return {
    model: 'iris',
    range: '1h',
    stepSeconds: 10,
    start: '2026-12-07T08:59:40.000Z',
    end: '2026-12-07T09:00:04.000Z',
    requests: [0, 20, 4],
    errors: [0, 2, 0],
    requestsPerSecond: [0, 2, 1],
    errorRate: [null, 0.1, 0],
    p50Ms: [null, 1.5, 2],
    p99Ms: [null, 9, 3],
    total: { requests: 24, errors: 2, p50Ms: 1.6, p99Ms: 9 },
    ...overrides,
  };
}

describe('trafficCharts', () => {
  it('charts requests/s, p50, p99 and the error rate in percent on minutes before now', () => {
    const charts = trafficCharts(stats({}));
    expect(charts.map((chart) => chart.id)).toEqual(['requests', 'p50', 'p99', 'errors']);
    const [requests, p50, p99, errors] = charts;
    // Slot middles: 08:59:45, 08:59:55, and the slot now halfway through its 4 seconds.
    expect(requests?.x[0]).toBeCloseTo(-19 / 60, 3);
    expect(requests?.x[1]).toBeCloseTo(-9 / 60, 3);
    expect(requests?.x[2]).toBeCloseTo(-2 / 60, 3);
    expect(requests?.xLabel).toBe('Minutes (0 = now)');
    expect(requests).toMatchObject({ y: [0, 2, 1], latest: 1, peak: 2 });
    expect(p50?.y).toEqual([Number.NaN, 1.5, 2]);
    expect(p99).toMatchObject({ latest: 3, peak: 9 });
    expect(errors).toMatchObject({ y: [Number.NaN, 10, 0], yDomain: [0, 100], peak: 10 });
  });

  it('charts the day in hours, and a model without traffic as zeros with no latency', () => {
    const [requests, p50] = trafficCharts(
      stats({
        range: '1d',
        stepSeconds: 60,
        start: '2026-12-07T08:59:00.000Z',
        end: '2026-12-07T09:00:30.000Z',
        requests: [0, 0],
        errors: [0, 0],
        requestsPerSecond: [0, 0],
        errorRate: [null, null],
        p50Ms: [null, null],
        p99Ms: [null, null],
      }),
    );
    expect(requests?.xLabel).toBe('Hours (0 = now)');
    // 08:59:30 is an hour's 1/60 before 09:00:30; the slot now's middle, 09:00:15, a quarter minute.
    expect(requests?.x[0]).toBeCloseTo(-1 / 60, 4);
    expect(requests?.x[1]).toBeCloseTo(-0.25 / 60, 4);
    expect(requests).toMatchObject({ peak: 0, latest: 0 });
    expect(p50).toMatchObject({ peak: 0, latest: undefined });
  });
});
