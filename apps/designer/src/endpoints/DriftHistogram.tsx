import { formatShare, type HistogramBars } from './drift-report-facts.ts';

const WIDTH = 200;
const HEIGHT = 64;
const LABEL_HEIGHT = 14;

/**
 * One side of a feature's histogram (baseline or window) as bars over the bins both sides share, on
 * the scale of the larger side, so the two drawn side by side compare bar for bar.
 */
function HistogramSide({ bars, side, title }: { bars: HistogramBars; side: 'baseline' | 'current'; title: string }) {
  const shares = bars[side];
  const count = shares.length;
  const gap = count > 20 ? 0.5 : 1.5;
  const barWidth = count === 0 ? 0 : WIDTH / count;
  const categories = bars.kind === 'category';
  return (
    <figure className={`drift-histogram is-${side}`} data-testid={`histogram-${side}`}>
      <figcaption>{title}</figcaption>
      <svg
        width={WIDTH}
        height={HEIGHT + LABEL_HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT + LABEL_HEIGHT}`}
        role="img"
        aria-label={`${title}: ${shares.map((share, i) => `${bars.labels[i]} ${formatShare(share)}`).join(', ')}`}
      >
        <line className="drift-histogram-axis" x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} />
        {shares.map((share, i) => {
          const h = bars.max === 0 ? 0 : (share / bars.max) * (HEIGHT - 2);
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: bins have no identity but their place
              key={i}
              className="drift-histogram-bar"
              x={i * barWidth + gap / 2}
              width={Math.max(0.5, barWidth - gap)}
              y={HEIGHT - h}
              height={h}
              data-testid="histogram-bar"
            >
              <title>{`${bars.labels[i]}: ${formatShare(share)}`}</title>
            </rect>
          );
        })}
        {categories ? (
          bars.labels.map((label, i) => (
            <text
              // biome-ignore lint/suspicious/noArrayIndexKey: a category named "other" may sit beside the "other" bucket
              key={`${i}:${label}`}
              className="drift-histogram-label"
              x={i * barWidth + barWidth / 2}
              y={HEIGHT + 11}
              textAnchor="middle"
            >
              {label.length > 8 ? `${label.slice(0, 7)}…` : label}
            </text>
          ))
        ) : (
          <>
            <text className="drift-histogram-label" x={0} y={HEIGHT + 11}>
              {bars.ends[0]}
            </text>
            <text className="drift-histogram-label" x={WIDTH} y={HEIGHT + 11} textAnchor="end">
              {bars.ends[1]}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}

/** A feature's histograms, the baseline's and the window's side by side. */
export function HistogramPair({ bars }: { bars: HistogramBars }) {
  if (bars.labels.length === 0) return <div className="empty-note">No values to draw.</div>;
  return (
    <div className="drift-histograms" data-testid="drift-histograms">
      <HistogramSide bars={bars} side="baseline" title="Baseline (training)" />
      <HistogramSide bars={bars} side="current" title="This window" />
    </div>
  );
}
