import { useId, useState } from 'react';
import { formatNumber, linearScale, niceDomain, niceTicks, tickFormatter } from '../runs/previews/chart-scales.ts';
import { useWidth } from '../runs/previews/LineChart.tsx';
import { formatShare } from './drift-report-facts.ts';
import {
  type ChartWindow,
  type DriftSeries,
  type FeatureMeasure,
  featureMax,
  formatWindowTime,
  hasData,
  lineRuns,
  timeTickIndices,
} from './drift-series.ts';
import { describeStatus } from './monitors-data.ts';
import './drift.css';

const MARGIN = { top: 20, right: 16, bottom: 30, left: 50 };
const SHARE_HEIGHT = 110;
const PANEL_GAP = 30;
const FEATURE_HEIGHT = 130;
/** Feature lines cycle through this many colours (`drift-feature-<n>` in monitors.css). */
export const FEATURE_COLOURS = 8;

const MEASURE_TITLE: Record<FeatureMeasure, string> = {
  drift_score: 'Drift score per feature',
  psi: 'PSI per feature',
};

export interface DriftChartProps {
  series: DriftSeries;
  measure: FeatureMeasure;
  /** The start of the window whose report is open, drawn outlined. */
  selected?: string | undefined;
  /** A window with data was clicked (or pressed with the keyboard): open its report. */
  onSelect: (window: ChartWindow) => void;
}

/**
 * A monitor's windows over time, in hand-written SVG on the run view's chart scales: the share of
 * drifting features against the dataset threshold above, one line per feature below (its score or
 * PSI). Windows that drifted are shaded; windows without data are hatched grey and break every line,
 * since no data is not zero drift. Hovering a window shows its values; clicking it opens its report.
 *
 * @example <DriftChart series={driftSeries(windows, 'psi', 0.5)} measure="psi" onSelect={openReport} />
 */
