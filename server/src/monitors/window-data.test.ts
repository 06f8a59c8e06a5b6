import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { previewTable, readTableInfo } from '@loom/tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { readWindow, type WindowTableColumns, writeWindowTable } from './window-data.ts';

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

describe('writeWindowTable', () => {
  const window = { start: new Date('2026-12-07T10:00:00Z'), end: new Date('2026-12-07T11:00:00Z') };
  const columns: WindowTableColumns = {
    inputs: [
      { name: 'x', kind: 'number' },
      { name: 'at', kind: 'number' },
    ],
    prediction: 'string',
  };
  const out = () => join(home, `table-${Math.random().toString(36).slice(2)}.parquet`);

  it('writes the rows of the version that answered most, each input under its own name, with the answers', async () => {
    await logged([
      entry(1, '2026-12-07T09:59:59.000Z', -5),
      entry(1, '2026-12-07T10:00:00.000Z', 1),
      entry(1, '2026-12-07T10:30:00.000Z', 2),
      entry(2, '2026-12-07T10:40:00.000Z', 3),
    ]);
    const path = out();
    const written = await writeWindowTable(home, 'iris', window, undefined, () => columns, path);
    expect(written).toEqual({
      rows: 2,
      versions: { '1': 2, '2': 1 },
      version: 1,
      missingInputs: [],
      predictionColumn: 'prediction',
    });
    const info = await readTableInfo(path);
    // `at` is logged as input_at (it meets the log's own column), and comes back under its own name.
    expect(info.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x', 'number'],
      ['at', 'number'],
      ['prediction', 'string'],
    ]);
    expect(info.lineage.sources.map((s) => s.name)).toEqual(['x', 'at', 'prediction']);
    const preview = await previewTable(path);
    expect(preview.rows.map((row) => [row.x, row.at, row.prediction]).sort()).toEqual([
      [1, 10, 'yes'],
      [2, 20, 'yes'],
    ]);
  });

  it('reads the version asked for, and leaves out an input the log lacks, naming it', async () => {
    await logged([entry(1, '2026-12-07T10:00:00.000Z', 1), entry(1, '2026-12-07T10:01:00.000Z', 2)]);
    await logged([entry(2, '2026-12-07T10:40:00.000Z', -3)]);
    const path = out();
    const asked = {
      inputs: [...columns.inputs, { name: 'colour', kind: 'string' as const }],
      prediction: 'string' as const,
    };
    const written = await writeWindowTable(home, 'iris', window, 2, () => asked, path);
    expect(written).toMatchObject({ rows: 1, version: 2, versions: { '1': 2, '2': 1 }, missingInputs: ['colour'] });
    expect((await previewTable(path)).rows).toEqual([{ x: -3, at: -30, prediction: 'no' }]);
  });

  it('writes an empty table with every input typed by its kind when the window has no rows', async () => {
    await logged([entry(1, '2026-12-07T08:10:00.000Z', 1)]);
    for (const [model, pick] of [
      ['iris', undefined],
      ['iris', 4],
      ['never-served', undefined],
    ] as const) {
      const seen: Array<number | null> = [];
      const path = out();
      const written = await writeWindowTable(
        home,
        model,
        window,
        pick,
        (version) => {
          seen.push(version);
          return { inputs: [...columns.inputs, { name: 'colour', kind: 'string' }], prediction: 'number' };
        },
        path,
      );
      expect(written).toEqual({
        rows: 0,
        versions: {},
        version: pick ?? null,
        missingInputs: [],
        predictionColumn: 'prediction',
      });
      expect(seen).toEqual([pick ?? null]);
      const info = await readTableInfo(path);
      expect(info.rowCount).toBe(0);
      expect(info.columns.map((c) => [c.name, c.type])).toEqual([
        ['x', 'DOUBLE'],
        ['at', 'DOUBLE'],
        ['colour', 'VARCHAR'],
        ['prediction', 'DOUBLE'],
      ]);
    }
  });

  it('names the answers _prediction when an input is called prediction', async () => {
    await logged([
      {
        model: 'iris',
        version: 1,
        at: new Date('2026-12-07T10:00:00Z'),
        latencyMs: 1,
        inputs: { prediction: [7] },
        predictions: [{ label: 'yes' }],
      },
    ]);
    const path = out();
    const written = await writeWindowTable(
      home,
      'iris',
      window,
      undefined,
      () => ({ inputs: [{ name: 'prediction', kind: 'number' }], prediction: 'string' }),
      path,
    );
    expect(written.predictionColumn).toBe('_prediction');
    expect((await previewTable(path)).rows).toEqual([{ prediction: 7, _prediction: 'yes' }]);
  });
});
