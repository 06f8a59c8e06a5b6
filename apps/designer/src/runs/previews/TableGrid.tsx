import { formatCount, formatNumber } from './chart-scales.ts';
import './previews.css';

/** A column as the artifact preview describes it. */
export interface TableGridColumn {
  name: string;
  /** The DuckDB type, e.g. `DOUBLE`, `VARCHAR`. */
  type: string;
  /** How Loom treats the column: `number`, `string` or `other`. */
  kind: string;
}

/** A cell: numbers, strings, booleans and null (other types arrive as DuckDB prints them). */
export type TableGridCell = number | string | boolean | null;

export interface TableGridProps {
  columns: readonly TableGridColumn[];
  /** The first rows of the table, keyed by column name. */
  rows: ReadonlyArray<Readonly<Record<string, TableGridCell | undefined>>>;
  /** Rows in the whole table, not only in the preview. */
  rowCount: number;
}

function Cell({ value, numeric }: { value: TableGridCell | undefined; numeric: boolean }) {
  if (value === null || value === undefined) {
    return <td className={`is-null${numeric ? ' is-number' : ''}`}>null</td>;
  }
  if (typeof value === 'number') {
    const text = formatNumber(value);
    return (
      <td className="is-number" title={text === String(value) ? undefined : String(value)}>
        {text}
      </td>
    );
  }
  if (typeof value === 'boolean')
    return <td className={`is-boolean${numeric ? ' is-number' : ''}`}>{String(value)}</td>;
  return (
    <td className={numeric ? 'is-number' : undefined} title={value.length > 40 ? value : undefined}>
      {value}
    </td>
  );
}

/**
 * The first rows of a table in a compact grid: sticky header with each column's name and type, numbers
 * right-aligned to 6 significant digits, nulls dimmed, and a footer with how many rows are shown.
 *
 * Test ids: `table-grid`, `table-grid-count` (the footer's "showing 50 of 150 rows").
 *
 * @example
 * <TableGrid columns={preview.columns} rows={preview.rows} rowCount={preview.rowCount} />
 */
export function TableGrid({ columns, rows, rowCount }: TableGridProps) {
  const shown = Math.min(rows.length, rowCount);
  const count =
    shown < rowCount
      ? `showing ${formatCount(shown)} of ${formatCount(rowCount)} rows`
      : `${formatCount(rowCount)} row${rowCount === 1 ? '' : 's'}`;
  const numeric = columns.map((column) => column.kind === 'number');

  return (
    <div className="table-grid" data-testid="table-grid">
      {columns.length === 0 ? (
        <p className="preview-empty">This table has no columns</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling region must be reachable by keyboard to scroll it
        <section className="table-grid-scroll" aria-label="Table preview" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th className="table-grid-index" scope="col">
                  <span className="preview-visually-hidden">Row</span>
                </th>
                {columns.map((column, index) => (
                  <th key={column.name} scope="col" className={numeric[index] ? 'is-number' : undefined}>
                    <span className="table-grid-name" title={column.name}>
                      {column.name}
                    </span>
                    <span className="table-grid-type">{column.type.toLowerCase()}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, shown).map((row, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: preview rows are a fixed snapshot with no identity but their position
                <tr key={index}>
                  <td className="table-grid-index">{index + 1}</td>
                  {columns.map((column, at) => (
                    <Cell key={column.name} value={row[column.name]} numeric={numeric[at] ?? false} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {shown === 0 && <p className="preview-empty">No rows</p>}
        </section>
      )}
      <div className="table-grid-footer">
        <span className="table-grid-count" data-testid="table-grid-count">
          {count}
        </span>
        <span>
          {formatCount(columns.length)} column{columns.length === 1 ? '' : 's'}
        </span>
      </div>
    </div>
  );
}