export function DriftChart({ series, measure, selected, onSelect }: DriftChartProps) {
  const { ref, width } = useWidth(640);
  const [hover, setHover] = useState<number>();
  const hatch = `drift-hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const { windows, features, threshold } = series;
  const first = windows[0];
  const last = windows[windows.length - 1];
  if (first === undefined || last === undefined) {
    return (
      <div className="empty-note" ref={ref} data-testid="drift-chart-empty">
        No window has ended yet: the first one is evaluated when it ends (or with Check now).
      </div>
    );
  }

  const shareTop = MARGIN.top;
  const shareBottom = shareTop + SHARE_HEIGHT;
  const featureTop = shareBottom + PANEL_GAP;
  const featureBottom = featureTop + FEATURE_HEIGHT;
  const height = featureBottom + MARGIN.bottom;
  const right = width - MARGIN.right;
  const sx = linearScale([first.from, last.to], [MARGIN.left, right]);
  const center = (window: ChartWindow) => sx((window.from + window.to) / 2);
  const sShare = linearScale([0, 1], [shareBottom, shareTop]);
  // Scores of tests are p-values in [0, 1]; keep that range in view even when every score is small.
  const featureDomain = niceDomain(0, Math.max(featureMax(series) ?? 0, measure === 'drift_score' ? 1 : 0.3), 4);
  const featureTicks = niceTicks(featureDomain[0], featureDomain[1], 4);
  const formatFeature = tickFormatter(featureTicks);
  const sFeature = linearScale(featureDomain, [featureBottom, featureTop]);
  const timeTicks = timeTickIndices(windows.length, Math.max(2, Math.floor((right - MARGIN.left) / 90)));
  const windowMs = first.to - first.from;

  const path = (values: ReadonlyArray<number | null>, scale: (value: number) => number) =>
    lineRuns(values).map((run) => ({
      run,
      d: run
        .map((index, n) => {
          const window = windows[index] as ChartWindow;
          return `${n === 0 ? 'M' : 'L'}${center(window).toFixed(1)},${scale(values[index] as number).toFixed(1)}`;
        })
        .join(''),
    }));
  const shares = windows.map((window) => window.share);
  const drifting = windows.filter((window) => window.status === 'drift').length;
  const empty = windows.filter((window) => window.status === 'no_data').length;
  const summary = `Drift over ${windows.length} windows: ${drifting} drifted, ${empty} without data`;
  const open = (window: ChartWindow) => {
    if (hasData(window)) onSelect(window);
  };
  const hovered = hover === undefined ? undefined : windows[hover];

  return (
    <div className="drift-chart" ref={ref} data-testid="drift-chart">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className="drift-hatch-ground" />
            <line x1="0" y1="0" x2="0" y2="6" className="drift-hatch-line" />
          </pattern>
        </defs>
        <g className="chart-grid">
          {[0, 0.5, 1].map((tick) => (
            <line key={`s${tick}`} x1={MARGIN.left} x2={right} y1={sShare(tick)} y2={sShare(tick)} />
          ))}
          {featureTicks.map((tick) => (
            <line key={`f${tick}`} x1={MARGIN.left} x2={right} y1={sFeature(tick)} y2={sFeature(tick)} />
          ))}
          {timeTicks.map((index) => {
            const x = sx((windows[index] as ChartWindow).from);
            return <line key={`t${index}`} className="is-vertical" x1={x} x2={x} y1={shareTop} y2={featureBottom} />;
          })}
        </g>
        {windows.map((window, index) => (
          <rect
            key={window.start}
            className={`drift-band status-${window.status}${index === hover ? ' is-hover' : ''}${window.start === selected ? ' is-selected' : ''}`}
            x={sx(window.from)}
            width={Math.max(1, sx(window.to) - sx(window.from))}
            y={shareTop}
            height={featureBottom - shareTop}
            fill={window.status === 'no_data' || window.status === 'failed' ? `url(#${hatch})` : undefined}
          />
        ))}
        <g className="chart-axis">
          <line x1={MARGIN.left} x2={right} y1={shareBottom} y2={shareBottom} />
          <line x1={MARGIN.left} x2={right} y1={featureBottom} y2={featureBottom} />
          {[0, 0.5, 1].map((tick) => (
            <text key={tick} x={MARGIN.left - 8} y={sShare(tick)} textAnchor="end" dominantBaseline="middle">
              {formatShare(tick)}
            </text>
          ))}
          {featureTicks.map((tick) => (
            <text key={tick} x={MARGIN.left - 8} y={sFeature(tick)} textAnchor="end" dominantBaseline="middle">
              {formatFeature(tick)}
            </text>
          ))}
          {timeTicks.map((index) => {
            const window = windows[index] as ChartWindow;
            return (
              <text key={window.start} x={sx(window.from)} y={featureBottom + 16} textAnchor="middle">
                {formatWindowTime(window.start, windowMs)}
              </text>
            );
          })}
          <text className="chart-axis-title" x={MARGIN.left} y={shareTop - 8}>
            Share of drifting features
          </text>
          <text className="chart-axis-title" x={MARGIN.left} y={featureTop - 8}>
            {MEASURE_TITLE[measure]}
          </text>
        </g>
        <g className="drift-threshold" data-testid="drift-threshold">
          <line x1={MARGIN.left} x2={right} y1={sShare(threshold)} y2={sShare(threshold)} />
          <text x={right - 4} y={sShare(threshold) - 4} textAnchor="end">
            dataset drifts at {formatShare(threshold)}
          </text>
        </g>
        <g className="drift-markers">
          {windows.map((window) =>
            hasData(window) ? null : (
              <rect
                key={window.start}
                className={`drift-gap-marker status-${window.status}`}
                x={sx(window.from) + 1}
                width={Math.max(1, sx(window.to) - sx(window.from) - 2)}
                y={shareBottom - 6}
                height={6}
                data-testid="drift-gap"
              />
            ),
          )}
        </g>
        {features.map((feature, n) => {
          const values = windows.map((window) => window.values[feature] ?? null);
          return (
            <g key={feature} className={`drift-feature drift-feature-${n % FEATURE_COLOURS}`} data-feature={feature}>
              {path(values, sFeature).map(({ run, d }) =>
                run.length > 1 ? <path key={run[0]} className="drift-line" d={d} /> : null,
              )}
              {windows.map((window, index) => {
                const value = values[index];
                if (value === null || value === undefined) return null;
                return (
                  <circle
                    key={window.start}
                    className={window.drifted[feature] === true ? 'drift-point is-drifted' : 'drift-point'}
                    cx={center(window)}
                    cy={sFeature(value)}
                    r={window.drifted[feature] === true ? 3.5 : 2.25}
                  />
                );
              })}
            </g>
          );
        })}
        <g className="drift-share">
          {path(shares, sShare).map(({ run, d }) =>
            run.length > 1 ? <path key={run[0]} className="drift-line" d={d} /> : null,
          )}
          {windows.map((window) =>
            window.share === null ? null : (
              <circle
                key={window.start}
                className={window.status === 'drift' ? 'drift-point is-drifted' : 'drift-point'}
                cx={center(window)}
                cy={sShare(window.share)}
                r={window.status === 'drift' ? 4.5 : 3}
                data-testid={window.status === 'drift' ? 'drift-share-drifted' : 'drift-share-point'}
              />
            ),
          )}
        </g>
      </svg>
      {/* The windows' hit areas are buttons over the drawing: focusable, and announced with their values. */}
      {windows.map((window, index) => (
        <button
          key={window.start}
          type="button"
          className={`drift-window-hit${hasData(window) ? ' is-openable' : ''}`}
          style={{
            left: sx(window.from),
            top: shareTop,
            width: Math.max(1, sx(window.to) - sx(window.from)),
            height: featureBottom - shareTop,
          }}
          aria-label={`Window ${formatWindowTime(window.start, windowMs)}: ${describeStatus(window.status)}${window.share === null ? '' : `, ${formatShare(window.share)} of features drifted`}`}
          aria-disabled={hasData(window) ? undefined : true}
          aria-pressed={window.start === selected}
          data-testid="drift-window"
          data-start={window.start}
          data-status={window.status}
          onPointerEnter={() => setHover(index)}
          onPointerLeave={() => setHover((current) => (current === index ? undefined : current))}
          onFocus={() => setHover(index)}
          onBlur={() => setHover(undefined)}
          onClick={() => open(window)}
        />
      ))}
      {hovered !== undefined && (
        <WindowTooltip
          window={hovered}
          features={features}
          measure={measure}
          left={center(hovered)}
          top={shareTop + 12}
          flip={center(hovered) > width * 0.6}
        />
      )}
      <ChartLegend features={features} />
    </div>
  );
}

