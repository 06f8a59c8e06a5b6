import { type PointerEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  decimate,
  extent,
  formatNumber,
  linearScale,
  nearestPoint,
  niceDomain,
  niceTicks,
  tickFormatter,
} from './chart-scales.ts';
import './previews.css';

export interface LineChartProps {
  /** The x of each point; points where x or y is not a finite number are left out. */
  x: readonly number[];
  y: readonly number[];
  xLabel: string;
  yLabel: string;
  /** Fixed axis ranges, e.g. `[0, 1]` for rates; by default fitted to the data and rounded to ticks. */
  xDomain?: readonly [number, number] | undefined;
  yDomain?: readonly [number, number] | undefined;
  /**
   * Draws the dashed y = x reference line (a random classifier's ROC curve).
   * @default false
   */
  diagonal?: boolean | undefined;
  /** The chart's accessible name, e.g. `Training loss`. */
  label: string;
  /**
   * Height in pixels; the width follows the container.
   * @default 220
   */
  height?: number | undefined;
}

const MARGIN = { top: 12, right: 18, bottom: 40, left: 54 };

/** Tracks an element's width, so the SVG is drawn at its real size and its text stays crisp. */
export function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined && entry.contentRect.width > 0)
        setWidth(Math.max(220, Math.round(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * A line chart in hand-written SVG: axes with ticks, gridlines, a light area under the line and a
 * tooltip with the x and y of the point nearest the pointer.
 *
 * @example
 * <LineChart label="Training loss" x={curve.x} y={curve.y} xLabel="Iteration" yLabel="Loss" />
 */
export function LineChart({
  x,
  y,
  xLabel,
  yLabel,
  xDomain,
  yDomain,
  diagonal = false,
  label,
  height = 220,
}: LineChartProps) {
  const { ref, width } = useWidth(480);
  const [hover, setHover] = useState<number>();
  const clipId = `chart-clip-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;

  const data = useMemo(() => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let index = 0; index < Math.min(x.length, y.length); index++) {
      const px = x[index];
      const py = y[index];
      if (px !== undefined && py !== undefined && Number.isFinite(px) && Number.isFinite(py)) {
        xs.push(px);
        ys.push(py);
      }
    }
    return { xs, ys, sorted: xs.every((value, index) => index === 0 || value >= (xs[index - 1] ?? value)) };
  }, [x, y]);

  const plotWidth = width - MARGIN.left - MARGIN.right;
  const xRange = xDomain ?? niceDomain(...(extent(data.xs) ?? [0, 1]), Math.max(2, Math.floor(plotWidth / 90)));
  const yRange = yDomain ?? niceDomain(...(extent(data.ys) ?? [0, 1]), 5);
  const xTicks = niceTicks(xRange[0], xRange[1], Math.max(2, Math.floor(plotWidth / 90)));
  const yTicks = niceTicks(yRange[0], yRange[1], 5);
  const formatX = tickFormatter(xTicks);
  const formatY = tickFormatter(yTicks);
  const sx = linearScale(xRange, [MARGIN.left, width - MARGIN.right]);
  const sy = linearScale(yRange, [height - MARGIN.bottom, MARGIN.top]);
  const bottom = height - MARGIN.bottom;

  const pixels = { xs: data.xs.map(sx), ys: data.ys.map(sy) };
  const kept = useMemo(() => decimate(data.ys, Math.max(400, width * 2)), [data, width]);
  const line = kept
    .map(
      (index, n) => `${n === 0 ? 'M' : 'L'}${(pixels.xs[index] ?? 0).toFixed(1)},${(pixels.ys[index] ?? 0).toFixed(1)}`,
    )
    .join('');
  const first = pixels.xs[0] ?? 0;
  const last = pixels.xs[pixels.xs.length - 1] ?? 0;
  const baseline = sy(Math.max(yRange[0], Math.min(yRange[1], 0)));
  const area =
    data.sorted && kept.length > 1 ? `${line}L${last.toFixed(1)},${baseline}L${first.toFixed(1)},${baseline}Z` : '';

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const scale = box.width > 0 ? width / box.width : 1;
    const index = nearestPoint(
      pixels.xs,
      pixels.ys,
      (event.clientX - box.left) * scale,
      (event.clientY - box.top) * scale,
    );
    setHover(index < 0 ? undefined : index);
  };

  if (data.xs.length === 0) {
    return (
      <div className="line-chart is-empty" ref={ref}>
        <p className="preview-empty">No data points</p>
      </div>
    );
  }

  const hx = hover === undefined ? undefined : pixels.xs[hover];
  const hy = hover === undefined ? undefined : pixels.ys[hover];
  const diagonalLow = Math.max(xRange[0], yRange[0]);
  const diagonalHigh = Math.min(xRange[1], yRange[1]);
  const [yLow, yHigh] = extent(data.ys) ?? [0, 0];
  const summary = `${label}: ${data.xs.length} points; ${xLabel} from ${formatNumber(data.xs[0] ?? 0)} to ${formatNumber(data.xs[data.xs.length - 1] ?? 0)}; ${yLabel} from ${formatNumber(yLow)} to ${formatNumber(yHigh)}`;

  return (
    <div className="line-chart" ref={ref}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setHover(undefined)}
      >
        <defs>
          <clipPath id={clipId}>
            <rect
              x={MARGIN.left}
              y={MARGIN.top}
              width={Math.max(0, plotWidth)}
              height={Math.max(0, bottom - MARGIN.top)}
            />
          </clipPath>
        </defs>
        <g className="chart-grid">
          {yTicks.map((tick) => (
            <line key={`y${tick}`} x1={MARGIN.left} x2={width - MARGIN.right} y1={sy(tick)} y2={sy(tick)} />
          ))}
          {xTicks.map((tick) => (
            <line key={`x${tick}`} className="is-vertical" x1={sx(tick)} x2={sx(tick)} y1={MARGIN.top} y2={bottom} />
          ))}
        </g>
        <g className="chart-axis">
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={bottom} y2={bottom} />
          {yTicks.map((tick) => (
            <text key={tick} x={MARGIN.left - 8} y={sy(tick)} textAnchor="end" dominantBaseline="middle">
              {formatY(tick)}
            </text>
          ))}
          {xTicks.map((tick) => (
            <text key={tick} x={sx(tick)} y={bottom + 16} textAnchor="middle">
              {formatX(tick)}
            </text>
          ))}
          <text className="chart-axis-title" x={MARGIN.left + plotWidth / 2} y={height - 6} textAnchor="middle">
            {xLabel}
          </text>
          <text
            className="chart-axis-title"
            transform={`translate(13 ${MARGIN.top + (bottom - MARGIN.top) / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            {yLabel}
          </text>
        </g>
        <g clipPath={`url(#${clipId})`}>
          {diagonal && diagonalLow < diagonalHigh && (
            <line
              className="chart-reference"
              x1={sx(diagonalLow)}
              y1={sy(diagonalLow)}
              x2={sx(diagonalHigh)}
              y2={sy(diagonalHigh)}
            />
          )}
          {area !== '' && <path className="chart-area" d={area} />}
          {kept.length > 1 ? (
            <path className="chart-line" d={line} />
          ) : (
            <circle className="chart-dot" cx={first} cy={pixels.ys[0] ?? 0} r={3.5} />
          )}
        </g>
        {hx !== undefined && hy !== undefined && (
          <g className="chart-hover">
            <line x1={hx} x2={hx} y1={MARGIN.top} y2={bottom} />
            <circle cx={hx} cy={hy} r={4} />
          </g>
        )}
      </svg>
      {hover !== undefined && hx !== undefined && hy !== undefined && (
        <div
          className={`chart-tooltip${hx > width * 0.65 ? ' is-left' : ''}`}
          style={{ left: hx, top: hy }}
          data-testid="chart-tooltip"
        >
          <div>
            <span>{xLabel}</span>
            <strong>{formatNumber(data.xs[hover] ?? 0)}</strong>
          </div>
          <div>
            <span>{yLabel}</span>
            <strong>{formatNumber(data.ys[hover] ?? 0)}</strong>
          </div>
        </div>
      )}
    </div>
  );
}
