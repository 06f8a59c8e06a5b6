/**
 * `pnpm bench <name> [--json]`: runs one benchmark and prints a table, or with `--json` one JSON
 * object of named figures. Benchmarks measure; they never fail on a number.
 */
import { benchApi } from './api.ts';
import type { BenchResult } from './bench-result.ts';
import { benchCanvas } from './canvas.ts';
import { benchCompile } from './compile.ts';
import { benchIngest } from './ingest.ts';
import { benchInline } from './inline.ts';
import { benchKubernetes } from './kubernetes.ts';
import { benchMonitor } from './monitor.ts';
import { benchPlugins } from './plugins.ts';
import { benchQueueChain } from './queue-chain.ts';
import { benchQueueFanout } from './queue-fanout.ts';
import { benchServe } from './serve.ts';
import { benchServePool } from './serve-pool.ts';
import { benchTrain } from './train.ts';
import { benchValidate } from './validate.ts';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  api: benchApi,
  canvas: benchCanvas,
  compile: benchCompile,
  inline: benchInline,
  ingest: benchIngest,
  kubernetes: benchKubernetes,
  monitor: benchMonitor,
  plugins: benchPlugins,
  'queue-chain': benchQueueChain,
  'queue-fanout': benchQueueFanout,
  serve: benchServe,
  'serve-pool': benchServePool,
  train: benchTrain,
  validate: benchValidate,
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const selected = names.length === 0 ? Object.keys(BENCHES) : names;
const unknown = selected.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results: Record<string, BenchResult['figures']> = {};
for (const name of selected) {
  const result = await (BENCHES[name] as () => Promise<BenchResult>)();
  results[name] = result.figures;
  if (!json) printTable(name, result);
}
if (json) {
  const first = selected[0] as string;
  process.stdout.write(
    `${JSON.stringify(selected.length === 1 ? { bench: first, ...results[first] } : results, null, 2)}\n`,
  );
}

function printTable(name: string, result: BenchResult): void {
  const widths = (result.rows[0] ?? []).map((_, i) => Math.max(...result.rows.map((r) => (r[i] ?? '').length)));
  console.log(`\n${name}: ${result.title}\n`);
  result.rows.forEach((row, index) => {
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   '),
    );
    if (index === 0) console.log(widths.map((w) => '─'.repeat(w)).join('   '));
  });
  console.log(
    `\nnode ${process.version}, ${process.platform}-${process.arch}; ${Object.entries(result.figures)
      .filter(([k]) => k.startsWith('goal'))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}