function WindowTooltip({
  window,
  features,
  measure,
  left,
  top,
  flip,
}: {
  window: ChartWindow;
  features: readonly string[];
  measure: FeatureMeasure;
  left: number;
  top: number;
  flip: boolean;
}) {
  const windowMs = window.to - window.from;
  return (
    <div
      className={`chart-tooltip drift-tooltip${flip ? ' is-left' : ''}`}
      style={{ left, top }}
      data-testid="drift-tooltip"
    >
      <div>
        <span>
          {formatWindowTime(window.start, windowMs)} – {formatWindowTime(window.end, windowMs)}
        </span>
        <strong className={`drift-status status-${window.status}`}>{describeStatus(window.status)}</strong>
      </div>
      <div>
        <span>rows</span>
        <strong>{window.rows}</strong>
      </div>
      {window.share !== null && (
        <div>
          <span>drifting features</span>
          <strong>{formatShare(window.share)}</strong>
        </div>
      )}
      {hasData(window) &&
        features.map((feature) => {
          const value = window.values[feature];
          return (
            <div key={feature}>
              <span>
                {feature} {measure === 'psi' ? 'PSI' : 'score'}
              </span>
              <strong>
                {value === null || value === undefined ? '—' : formatNumber(value, 3)}
                {window.drifted[feature] === true ? ' · drifted' : ''}
              </strong>
            </div>
          );
        })}
      {window.message !== null && <p className="drift-tooltip-note">{window.message}</p>}
      {hasData(window) && <p className="drift-tooltip-note">Click for the drift report</p>}
    </div>
  );
}

function ChartLegend({ features }: { features: readonly string[] }) {
  return (
    <ul className="drift-legend" aria-label="Legend">
      <li>
        <span className="drift-swatch is-share" />
        drifting features
      </li>
      {features.map((feature, n) => (
        <li key={feature} className={`drift-feature-${n % FEATURE_COLOURS}`}>
          <span className="drift-swatch is-feature" />
          {feature}
        </li>
      ))}
      <li>
        <span className="drift-swatch is-drifted" />
        drifted
      </li>
      <li>
        <span className="drift-swatch is-gap" />
        no data
      </li>
    </ul>
  );
}
