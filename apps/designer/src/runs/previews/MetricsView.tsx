import type { Metrics } from '@loom/sdk';
import { formatMetric } from './chart-scales.ts';
import { Heatmap } from './Heatmap.tsx';
import { LineChart } from './LineChart.tsx';
import { compareMetricNames, orderMetrics } from './metric-order.ts';
import { curveLayout, groupMetrics, matrixTitle, type PerClassScores, splitPerClass } from './metrics-layout.ts';
import './previews.css';

export interface MetricsViewProps {
  /** A node's metrics: numbers, curves (`{ kind: 'curve', x, y }`) and matrices (`{ kind: 'matrix', labels, values }`). */
  metrics: Readonly<Metrics>;
}

/**
 * A node's metrics: scores as a key/value list (headline scores such as accuracy or RMSE first, the
 * rest by name; a name too long for its tile shows whole on hover), curves as line charts and matrices as heatmaps. Curves
 * named like `roc` get unit axes, a diagonal and the `auc`/`roc_auc` score; `loss` curves are titled
 * training (or validation) loss.
 *
 * Test ids: `metrics-view`, `metric-<name>` (the formatted value of a score), `chart-<name>`, `heatmap-<name>`.
 *
 * @example
 * <MetricsView metrics={{ accuracy: 0.9667, loss: { kind: 'curve', x: [1, 2], y: [0.7, 0.4] } }} />
 */
export function MetricsView({ metrics }: MetricsViewProps) {
  const { scalars, curves, matrices } = groupMetrics(metrics);
  const split = splitPerClass(scalars);
  const overall = orderMetrics(split.overall);
  const perClass =
    split.perClass === undefined
      ? undefined
      : { ...split.perClass, scores: [...split.perClass.scores].sort(compareMetricNames) };
  if (scalars.length + curves.length + matrices.length === 0) {
    return (
      <div className="metrics-view" data-testid="metrics-view">
        <p className="preview-empty">No metrics</p>
      </div>
    );
  }
  return (
    <div className="metrics-view" data-testid="metrics-view">
      {overall.length > 0 && (
        <dl className="metric-list" aria-label="Scores">
          {overall.map(([name, value]) => (
            <div className="metric-row" key={name}>
              <dt title={name}>{name}</dt>
              <dd data-testid={`metric-${name}`} title={String(value)}>
                {formatMetric(value)}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {perClass !== undefined && <PerClassTable scores={perClass} />}
      {curves.length > 0 && (
        <div className="preview-card-grid">
          {curves.map(([name, curve]) => {
            const layout = curveLayout(name, curve, metrics);
            return (
              <figure className="preview-card" key={name} data-testid={`chart-${name}`}>
                <figcaption className="preview-card-header">
                  <span className="preview-card-title">{layout.title}</span>
                  <code className="preview-card-name">{name}</code>
                  {layout.auc !== undefined && (
                    <span className="preview-badge">
                      {layout.auc.label} {formatMetric(layout.auc.value)}
                    </span>
                  )}
                </figcaption>
                <LineChart
                  label={layout.title}
                  x={curve.x}
                  y={curve.y}
                  xLabel={layout.xLabel}
                  yLabel={layout.yLabel}
                  xDomain={layout.xDomain}
                  yDomain={layout.yDomain}
                  diagonal={layout.diagonal}
                />
              </figure>
            );
          })}
        </div>
      )}
      {matrices.map(([name, matrix]) => (
        <figure className="preview-card" key={name} data-testid={`heatmap-${name}`}>
          <figcaption className="preview-card-header">
            <span className="preview-card-title">{matrixTitle(name)}</span>
            <code className="preview-card-name">{name}</code>
          </figcaption>
          <Heatmap
            label={matrixTitle(name)}
            labels={matrix.labels}
            values={matrix.values}
            axes={matrixTitle(name) === 'Confusion matrix' ? undefined : null}
          />
        </figure>
      ))}
    </div>
  );
}

/** Per-class scores as a table: a row per class, a column per score; each value keeps its `metric-<name>` id. */
function PerClassTable({ scores }: { scores: PerClassScores }) {
  return (
    <div className="per-class">
      <table className="per-class-table" aria-label="Scores per class">
        <thead>
          <tr>
            <th scope="col" className="per-class-cell is-heading is-class">
              Class
            </th>
            {scores.scores.map((score) => (
              <th scope="col" key={score} className="per-class-cell is-heading">
                {score}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {scores.classes.map((subject) => (
            <tr key={subject}>
              <th scope="row" className="per-class-cell is-class" title={subject}>
                {subject}
              </th>
              {scores.scores.map((score) => {
                const name = `${score}/${subject}`;
                const value = scores.values.get(name);
                return (
                  <td
                    key={score}
                    className="per-class-cell"
                    data-testid={value === undefined ? undefined : `metric-${name}`}
                    title={value === undefined ? undefined : String(value)}
                  >
                    {value === undefined ? '—' : formatMetric(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
