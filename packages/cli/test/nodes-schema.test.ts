import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreNodes } from '@loom/nodes-core';
import { dataNodes } from '@loom/nodes-data';
import { deployNodes } from '@loom/nodes-deploy';
import { evaluateNodes } from '@loom/nodes-evaluate';
import { monitorNodes } from '@loom/nodes-monitor';
import { trainNodes } from '@loom/nodes-train';
import { transformNodes } from '@loom/nodes-transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, loomWithHome as loom } from './loom-process.ts';

type Schema = Record<string, unknown>;

const builtinNodes = [
  ...coreNodes,
  ...dataNodes,
  ...transformNodes,
  ...trainNodes,
  ...evaluateNodes,
  ...deployNodes,
  ...monitorNodes,
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/**
 * A structural check of `value` against the keywords `loom schema` uses (no JSON Schema library is a
 * dependency here): type, const, required, properties, additionalProperties, patternProperties, items,
 * anyOf and the string, number and array bounds. Returns the JSON Pointers of the values that do not fit.
 */
function schemaProblems(schema: Schema, value: unknown, path = ''): string[] {
  if (Array.isArray(schema.anyOf)) {
    const fits = (schema.anyOf as Schema[]).some((option) => schemaProblems(option, value, path).length === 0);
    return fits ? [] : [path];
  }
  if (!hasType(value, schema.type)) return [path];
  if ('const' in schema && value !== schema.const) return [path];
  const problems: string[] = [];
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(path);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(path);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(path);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(path);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(path);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(path);
    if (isObject(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => {
        problems.push(...schemaProblems(items, item, `${path}/${i}`));
      });
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const patterns = isObject(schema.patternProperties) ? schema.patternProperties : {};
    for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(name in value)) problems.push(`${path}/${name}`);
    }
    for (const [name, member] of Object.entries(value)) {
      const where = `${path}/${name}`;
      const declared = properties[name];
      const matching = Object.entries(patterns).filter(([pattern]) => new RegExp(pattern, 'u').test(name));
      if (isObject(declared)) problems.push(...schemaProblems(declared, member, where));
      for (const [, patternSchema] of matching)
        problems.push(...schemaProblems(patternSchema as Schema, member, where));
      if (declared !== undefined || matching.length > 0) continue;
      if (schema.additionalProperties === false) problems.push(where);
      else if (isObject(schema.additionalProperties)) {
        problems.push(...schemaProblems(schema.additionalProperties, member, where));
      }
    }
  }
  return problems;
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-nodes-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('loom nodes', () => {
  it('lists every built-in node as JSON with its ports and parameter schema', async () => {
    const result = await loom(['nodes', '--json'], work);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const catalog = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(catalog)).toBe(true);

    const expected = builtinNodes.map((node) => `${node.type}@${node.version}`).sort();
    expect(catalog.map((entry) => `${entry.type}@${entry.version}`).sort()).toEqual(expected);
    expect(expected).toEqual(
      expect.arrayContaining([
        'core.read_json@1.0.0',
        'core.read_text@1.0.0',
        'core.value@1.0.0',
        'core.json_to_metrics@1.0.0',
        'core.merge_metrics@1.0.0',
        'core.merge_metrics@2.0.0',
        'core.metrics_gate@1.0.0',
        'data.csv@1.0.0',
        'transform.split@1.0.0',
        'train.mlp@1.0.0',
        'export.onnx@1.0.0',
        'validate.model@1.0.0',
        'explain.permutation_importance@1.0.0',
      ]),
    );

    for (const entry of catalog) {
      const definition = builtinNodes.find((node) => node.type === entry.type && node.version === entry.version);
      expect(entry).toMatchObject({
        type: definition?.type,
        version: definition?.version,
        title: definition?.title,
        category: definition?.category,
      });
      expect(entry.title).toMatch(/\S/);
      expect(entry.inputs).toEqual(
        Object.entries(definition?.inputs ?? {}).map(([name, port]) =>
          expect.objectContaining({ name, type: (port as { type: string }).type }),
        ),
      );
      expect(entry.outputs).toEqual(
        Object.entries(definition?.outputs ?? {}).map(([name, port]) =>
          expect.objectContaining({ name, type: (port as { type: string }).type }),
        ),
      );
      const params = entry.params as Schema;
      expect(params.type).toBe('object');
      expect(isObject(params.properties)).toBe(true);
      expect(Object.keys(params.properties as Schema).sort()).toEqual(
        Object.keys(definition?.params.properties ?? {}).sort(),
      );
    }

    const byType = new Map(catalog.map((entry) => [entry.type, entry]));
    expect(byType.get('core.read_json')).toMatchObject({
      category: 'data',
      inputs: [],
      outputs: [{ name: 'data', type: 'json' }],
      params: {
        required: expect.arrayContaining(['path']),
        properties: { path: { type: 'string' }, lines: { type: 'boolean' } },
      },
    });
    expect(byType.get('core.merge_metrics')).toMatchObject({
      inputs: [{ name: 'metrics', type: 'metrics', multiple: true }],
      version: '2.0.0',
      params: { properties: { on_conflict: { default: 'prefix' } } },
    });
    expect(byType.get('core.metrics_gate')).toMatchObject({
      category: 'validate',
      params: { properties: { rules: { type: 'array', minItems: 1 } } },
    });
  });

  it('prints a table with a row per node, then each node’s parameters', async () => {
    const result = await loom(['nodes'], work);
    expect(result.code).toBe(0);
    const [table = '', heading, ...blocks] = result.stdout.trimEnd().split('\n\n');
    const lines = table.split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['node', 'category', 'inputs', 'outputs', 'title', 'source']);
    expect(lines).toHaveLength(builtinNodes.length + 1);
    for (const node of builtinNodes) {
      const row = lines.find((line) => line.startsWith(`${node.type}@${node.version} `));
      expect(row, node.type).toBeDefined();
      expect(row).toContain(` ${node.category} `);
      expect(row).toContain(` ${node.title} `);
      expect(row).toMatch(/ @loom\/nodes-[a-z]+@0\.1\.0 \(built-in\)$/);
    }
    expect(lines.find((line) => line.startsWith('core.json_to_metrics@'))).toMatch(/data:json +metrics:metrics/);

    expect(heading).toMatch(/^Parameters/);
    expect(blocks).toHaveLength(builtinNodes.length);
    const blockOf = (type: string) => blocks.find((block) => block.startsWith(`${type}  `))?.split('\n') ?? [];
    for (const node of builtinNodes) {
      const [title, header, ...params] = blockOf(`${node.type}@${node.version}`);
      expect(title).toBe(`${node.type}@${node.version}  ${node.title}`);
      const names = Object.keys(node.params.properties);
      if (names.length === 0) {
        expect(header).toBe('  no parameters');
        continue;
      }
      expect(header?.trim().split(/\s+/)).toEqual(['parameter', 'type', 'default', 'allowed', 'description']);
      expect(params.map((line) => line.trim().split(' ')[0])).toEqual(names);
      // Aligned: every row's type starts in the header's type column.
      const typeColumn = header?.indexOf('type') ?? -1;
      for (const line of params) expect(line.slice(typeColumn - 2, typeColumn), line).toBe('  ');
    }
    const cells = (type: string, param: string) =>
      blockOf(type)
        .find((line) => line.startsWith(`  ${param} `))
        ?.trim()
        .split(/ {2,}/);
    expect(cells('train.random_forest@1.0.0', 'trees')).toEqual([
      'trees',
      'integer',
      '100',
      '1 ≤ x ≤ 5000',
      'How many trees to grow',
    ]);
    expect(cells('train.random_forest@1.0.0', 'label')).toEqual([
      'label',
      'string',
      'required',
      'non-empty',
      'The column to predict',
    ]);
    expect(cells('core.merge_metrics@2.0.0', 'on_conflict')?.slice(0, 4)).toEqual([
      'on_conflict',
      'string',
      '"prefix"',
      'one of "prefix", "last", "error"',
    ]);
    expect(cells('export.onnx@1.0.0', 'tolerance')?.slice(0, 4)).toEqual([
      'tolerance',
      'number',
      '0.0001',
      '0 < x ≤ 1',
    ]);
    expect(cells('core.metrics_gate@1.0.0', 'rules')?.slice(0, 4)).toEqual([
      'rules',
      '{ metric: string, min?: number, max?: number }[]',
      'required',
      'at least 1 item',
    ]);
    expect(cells('validate.model@1.0.0', 'min_accuracy')).toEqual([
      'min_accuracy',
      'number',
      '—',
      'Fail the step when accuracy is lower (classification)',
    ]);
  });

  it('shows one node type in full, with or without its version, and names an unknown one', async () => {
    const byName = await loom(['nodes', 'core.metrics_gate'], work);
    expect(byName.code).toBe(0);
    const gate = builtinNodes.find((node) => node.type === 'core.metrics_gate');
    const rules = gate?.params.properties.rules as { description: string } | undefined;
    expect(byName.stdout).toContain(`core.metrics_gate@1.0.0  Metrics gate\n\n${gate?.description}\n`);
    expect(byName.stdout).toMatch(/^category +validate$/m);
    expect(byName.stdout).toMatch(/^source +@loom\/nodes-core@0\.1\.0 \(built-in\)$/m);
    expect(byName.stdout).toMatch(/^inputs\n {2}metrics +metrics +required$/m);
    expect(byName.stdout).toContain(
      [
        'parameters',
        '  rules  { metric: string, min?: number, max?: number }[]',
        '    default  required',
        '    allowed  at least 1 item',
        `    ${rules?.description}`,
      ].join('\n'),
    );

    const byVersion = await loom(['nodes', 'core.merge_metrics@1.0.0'], work);
    expect(byVersion.code).toBe(0);
    expect(byVersion.stdout).toMatch(/^ {2}metrics +metrics +required, several edges +\S/m);
    expect(byVersion.stdout).toContain('    allowed  one of "error", "last", "number"\n');
    expect(byVersion.stdout).not.toContain('2.0.0');
    const everyVersion = await loom(['nodes', 'core.merge_metrics'], work);
    expect(everyVersion.stdout.match(/^core\.merge_metrics@\S+/gm)).toEqual([
      'core.merge_metrics@1.0.0',
      'core.merge_metrics@2.0.0',
    ]);

    const json = await loom(['nodes', 'core.read_json', '--json'], work);
    expect(JSON.parse(json.stdout)).toMatchObject([{ type: 'core.read_json', version: '1.0.0' }]);

    const unknown = await loom(['nodes', 'metrics_gat'], work);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('no node type "metrics_gat" is installed; did you mean core.metrics_gate?');
    const noVersion = await loom(['nodes', 'core.value@9.0.0'], work);
    expect(noVersion.code).toBe(1);
    expect(noVersion.stderr).toContain('core.value has no version 9.0.0; installed: 1.0.0');
  });
});

