import { stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';

/** The printed width of a string, ignoring colour codes. */
export function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

export function padEndVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

/** `850 ms`, `4.2 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Numbers as people read them in a table: 4 significant digits, no exponent for ordinary sizes. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A plain text table: header row, then rows; columns padded to their widest cell. */
export function renderTable(header: string[], rows: string[][]): string {
  const [head = '', ...body] = alignColumns([header, ...rows]).split('\n');
  return [pc.bold(head), ...body].join('\n');
}

/** Rows of cells as lines, each column padded to its widest cell (the last column is left unpadded). */
export function alignColumns(rows: string[][]): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((row) => visibleWidth(row[i] ?? ''))));
  return rows
    .map((cells) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : padEndVisible(cell, widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
