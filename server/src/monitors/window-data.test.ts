import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { readWindow } from './window-data.ts';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'loom-window-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function entry(version: number, at: string, x: number, extra: Partial<InferenceLogEntry> = {}): InferenceLogEntry {
  return {
    model: 'iris',
    version,
    at: new Date(at),
    latencyMs: 2,
    inputs: { x: [x], at: [x * 10] },
    predictions: [{ label: x > 0 ? 'yes' : 'no' }],
    ...extra,
  };
}

async function logged(entries: InferenceLogEntry[]): Promise<void> {
  const log = new ParquetRequestLog({ home, flushIntervalMs: 3_600_000 });
  for (const e of entries) log.record(e);
  await log.close();
}

describe('readWindow', () => {
  it('reads the rows of the version that answered most, across hour files, inside the window only', async () => {
    await logged([
      entry(1, '2026-12-07T09:59:59.000Z', -5),
      entry(1, '2026-12-07T10:00:00.000Z', 1),
      entry(1, '2026-12-07T10:30:00.000Z', 2),
      entry(2, '2026-12-07T10:40:00.000Z', 3),
      entry(1, '2026-12-07T11:00:00.000Z', 9),
    ]);
    const window = { start: new Date('2026-12-07T10:00:00Z'), end: new Date('2026-12-07T11:00:00Z') };
    const data = await readWindow(home, 'iris', window, () => ['x', 'at', 'absent']);
    expect(data).toMatchObject({ rows: 3, versions: { '1': 2, '2': 1 }, version: 1, versionRows: 2 });
    expect([...(data.inputs.get('x')?.values ?? [])].sort()).toEqual([1, 2]);
    // An input called like a fixed column is logged as input_<name>; the monitor still finds it by name.
    expect([...(data.inputs.get('at')?.values ?? [])].sort()).toEqual([10, 20]);
    expect(data.missingInputs).toEqual(['absent']);
    expect(data.predictions?.values).toEqual(['yes', 'yes']);
    expect([...data.latencyMs]).toEqual([2, 2]);
  });

  it('says there are no rows when nothing was logged in the window', async () => {
    await logged([entry(1, '2026-12-07T08:10:00.000Z', 1)]);
    const data = await readWindow(
      home,
      'iris',
      { start: new Date('2026-12-07T10:00:00Z'), end: new Date('2026-12-07T11:00:00Z') },
      () => ['x'],
    );
    expect(data).toMatchObject({ rows: 0, version: null, versions: {} });
    const none = await readWindow(home, 'never-served', { start: new Date(0), end: new Date() }, () => ['x']);
    expect(none.rows).toBe(0);
  });
});
