/** What a benchmark reports: a table to print and named figures for `--json`. */
export interface BenchResult {
  title: string;
  /** The first row is the header. */
  rows: string[][];
  figures: Record<string, number | string>;
}
