import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableDatabase } from './database.ts';
import { doubleLiteral, quoteIdentifier, quoteLiteral } from './sql.ts';

let db: TableDatabase;
beforeAll(async () => {
  db = await TableDatabase.open();
});
afterAll(() => db.close());

describe('quoting', () => {
  it('quotes identifiers and literals so DuckDB reads them back unchanged', async () => {
    const name = 'a "tricky" = name; --';
    const value = "O'Brien \\ 'x' ; -- é";
    expect(quoteIdentifier('x"y')).toBe('"x""y"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    const rows = await db.all(`SELECT ${quoteLiteral(value)} AS ${quoteIdentifier(name)}`);
    expect(rows).toEqual([{ [name]: value }]);
  });

  it('refuses NUL characters, which DuckDB cannot hold in a name or literal', () => {
    expect(() => quoteIdentifier('a\0b')).toThrow('NUL');
    expect(() => quoteLiteral('a\0b')).toThrow('NUL');
  });

  it('writes doubles that DuckDB parses to the very same number', async () => {
    const values = [0.1, 1 / 3, -2.5e-300, 1.7976931348623157e308, 123456789012345680000, -0, 5];
    const rows = await db.all(`SELECT [${values.map(doubleLiteral).join(', ')}] AS v`);
    const read = rows[0]?.v as number[];
    expect(read).toEqual(values);
    expect(Object.is(read[5], -0)).toBe(true);
    const special = await db.all(
      `SELECT isnan(${doubleLiteral(Number.NaN)}) AS nan, ${doubleLiteral(Number.POSITIVE_INFINITY)} AS inf, ${doubleLiteral(Number.NEGATIVE_INFINITY)} AS ninf`,
    );
    expect(special).toEqual([{ nan: true, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY }]);
  });
});
