import type { EndpointStats } from '@loom/server/api-types';

/** One chart of an endpoint's traffic: the points to draw and how to label them. */
export interface TrafficChart {
  id: 'requests' | 'p50' | 'p99' | 'errors';
  title: string;
  yLabel: string;
  /** Time of each slot's middle, relative to now: minutes for the hour, hours for the day (negative: ago). */
  x: number[];
  /** The value of each slot; NaN where it has none (no 200s for a latency, no requests for the error rate). */
  y: number[];
  xLabel: string;
  /** The newest value there is, for the card's badge. */
  latest: number | undefined;
  /** The largest value in the range. */
  peak: number;
  /** Fixed y range where the value has one (a rate from 0 to 100%). */
  yDomain?: readonly [number, number];
}

const nanIfNull = (values: ReadonlyArray<number | null>) => values.map((value) => value ?? Number.NaN);

/**
 * The four charts of Models and endpoints' Traffic tab from `GET /api/endpoints/:model/stats`:
 * requests/s, p50 and p99 latency, and the error rate in percent, on a time axis that ends now.
 *
 * @example
 * trafficCharts(await api.endpointStats('iris', '1h'))[0]; // { id: 'requests', x: [-59.92, …], y: [0, …, 41.2] }
 */
export function trafficCharts(stats: EndpointStats): TrafficChart[] {
  const hourly = stats.range === '1d';
  const unitMs = hourly ? 3_600_000 : 60_000;
  const end = Date.parse(stats.end);
  const start = Date.parse(stats.start);
  const stepMs = stats.stepSeconds * 1000;
  const x = stats.requests.map((_, slot) => {
    const slotStart = start + slot * stepMs;
    // The slot now has only lasted until `end`: its middle is halfway there.
    const middle = Math.min(slotStart + stepMs / 2, (slotStart + end) / 2);
    return Number(((middle - end) / unitMs).toFixed(4));
  });
  const xLabel = hourly ? 'Hours (0 = now)' : 'Minutes (0 = now)';
  const chart = (
    id: TrafficChart['id'],
    title: string,
    yLabel: string,
    y: number[],
    yDomain?: readonly [number, number],
  ): TrafficChart => {
    const finite = y.filter(Number.isFinite);
    return {
      id,
      title,
      yLabel,
      x,
      y,
      xLabel,
      latest: finite.at(-1),
      peak: finite.length === 0 ? 0 : Math.max(...finite),
      ...(yDomain === undefined ? {} : { yDomain }),
    };
  };
  return [
    chart('requests', 'Requests per second', 'Requests/s', [...stats.requestsPerSecond]),
    chart('p50', 'Latency p50', 'ms', nanIfNull(stats.p50Ms)),
    chart('p99', 'Latency p99', 'ms', nanIfNull(stats.p99Ms)),
    chart(
      'errors',
      'Error rate',
      '% not 200',
      nanIfNull(stats.errorRate).map((rate) => rate * 100),
      [0, 100],
    ),
  ];
}
