/** One ingest measurement in a fresh process: `duckdb <csv>` or `node <csv>`; prints JSON figures. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataCsv } from '@loom/nodes-data';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo, TableDatabase } from '@loom/tables';
import { peakRssMb } from './child-process.ts';

const [mode, csv] = process.argv.slice(2) as [string, string];
const started = performance.now();
let rows = 0;
if (mode === 'duckdb') {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-duckdb-'));
  const db = await TableDatabase.open();
  const out = join(dir, 'out.parquet');
  await db.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${out}' (FORMAT parquet)`);
  rows = (await readTableInfo(out)).rowCount;
  db.close();
  await rm(dir, { recursive: true, force: true });
} else {
  const result = await runNode(dataCsv, { params: { path: csv } });
  rows = (await readTableInfo(result.outputs.table.path)).rowCount;
  await result.cleanup();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, rows, peakRssMb: await peakRssMb() })}\n`);
