import { formatMetric, heatColor, readableTextColor, rgbCss } from './chart-scales.ts';
import './previews.css';

export interface HeatmapProps {
  /** The class of each row and column, in order. */
  labels: readonly string[];
  /** `values[row][column]`, e.g. counts of rows of class `row` predicted as `column`. */
  values: ReadonlyArray<readonly number[]>;
  /** The table's accessible name, e.g. `Confusion matrix`. */
  label: string;
  /**
   * What the rows and the columns are; `null` draws no axis titles (a matrix other than a confusion matrix).
   * @default { rows: 'Actual', columns: 'Predicted' }
   */
  axes?: { rows: string; columns: string } | null | undefined;
}

/**
 * A matrix as a table of coloured cells, e.g. a confusion matrix with actual classes as rows and
 * predicted classes as columns. Each cell shows its value, its colour grows with the value, and its text
 * turns white on dark cells. Row and column positions are the identity of the cells, so they key them.
 *
 * @example
 * <Heatmap label="Confusion matrix" labels={['setosa', 'virginica']} values={[[10, 0], [1, 9]]} />
 */
const CONFUSION_AXES = { rows: 'Actual', columns: 'Predicted' };

export function Heatmap({ labels, values, label, axes = CONFUSION_AXES }: HeatmapProps) {
  const columns = Math.max(labels.length, ...values.map((row) => row.length));
  const columnIndices = Array.from({ length: columns }, (_, index) => index);
  const nameOf = (index: number) => labels[index] ?? String(index);
  const finite = values.flat().filter(Number.isFinite);
  const low = Math.min(0, ...finite);
  const high = Math.max(low, ...finite);
  const share = (value: number) => (high === low ? 0 : (value - low) / (high - low));
  const counts = finite.every(Number.isInteger);

  return (
    <div className="heatmap">
      {axes !== null && <div className="heatmap-column-title">{axes.columns}</div>}
      <div className="heatmap-body">
        {axes !== null && (
          <div className="heatmap-row-title">
            <span>{axes.rows}</span>
          </div>
        )}
        <div className="heatmap-scroll">
          <table
            className="heatmap-table"
            aria-label={
              axes === null ? label : `${label}: rows ${axes.rows.toLowerCase()}, columns ${axes.columns.toLowerCase()}`
            }
          >
            <thead>
              <tr>
                <td className="heatmap-corner" />
                {columnIndices.map((column) => (
                  <th key={column} scope="col" className="heatmap-label is-column" title={nameOf(column)}>
                    {nameOf(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {values.map((row, rowIndex) => {
                const total = row.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a matrix row is identified by its position
                  <tr key={rowIndex}>
                    <th scope="row" className="heatmap-label" title={nameOf(rowIndex)}>
                      {nameOf(rowIndex)}
                    </th>
                    {columnIndices.map((column) => {
                      const value = row[column];
                      if (value === undefined || !Number.isFinite(value)) {
                        return <td key={column} className="heatmap-cell is-missing" />;
                      }
                      const colour = heatColor(share(value));
                      const percent =
                        counts && total > 0 ? ` (${Math.round((value / total) * 100)}% of ${nameOf(rowIndex)})` : '';
                      return (
                        <td
                          key={column}
                          className={`heatmap-cell${column === rowIndex ? ' is-diagonal' : ''}`}
                          style={{ background: rgbCss(colour), color: readableTextColor(colour) }}
                          title={`${axes?.rows ?? 'Row'} ${nameOf(rowIndex)}, ${(axes?.columns ?? 'column').toLowerCase()} ${nameOf(column)}: ${formatMetric(value)}${percent}`}
                        >
                          {formatMetric(value)}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
      <div className="heatmap-legend" aria-hidden="true">
        <span>{formatMetric(low)}</span>
        <span
          className="heatmap-legend-bar"
          style={{ background: `linear-gradient(to right, ${rgbCss(heatColor(0))}, ${rgbCss(heatColor(1))})` }}
        />
        <span>{formatMetric(high)}</span>
      </div>
    </div>
  );
}
