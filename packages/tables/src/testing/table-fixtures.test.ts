import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readColumns } from '../read-columns.ts';
import { readTableInfo } from '../table-info.ts';
import { TableFixtures } from './table-fixtures.ts';

describe('TableFixtures', () => {
  it('writes tables with a source lineage plus the given steps, and cleans up', async () => {
    const tables = await TableFixtures.create();
    const ref = await tables.table(
      "SELECT * FROM (VALUES (1.5, 'a', DATE '2024-01-01'), (NULL, 'b', NULL)) t(x, s, d)",
      {
        steps: [{ kind: 'impute', column: 'x', value: 1.5 }],
      },
    );
    const bytes = await readFile(ref.path);
    expect(ref).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.byteLength,
      path: ref.path,
    });
    const info = await readTableInfo(ref.path);
    expect(info.lineage.sources).toEqual([
      { name: 'x', kind: 'number' },
      { name: 's', kind: 'string' },
    ]);
    expect(info.lineage.steps).toEqual([{ kind: 'impute', column: 'x', value: 1.5 }]);
    const { columns } = await readColumns(ref.path, ['x']);
    expect(Array.from((columns.get('x') as { values: Float64Array }).values)).toEqual([1.5, Number.NaN]);
    await tables.close();
    expect(existsSync(tables.directory)).toBe(false);
  });
});
