import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TableColumn } from '../read-columns.ts';
import { readColumns } from '../read-columns.ts';
import { readTableInfo } from '../table-info.ts';

/**
 * A table's columns as plain arrays, numbers (NaN for NULL) or strings (null for NULL): the listed
 * ones, or every number and string column in table order.
 */
export async function tableValues(
  table: { path: string },
  names?: readonly string[],
): Promise<Record<string, Array<number | string | null>>> {
  const wanted =
    names ??
    (await readTableInfo(table.path)).columns.filter((column) => column.kind !== 'other').map((column) => column.name);
  const { columns } = await readColumns(table.path, wanted);
  const values: Record<string, Array<number | string | null>> = {};
  for (const name of wanted) {
    const column = columns.get(name) as TableColumn;
    values[name] = column.kind === 'number' ? Array.from(column.values) : column.values;
  }
  return values;
}

/**
 * Imports `modulePath` in a fresh Node process and counts DuckDB's native libraries loaded then, and
 * again after opening a database (which shows the count can see them): node packages check with it
 * that listing their definitions does not load DuckDB.
 */
export function duckdbLibrariesLoadedBy(modulePath: string): { before: number; after: number } {
  const tables = fileURLToPath(new URL('../index.ts', import.meta.url));
  const script = `const duckdb = () => process.report.getReport().sharedObjects.filter((name) => name.includes('duckdb')).length;
    await import(${JSON.stringify(modulePath)});
    const before = duckdb();
    const { TableDatabase } = await import(${JSON.stringify(tables)});
    (await TableDatabase.open()).close();
    console.log(JSON.stringify({ before, after: duckdb() }));`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return JSON.parse(output.trim()) as { before: number; after: number };
}