describe('loom schema', () => {
  it('prints the document JSON Schema, which every example document fits', async () => {
    const result = await loom(['schema'], work);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const schema = JSON.parse(result.stdout) as Schema;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    const properties = schema.properties as Schema;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['format', 'formatVersion', 'nodes', 'edges']));
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'formatVersion', 'name', 'nodes', 'edges']));
    expect(properties.format).toMatchObject({ const: 'loom.pipeline' });

    const examples = (await readdir(EXAMPLES, { recursive: true })).filter((file) => file.endsWith('.loom.json'));
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) {
      const document = JSON.parse(await readFile(join(EXAMPLES, file), 'utf8'));
      expect(schemaProblems(schema, document), file).toEqual([]);
    }

    // The check is not vacuous: it finds what `loom validate` finds in a document of the wrong shape.
    const wrong = JSON.parse(await readFile(join(FIXTURES, 'wrong-shape.loom.json'), 'utf8'));
    expect(schemaProblems(schema, wrong).sort()).toEqual(['/colour', '/edges/0/to', '/name', '/nodes/0/position']);
    const newer = JSON.parse(await readFile(join(FIXTURES, 'newer-format.loom.json'), 'utf8'));
    expect(schemaProblems(schema, newer)).toEqual(['/formatVersion']);
  });

  it('is the format version 2 schema, with canvas notes', async () => {
    const result = await loom(['schema'], work);
    const schema = JSON.parse(result.stdout) as Schema;
    expect(schema).toMatchObject({
      $id: 'https://loom.dev/schemas/pipeline-2.json',
      title: 'Loom pipeline document, format version 2',
    });
    expect((schema.properties as Schema).formatVersion).toMatchObject({ const: 2 });

    const example = JSON.parse(await readFile(join(EXAMPLES, 'model-report', 'pipeline.loom.json'), 'utf8'));
    const note = {
      id: 'why',
      text: 'Why.',
      position: { x: 0, y: -80 },
      size: { width: 200, height: 60 },
      color: '#fff',
    };
    expect(
      schemaProblems(schema, { ...example, notes: [note, { id: 'bare', text: '', position: { x: 1, y: 2 } }] }),
    ).toEqual([]);
    const badNotes = [
      { ...note, id: '9', size: { width: 39, height: 24 }, pinned: true },
      { id: 'long', text: 'x'.repeat(10_001), position: { x: 0 } },
    ];
    expect(schemaProblems(schema, { ...example, notes: badNotes }).sort()).toEqual([
      '/notes/0/id',
      '/notes/0/pinned',
      '/notes/0/size/width',
      '/notes/1/position/y',
      '/notes/1/text',
    ]);
    expect(schemaProblems(schema, { ...example, formatVersion: 1 })).toEqual(['/formatVersion']);
  });
});
