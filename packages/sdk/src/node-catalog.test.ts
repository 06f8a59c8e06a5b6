import { Kind, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { type AnyNodeDefinition, defineNode } from './define-node.ts';
import { type NodeCatalog, nodeCatalog, registryFromCatalog } from './node-catalog.ts';
import { NodeRegistry } from './node-registry.ts';
import { parameterJsonSchema } from './parameter-schema.ts';
import { definePortType } from './port-types.ts';
import { input, type OutputPort, output } from './ports.ts';

const neverRun = async (): Promise<never> => {
  throw new Error('never run');
};

/** A plugin's port type; the SDK's typings do not know it, as in a plugin without declaration merging. */
const image = definePortType({
  name: 'image',
  description: 'A picture.',
  storage: 'file',
  extends: 'file',
  color: '#f0f',
});

const source = defineNode({
  type: 'test.source',
  version: '1.0.0',
  title: 'Source',
  description: 'Reads a table.',
  category: 'data',
  params: Type.Object({
    path: Type.String({ minLength: 1, description: 'Where the table is' }),
    rows: Type.Integer({ minimum: 1, default: 100 }),
    mode: Type.Optional(Type.Union([Type.Literal('fast'), Type.Literal('safe')])),
  }),
  outputs: { table: output('table', { description: 'The rows' }), picture: { type: 'image' } as unknown as OutputPort },
  run: neverRun,
});

const train = defineNode({
  type: 'test.train',
  version: '2.0.0',
  title: 'Train',
  description: 'Trains a model.',
  category: 'train',
  inputs: { train: input('table'), extra: input('json', { required: false, multiple: true, description: 'More' }) },
  outputs: { model: output('model'), sample: output('table', { columns: { from: 'train' } }) },
  resources: { gpu: 1, memoryMb: 4096 },
  retry: { retries: 2, backoffMs: 10 },
  timeoutMs: 5000,
  cacheable: false,
  run: neverRun,
});

const trainV1 = defineNode({ ...train, version: '1.0.0', run: neverRun });

function registry(): NodeRegistry {
  return new NodeRegistry(
    [source, train, trainV1].map((definition) => ({
      definition: definition as AnyNodeDefinition,
      source: '@acme/nodes',
      implementationHash: `hash-of-${definition.type}@${definition.version}`,
    })),
    [image],
  );
}

/** The catalog as it reaches a browser: through JSON. */
const sentCatalog = (): NodeCatalog => JSON.parse(JSON.stringify(nodeCatalog(registry())));

describe('nodeCatalog', () => {
  it('lists every version with ports, parameter JSON Schema, resources and implementation hash', () => {
    const catalog = nodeCatalog(registry());
    expect(catalog.nodes.map((n) => `${n.type}@${n.version} latest=${n.latest}`)).toEqual([
      'test.source@1.0.0 latest=true',
      'test.train@1.0.0 latest=false',
      'test.train@2.0.0 latest=true',
    ]);
    expect(catalog.nodes[2]).toEqual({
      type: 'test.train',
      version: '2.0.0',
      latest: true,
      title: 'Train',
      description: 'Trains a model.',
      category: 'train',
      source: '@acme/nodes',
      implementationHash: 'hash-of-test.train@2.0.0',
      inputs: [
        { name: 'train', type: 'table', required: true, multiple: false },
        { name: 'extra', type: 'json', required: false, multiple: true, description: 'More' },
      ],
      outputs: [
        { name: 'model', type: 'model' },
        { name: 'sample', type: 'table', columns: { from: 'train' } },
      ],
      params: { type: 'object', properties: {} },
      resources: { cpu: 1, memoryMb: 4096, gpu: { count: 1, memoryMb: 0, cpuFallback: false }, backend: 'gpu' },
      retry: { retries: 2, backoffMs: 10, maxBackoffMs: 60_000 },
      timeoutMs: 5000,
      cacheable: false,
    });
    expect(catalog.nodes[0]?.params).toEqual(parameterJsonSchema(source.params));
  });

  it('lists the port types, built-in and added, with what they extend', () => {
    const { portTypes } = nodeCatalog(registry());
    expect(portTypes.find((t) => t.name === 'image')).toEqual(image);
    expect(portTypes.find((t) => t.name === 'any')).not.toHaveProperty('extends');
  });
});

describe('registryFromCatalog', () => {
  it('gives back the catalog it was built from', () => {
    const catalog = sentCatalog();
    expect(nodeCatalog(registryFromCatalog(catalog))).toEqual(catalog);
  });

  it('rebuilds definitions with the same ports, resources, retry, timeout, category and hash', () => {
    const rebuilt = registryFromCatalog(sentCatalog()).get('test.train', '2.0.0');
    const original = registry().get('test.train', '2.0.0');
    expect(rebuilt?.implementationHash).toBe('hash-of-test.train@2.0.0');
    expect(rebuilt?.source).toBe('@acme/nodes');
    const { run: _run, params: _params, ...definition } = rebuilt?.definition ?? {};
    const { run: _originalRun, params: _originalParams, ...expected } = original?.definition ?? {};
    expect(definition).toEqual(expected);
  });

  it('rebuilds parameter schemas as TypeBox objects', () => {
    const params = registryFromCatalog(sentCatalog()).get('test.source', '1.0.0')?.definition.params;
    expect(params?.[Kind]).toBe('Object');
    expect(params?.properties.mode?.[Kind]).toBe('Union');
  });

  it('gives definitions that refuse to run', async () => {
    const definition = registryFromCatalog(sentCatalog()).get('test.source', '1.0.0')?.definition;
    await expect(definition?.run({} as never)).rejects.toThrow(
      /catalog definitions carry no run code: test\.source@1\.0\.0/,
    );
  });

  it('keeps which version a node migrates from, with a migration that says where it really runs', () => {
    const base = { title: 'Scale', description: 'Scales.', category: 'utility', run: async () => ({}) } as const;
    const installed = new NodeRegistry([
      { definition: defineNode({ ...base, type: 'test.scale', version: '1.0.0' }), source: '@acme/nodes' },
      {
        definition: defineNode({
          ...base,
          type: 'test.scale',
          version: '2.0.0',
          migrate: { from: '1.0.0', params: (old) => old },
        }),
        source: '@acme/nodes',
      },
    ]);
    const catalog = nodeCatalog(installed);
    const rebuilt = registryFromCatalog(catalog);
    expect(nodeCatalog(rebuilt)).toEqual(catalog);
    const migrate = rebuilt.get('test.scale', '2.0.0')?.definition.migrate;
    expect(migrate?.from).toBe('1.0.0');
    expect(() => migrate?.params({})).toThrow(
      "catalog definitions carry no migration code: test.scale@2.0.0's upgrade from 1.0.0 runs where its package is installed",
    );
  });

  it("registers the catalog's port types, so connections are judged the same", () => {
    const original = registry();
    const rebuilt = registryFromCatalog(sentCatalog());
    const names = original.portTypes().map((t) => t.name);
    expect(rebuilt.portTypes().map((t) => t.name)).toEqual(names);
    for (const from of names) {
      for (const to of names)
        expect([from, to, rebuilt.canConnect(from, to)]).toEqual([from, to, original.canConnect(from, to)]);
    }
    expect(rebuilt.canConnect('image', 'file')).toBe(true);
  });

  it('refuses a built-in port type that the catalog defines otherwise', () => {
    const catalog = sentCatalog();
    const table = catalog.portTypes.find((t) => t.name === 'table');
    if (table === undefined) throw new Error('no table port type');
    table.extends = 'json';
    expect(() => registryFromCatalog(catalog)).toThrow(
      `the catalog's port type "table" (storage file, extends json) differs from this SDK's built-in one (storage file, extends file)`,
    );
  });

  it('takes a built-in port type whose colour or description differs', () => {
    const catalog = sentCatalog();
    for (const type of catalog.portTypes) type.color = '#123456';
    expect(registryFromCatalog(catalog).canConnect('table', 'file')).toBe(true);
  });

  it('refuses a node whose parameter schema is not an object', () => {
    const catalog = sentCatalog();
    (catalog.nodes[0] as { params: Record<string, unknown> }).params = { type: 'string' };
    expect(() => registryFromCatalog(catalog)).toThrow(
      'catalog node test.source@1.0.0: its parameter schema is not an object schema',
    );
  });
});
