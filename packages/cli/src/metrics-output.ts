import type { LocalArtifactStore, RunResult } from '@loom/runtime';
import type { MetricMatrix, Metrics } from '@loom/sdk';
import pc from 'picocolors';
import { formatNumber, renderTable } from './format.ts';

/** Per-class and per-column entries (`precision/setosa`) are many; the summary shows the headline ones. */
const MAX_SCALARS = 12;

/** Stored metrics come back with sorted keys; the scores people look for first are shown first. */
const HEADLINE_ORDER = [
  'accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'roc_auc',
  'log_loss',
  'rmse',
  'mae',
  'r2',
  'baseline_score',
];

function headlineRank(name: string): number {
  const index = HEADLINE_ORDER.indexOf(name);
  return index >= 0 ? index : HEADLINE_ORDER.length;
}

/**
 * Prints what each `metrics` output of a finished run holds: its headline numbers and its matrices
 * (a confusion matrix as a grid), so `loom run` answers "how good is the model?" without opening files.
 */
export async function printMetricsOutputs(result: RunResult, store: LocalArtifactStore): Promise<void> {
  for (const step of result.steps) {
    if (step.status !== 'succeeded' && step.status !== 'cached') continue;
    for (const [port, record] of Object.entries(step.outputs)) {
      if (record.type !== 'metrics') continue;
      let metrics: Metrics;
      try {
        metrics = JSON.parse(new TextDecoder().decode(await store.read(record.sha256))) as Metrics;
      } catch {
        continue;
      }
      process.stdout.write(renderMetrics(`${step.id}.${port}`, metrics));
    }
  }
}

export function renderMetrics(title: string, metrics: Metrics): string {
  const lines = [pc.bold(title)];
  const scalars = Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  const headline = scalars
    .filter(([name]) => !name.includes('/'))
    .sort(([a], [b]) => headlineRank(a) - headlineRank(b));
  const detail = scalars.filter(([name]) => name.includes('/'));
  const shown = [...headline, ...detail].slice(0, MAX_SCALARS);
  const width = Math.max(...shown.map(([name]) => name.length), 0);
  for (const [name, value] of shown) lines.push(`  ${name.padEnd(width)}  ${formatNumber(value)}`);
  if (scalars.length > shown.length) lines.push(pc.dim(`  … and ${scalars.length - shown.length} more numbers`));
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number') continue;
    if (value.kind === 'matrix') lines.push(renderMatrix(name, value));
    else lines.push(pc.dim(`  ${name}: curve of ${value.x.length} points`));
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * The first `count` headline numbers of a metrics record on one line, for a table cell: a model
 * version's gating metrics in `loom models`. Entries that are not numbers are left out.
 *
 * @example
 * metricsSummary({ f1_macro: 0.95, accuracy: 0.9667, confusion: matrix }) // 'accuracy 0.9667, f1_macro 0.95'
 */
export function metricsSummary(metrics: Record<string, unknown> | null, count = 3): string {
  if (metrics === null) return '';
  const headline = Object.entries(metrics)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && !entry[0].includes('/'))
    .sort(([a], [b]) => headlineRank(a) - headlineRank(b));
  const shown = headline.slice(0, count).map(([name, value]) => `${name} ${formatNumber(value)}`);
  if (headline.length > count) shown.push(`+${headline.length - count} more`);
  return shown.join(', ');
}

function renderMatrix(name: string, matrix: MetricMatrix): string {
  const header = [pc.dim('actual \\ predicted'), ...matrix.labels];
  const rows = matrix.values.map((row, i) => [matrix.labels[i] ?? '', ...row.map((v) => formatNumber(v))]);
  const table = renderTable(header, rows)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `  ${name}\n${table}`;
}
