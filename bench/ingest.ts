import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@loom/ml';
import type { BenchResult } from './bench-result.ts';
import { runMeasuredChild } from './child-process.ts';

const ROWS = Number(process.env.LOOM_BENCH_INGEST_ROWS ?? 1_000_000);
const NUMERIC = 18;

/** Writes a CSV of ROWS × 22 columns (18 numbers, 2 categories, an integer id, a label) once, and reuses it. */
async function benchCsv(): Promise<string> {
  const dir = join(tmpdir(), 'loom-bench');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `ingest-${ROWS}x22.csv`);
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && existing.size > 0) return path;
  const rng = createRng(1);
  const out = createWriteStream(`${path}.tmp`);
  const header = ['id', ...Array.from({ length: NUMERIC }, (_, i) => `x${i}`), 'colour', 'size', 'label'];
  out.write(`${header.join(',')}\n`);
  const colours = ['red', 'green', 'blue', 'amber'];
  const sizes = ['S', 'M', 'L'];
  let chunk = '';
  for (let r = 0; r < ROWS; r++) {
    let line = String(r);
    for (let c = 0; c < NUMERIC; c++) line += `,${(rng.normal() * 10).toFixed(4)}`;
    line += `,${colours[rng.int(4)]},${sizes[rng.int(3)]},${rng.int(2)}\n`;
    chunk += line;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
  const { rename } = await import('node:fs/promises');
  await rename(`${path}.tmp`, path);
  return path;
}

/** `pnpm bench ingest`: the data.csv node against DuckDB's own read_csv → Parquet, each in a fresh process. */
export async function benchIngest(): Promise<BenchResult> {
  const csv = await benchCsv();
  const sizeMb = (await stat(csv)).size / 2 ** 20;
  const bare = await runMeasuredChild('ingest-child.ts', ['duckdb', csv]);
  const node = await runMeasuredChild('ingest-child.ts', ['node', csv]);
  const ratio = node.seconds / bare.seconds;
  return {
    title: `${ROWS.toLocaleString('en')} rows × 22 columns CSV (${sizeMb.toFixed(0)} MB) → Parquet table`,
    rows: [
      ['path', 'seconds', 'peak RSS MB', 'rows'],
      ['DuckDB read_csv → COPY parquet', bare.seconds.toFixed(2), bare.peakRssMb.toFixed(0), String(bare.rows)],
      ['data.csv node', node.seconds.toFixed(2), node.peakRssMb.toFixed(0), String(node.rows)],
    ],
    figures: {
      rows: ROWS,
      csvMb: Math.round(sizeMb),
      duckdbSeconds: round(bare.seconds),
      duckdbPeakRssMb: Math.round(bare.peakRssMb),
      nodeSeconds: round(node.seconds),
      nodePeakRssMb: Math.round(node.peakRssMb),
      ratio: round(ratio),
      goal: 'node ≤ 1.5× DuckDB; peak RSS well under 1 GB',
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
