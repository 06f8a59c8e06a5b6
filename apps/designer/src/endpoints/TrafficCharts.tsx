import type { EndpointStats } from '@loom/server/api-types';
import { useEffect, useMemo, useState } from 'react';
import type { LoomApi } from '../api/loom-api.ts';
import { formatCount, formatMetric } from '../runs/previews/chart-scales.ts';
import { LineChart } from '../runs/previews/LineChart.tsx';
import { trafficCharts } from './traffic-series.ts';

/** How often the charts read the stats again while shown. */
export const TRAFFIC_REFRESH_MS = 5_000;

type Range = EndpointStats['range'];

const RANGES: Array<{ id: Range; title: string }> = [
  { id: '1h', title: 'Last hour' },
  { id: '1d', title: 'Last day' },
];

/**
 * What a model's endpoint answered here over the last hour or day: requests/s, p50 and p99 latency and
 * the error rate, read from this server's model server every {@link TRAFFIC_REFRESH_MS}.
 *
 * Test ids: `traffic-charts`, `traffic-range-<1h|1d>`, `traffic-total`, `traffic-<requests|p50|p99|errors>`
 * (with `data-peak`, the largest value in the range).
 */
export function TrafficCharts({ api, model }: { api: Pick<LoomApi, 'endpointStats'>; model: string }) {
  const [range, setRange] = useState<Range>('1h');
  const [stats, setStats] = useState<EndpointStats | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    const read = () =>
      api.endpointStats(model, range).then(
        (next) => {
          if (cancelled) return;
          setStats(next);
          setError(undefined);
        },
        (cause: Error) => !cancelled && setError(cause.message),
      );
    void read();
    const timer = setInterval(read, TRAFFIC_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, model, range]);

  const charts = useMemo(() => (stats?.range === range ? trafficCharts(stats) : []), [stats, range]);
  return (
    <section className="model-section traffic-charts" aria-label="Traffic" data-testid="traffic-charts">
      <div className="traffic-header">
        <fieldset className="traffic-ranges" aria-label="Range">
          {RANGES.map(({ id, title }) => (
            <button
              key={id}
              type="button"
              className={`button small${range === id ? ' is-active' : ''}`}
              aria-pressed={range === id}
              onClick={() => setRange(id)}
              data-testid={`traffic-range-${id}`}
            >
              {title}
            </button>
          ))}
        </fieldset>
        {stats !== undefined && stats.range === range && (
          <span className="pick-meta" data-testid="traffic-total">
            {formatCount(stats.total.requests)} requests, {formatCount(stats.total.errors)} not 200
            {stats.total.p50Ms !== null && `; p50 ${formatMetric(stats.total.p50Ms)} ms`}
            {stats.total.p99Ms !== null && `, p99 ${formatMetric(stats.total.p99Ms)} ms`}
          </span>
        )}
      </div>
      {error !== undefined && <div className="callout danger">Traffic could not be read: {error}</div>}
      {stats === undefined && error === undefined && <div className="empty-note">Loading traffic…</div>}
      <p className="inspector-description">
        Requests this server&apos;s model server answered for {model} (a separate <code>loom serve</code> counts its
        own), in {range === '1h' ? '10-second' : 'one-minute'} slots; latency of the requests answered 200.
      </p>
      <div className="preview-card-grid">
        {charts.map((chart) => (
          <figure className="preview-card" key={chart.id} data-testid={`traffic-${chart.id}`} data-peak={chart.peak}>
            <figcaption className="preview-card-header">
              <span className="preview-card-title">{chart.title}</span>
              {chart.latest !== undefined && <span className="preview-badge">{formatMetric(chart.latest)}</span>}
            </figcaption>
            <LineChart
              label={chart.title}
              x={chart.x}
              y={chart.y}
              xLabel={chart.xLabel}
              yLabel={chart.yLabel}
              xDomain={range === '1h' ? [-60, 0] : [-24, 0]}
              yDomain={chart.yDomain}
              height={170}
            />
          </figure>
        ))}
      </div>
    </section>
  );
}
