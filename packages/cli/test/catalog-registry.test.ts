// The designer compiles in the browser from the catalog the server sends (GET /api/nodes): with the
// built-in nodes and the example pipelines, that must give the server's plans and diagnostics exactly.
// It lives here because only the CLI may import both the SDK and the node packages.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from '@loom/compiler';
import { canonicalJson, type Diagnostic } from '@loom/graph';
import { type NodeCatalog, type NodeRegistry, nodeCatalog, registryFromCatalog, type TSchema } from '@loom/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinRegistry } from '../src/node-registry.ts';
import { EXAMPLES } from './loom-process.ts';

interface ExampleNode {
  id: string;
  type: string;
  version: string;
  params?: Record<string, unknown>;
}
interface Example {
  name: string;
  document: { nodes: ExampleNode[]; [key: string]: unknown };
}

let real: NodeRegistry;
let catalog: NodeCatalog;
let fromCatalog: NodeRegistry;
let examples: Example[];

beforeAll(async () => {
  real = await loadBuiltinRegistry();
  // Through JSON, as the catalog reaches a browser.
  catalog = JSON.parse(JSON.stringify(nodeCatalog(real)));
  fromCatalog = registryFromCatalog(catalog);
  // examples/plugins holds example plugins, whose pipelines need those plugins: not the built-in nodes' examples.
  const names = (await readdir(EXAMPLES, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && e.name !== 'plugins')
    .map((e) => e.name);
  examples = await Promise.all(
    names.sort().map(async (name) => ({
      name,
      document: JSON.parse(await readFile(join(EXAMPLES, name, 'pipeline.loom.json'), 'utf8')),
    })),
  );
});

// TypeBox's global symbols, named here because the CLI does not depend on TypeBox itself.
const Kind = Symbol.for('TypeBox.Kind');
const OptionalKind = Symbol.for('TypeBox.Optional');

/** Values of every JSON type and size that a broken parameter might hold. */
const BAD_VALUES: readonly unknown[] = [
  null,
  true,
  -1,
  0,
  0.5,
  1e12,
  '',
  'x',
  'x'.repeat(500),
  [],
  [1],
  ['a', ''],
  {},
  { bogus: 1 },
];

/** A node's params with one parameter replaced, removed, or an unknown one added. */
function brokenParams(node: ExampleNode, schema: Record<string, unknown>): Array<Record<string, unknown>> {
  const given = node.params ?? {};
  const names = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const variants: Array<Record<string, unknown>> = [{}, { ...given, no_such_parameter: 1 }];
  for (const name of names) {
    const { [name]: _removed, ...rest } = given;
    variants.push(rest);
    for (const value of BAD_VALUES) variants.push({ ...given, [name]: value });
  }
  return variants;
}

function diagnosticsOf(raw: unknown, registry: NodeRegistry): Diagnostic[] {
  return compile(raw, registry).diagnostics;
}

/** `Kind` and optionality through the schema tree: what TypeBox's checker dispatches on. */
function kinds(schema: TSchema | undefined): unknown {
  if (schema === undefined) return undefined;
  const record = schema as TSchema & Record<string | symbol, unknown>;
  const nested = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map((item) => kinds(item as TSchema))
      : value !== null && typeof value === 'object'
        ? kinds(value as TSchema)
        : value;
  const mapValues = (value: unknown) =>
    value === undefined
      ? undefined
      : Object.fromEntries(Object.entries(value as Record<string, TSchema>).map(([k, v]) => [k, kinds(v)]));
  return {
    kind: record[Kind],
    // A property with a default may be left out, so the catalog lists it as optional whatever the
    // original said (see parameterJsonSchema); defaults are filled in before any check.
    optional: record[OptionalKind] === 'Optional' || record.default !== undefined,
    properties: mapValues(record.properties),
    patternProperties: mapValues(record.patternProperties),
    items: nested(record.items),
    anyOf: nested(record.anyOf),
    additionalProperties: nested(record.additionalProperties),
  };
}

describe('a registry rebuilt from the catalog, against the built-in registry', () => {
  it('gives back the same catalog, every parameter schema included', () => {
    expect(nodeCatalog(fromCatalog)).toEqual(catalog);
  });

  it('rebuilds every parameter schema with the same TypeBox kinds', () => {
    for (const entry of real.all()) {
      const rebuilt = fromCatalog.get(entry.definition.type, entry.definition.version);
      expect([entry.definition.type, kinds(rebuilt?.definition.params)]).toEqual([
        entry.definition.type,
        kinds(entry.definition.params),
      ]);
    }
  });

  it('compiles every example pipeline into a byte-identical plan', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const { name, document } of examples) {
      const expected = compile(document, real);
      const actual = compile(document, fromCatalog);
      expect([name, expected.ok]).toEqual([name, true]);
      if (!expected.ok || !actual.ok) throw new Error(`${name}: ${JSON.stringify(actual.diagnostics)}`);
      expect(canonicalJson(actual.plan)).toBe(canonicalJson(expected.plan));
    }
  });

  it('gives the same diagnostics (codes, paths, messages) for broken parameters of every example node', () => {
    const mismatches: string[] = [];
    let paramDiagnostics = 0;
    for (const { name, document } of examples) {
      document.nodes.forEach((node, index) => {
        const schema = real.get(node.type, node.version)?.definition.params as Record<string, unknown>;
        for (const params of brokenParams(node, schema)) {
          const nodes = document.nodes.map((other, i) => (i === index ? { ...other, params } : other));
          const broken = { ...document, nodes };
          const expected = diagnosticsOf(broken, real);
          const actual = diagnosticsOf(broken, fromCatalog);
          paramDiagnostics += expected.filter((d) => d.code.startsWith('param.')).length;
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(`${name} ${node.id} ${JSON.stringify(params)}`);
          }
        }
      });
    }
    expect(mismatches).toEqual([]);
    // Not vacuous: most variants break something.
    expect(paramDiagnostics).toBeGreaterThan(500);
  });

  it('gives the same diagnostics for broken parameters of every installed node type', () => {
    const mismatches: string[] = [];
    for (const entry of catalog.nodes) {
      const node: ExampleNode = { id: 'n', type: entry.type, version: entry.version };
      for (const params of brokenParams(node, entry.params)) {
        const document = {
          format: 'loom.pipeline',
          formatVersion: 2,
          name: 'one',
          nodes: [{ ...node, params }],
          edges: [],
        };
        if (JSON.stringify(diagnosticsOf(document, fromCatalog)) !== JSON.stringify(diagnosticsOf(document, real))) {
          mismatches.push(`${entry.type}@${entry.version} ${JSON.stringify(params)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
