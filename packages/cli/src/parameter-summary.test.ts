import { parameterJsonSchema, Type } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { shortDescription, summarizeParameters } from './parameter-summary.ts';

describe('summarizeParameters', () => {
  it('tells each parameter’s type, default, allowed values and description, in declaration order', () => {
    const params = Type.Object({
      label: Type.String({ minLength: 1, description: 'The column to predict.' }),
      trees: Type.Integer({ default: 100, minimum: 1, maximum: 5000 }),
      tolerance: Type.Number({ default: 1e-4, exclusiveMinimum: 0, maximum: 1 }),
      fraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
      task: Type.Union([Type.Literal('classification'), Type.Literal('regression')], { default: 'classification' }),
      layers: Type.Array(Type.Integer({ minimum: 1 }), { default: [100], maxItems: 16 }),
      columns: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      value: Type.Optional(Type.Union([Type.Number(), Type.String()])),
      types: Type.Record(Type.String(), Type.String({ minLength: 1 }), { default: {} }),
      pointers: Type.Record(Type.String(), Type.String({ pattern: '^(/.*)?$' })),
      rules: Type.Array(
        Type.Object({ metric: Type.String(), min: Type.Optional(Type.Number()) }, { additionalProperties: false }),
      ),
      anything: Type.Optional(Type.Unknown()),
      lines: Type.Boolean({ default: false }),
      name: Type.Optional(Type.String({ minLength: 3, maxLength: 40, default: '' })),
    });
    expect(summarizeParameters(parameterJsonSchema(params))).toEqual([
      {
        name: 'label',
        type: 'string',
        default: 'required',
        allowed: 'non-empty',
        description: 'The column to predict.',
      },
      { name: 'trees', type: 'integer', default: '100', allowed: '1 ≤ x ≤ 5000', description: '' },
      { name: 'tolerance', type: 'number', default: '0.0001', allowed: '0 < x ≤ 1', description: '' },
      { name: 'fraction', type: 'number', default: 'required', allowed: '0 < x < 1', description: '' },
      {
        name: 'task',
        type: 'string',
        default: '"classification"',
        allowed: 'one of "classification", "regression"',
        description: '',
      },
      {
        name: 'layers',
        type: 'integer[]',
        default: '[100]',
        allowed: 'at most 16 items, each x ≥ 1',
        description: '',
      },
      {
        name: 'columns',
        type: 'string[]',
        default: 'required',
        allowed: 'at least 1 item, each non-empty',
        description: '',
      },
      { name: 'value', type: 'number | string', default: '—', allowed: '', description: '' },
      { name: 'types', type: '{ [name]: string }', default: '{}', allowed: 'each non-empty', description: '' },
      {
        name: 'pointers',
        type: '{ [name]: string }',
        default: 'required',
        allowed: 'each matches ^(/.*)?$',
        description: '',
      },
      {
        name: 'rules',
        type: '{ metric: string, min?: number }[]',
        default: 'required',
        allowed: '',
        description: '',
      },
      { name: 'anything', type: 'any', default: '—', allowed: '', description: '' },
      { name: 'lines', type: 'boolean', default: 'false', allowed: '', description: '' },
      {
        name: 'name',
        type: 'string',
        default: '""',
        allowed: 'at least 3 characters, at most 40 characters',
        description: '',
      },
    ]);
  });

  it('lists nothing for a node without parameters', () => {
    expect(summarizeParameters(parameterJsonSchema(Type.Object({})))).toEqual([]);
  });
});

describe('shortDescription', () => {
  it('keeps the first sentence, where e.g. and i.e. do not end one', () => {
    expect(shortDescription('Columns to learn from. Empty: every column except the label.')).toBe(
      'Columns to learn from',
    );
    expect(shortDescription('Ridge penalty α. 0 gives ordinary least squares.')).toBe('Ridge penalty α');
    expect(shortDescription('Units in each layer, e.g. [64, 32]. More is slower.')).toBe(
      'Units in each layer, e.g. [64, 32]',
    );
    expect(shortDescription('The share, i.e. The part that goes to test.')).toBe(
      'The share, i.e. The part that goes to test',
    );
  });

  it('falls back to the first clause, then to a cut at a word marked …', () => {
    const clause = `File path; relative paths are taken from ${'the pipeline file’s folder, '.repeat(3)}always.`;
    expect(shortDescription(clause)).toBe('File path');
    const long = 'A single SELECT statement in DuckDB SQL, e.g. SELECT *, price / area AS price_per_m2 FROM input';
    expect(shortDescription(long, 60)).toBe('A single SELECT statement in DuckDB SQL, e.g. SELECT *…');
    expect(shortDescription(long, 60).length).toBeLessThanOrEqual(60);
    // An example cut off from what it introduces says nothing, so the cut drops a dangling e.g.
    expect(shortDescription(long, 48)).toBe('A single SELECT statement in DuckDB SQL…');
  });
});
