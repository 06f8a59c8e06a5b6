import { describe, expect, it } from 'vitest';
import { type AnyNodeDefinition, defineNode } from './define-node.ts';
import { NodeRegistry } from './node-registry.ts';
import { definePortType } from './port-types.ts';
import type { InputPort, OutputPort } from './ports.ts';
import { compareSemver } from './semver.ts';

function node(
  type: string,
  version: string,
  ports: { inputs?: Record<string, InputPort>; outputs?: Record<string, OutputPort> } = {},
) {
  return defineNode({
    type,
    version,
    title: type,
    description: '',
    category: 'utility',
    inputs: ports.inputs ?? {},
    outputs: ports.outputs ?? {},
    run: async () => ({}) as never,
  }) as AnyNodeDefinition;
}

/** A port of a type the SDK's typings do not know, as a plugin would declare it. */
const imageInput = { type: 'image', required: true, multiple: false } as unknown as InputPort;
const imageOutput = { type: 'image' } as unknown as OutputPort;
const image = definePortType({
  name: 'image',
  description: 'An image file.',
  storage: 'file',
  extends: 'file',
  color: '#000',
});

describe('NodeRegistry', () => {
  it('finds a node type by type and exact version, with its source and implementation hash', () => {
    const definition = node('test.a', '1.0.0');
    const registry = new NodeRegistry([{ definition, source: '@loom/nodes-test', implementationHash: 'abc' }]);
    expect(registry.get('test.a', '1.0.0')).toEqual({
      definition,
      source: '@loom/nodes-test',
      implementationHash: 'abc',
    });
    expect(registry.get('test.a', '1.0.1')).toBeUndefined();
    expect(registry.get('test.b', '1.0.0')).toBeUndefined();
  });

  it('defaults the implementation hash to the empty string', () => {
    const registry = new NodeRegistry([{ definition: node('test.a', '1.0.0'), source: 's' }]);
    expect(registry.get('test.a', '1.0.0')?.implementationHash).toBe('');
  });

  it('keeps several versions of one type side by side', () => {
    const registry = new NodeRegistry([
      { definition: node('test.a', '1.0.0'), source: 'old' },
      { definition: node('test.a', '2.0.0'), source: 'new' },
    ]);
    expect(registry.get('test.a', '1.0.0')?.source).toBe('old');
    expect(registry.get('test.a', '2.0.0')?.source).toBe('new');
  });

  it('refuses a second registration of the same type and version, naming both sources', () => {
    const registry = new NodeRegistry([{ definition: node('test.a', '1.0.0'), source: '@loom/nodes-core' }]);
    expect(() => registry.add({ definition: node('test.a', '1.0.0'), source: 'plugins/acme' })).toThrow(
      'node type test.a@1.0.0 is defined twice: by @loom/nodes-core and by plugins/acme',
    );
    expect(registry.get('test.a', '1.0.0')?.source).toBe('@loom/nodes-core');
  });

  it('refuses a port of an unknown port type, naming the node, source, port and type', () => {
    const registry = new NodeRegistry();
    const definition = node('test.a', '1.0.0', { inputs: { picture: imageInput } });
    expect(() => registry.add({ definition, source: 'plugins/acme' })).toThrow(
      'node type test.a@1.0.0 (from plugins/acme): port "picture" has unknown port type "image"; register it with definePortType',
    );
    const withOutput = node('test.b', '1.0.0', { outputs: { picture: imageOutput } });
    expect(() => registry.add({ definition: withOutput, source: 'p' })).toThrow(
      'port "picture" has unknown port type "image"',
    );
  });

  it('is left unchanged by a registration it refuses', () => {
    const registry = new NodeRegistry([{ definition: node('test.ok', '1.0.0'), source: 's' }]);
    expect(() =>
      registry.add({ definition: node('test.bad', '1.0.0', { inputs: { picture: imageInput } }), source: 's' }),
    ).toThrow();
    expect(registry.versions('test.bad')).toEqual([]);
    expect(registry.latest().map((entry) => entry.definition.type)).toEqual(['test.ok']);
    expect(registry.all().map((entry) => entry.definition.type)).toEqual(['test.ok']);
  });

  it('accepts ports of a plugin port type registered with it', () => {
    const registry = new NodeRegistry(
      [
        {
          definition: node('test.a', '1.0.0', { inputs: { picture: imageInput }, outputs: { thumb: imageOutput } }),
          source: 's',
        },
      ],
      [image],
    );
    expect(registry.get('test.a', '1.0.0')).toBeDefined();
    expect(registry.portType('image')).toBe(image);
  });

  it('lists the built-in port types and the added ones', () => {
    const registry = new NodeRegistry([], [image]);
    expect(registry.portTypes().map((t) => t.name)).toEqual([
      'any',
      'json',
      'text',
      'metrics',
      'endpoint',
      'file',
      'table',
      'model',
      'onnx',
      'transform',
      'image',
    ]);
  });

  it('accepts the same port type object twice but not a second definition of the name', () => {
    const registry = new NodeRegistry([], [image]);
    registry.addPortType(image);
    expect(() => registry.addPortType({ ...image })).toThrow('port type "image" is defined twice');
    expect(() => registry.addPortType({ ...image, name: 'json' })).toThrow('port type "json" is defined twice');
  });

  it('lists versions in semver order, not string order', () => {
    const registry = new NodeRegistry(
      ['1.10.0', '1.9.0', '2.0.0', '1.10.0-rc.1', '1.2.3', '0.9.9'].map((version) => ({
        definition: node('test.a', version),
        source: 's',
      })),
    );
    expect(registry.versions('test.a')).toEqual(['0.9.9', '1.2.3', '1.9.0', '1.10.0-rc.1', '1.10.0', '2.0.0']);
    expect(registry.versions('test.unknown')).toEqual([]);
  });

  it('gives the latest version of each type, sorted by type name', () => {
    const registry = new NodeRegistry(
      [
        ['test.b', '1.0.0'],
        ['test.a', '1.9.0'],
        ['test.a', '1.10.0'],
        ['test.b', '1.1.0-beta'],
      ].map(([type = '', version = '']) => ({ definition: node(type, version), source: 's' })),
    );
    expect(registry.latest().map((e) => `${e.definition.type}@${e.definition.version}`)).toEqual([
      'test.a@1.10.0',
      'test.b@1.1.0-beta',
    ]);
    expect(registry.all().map((e) => `${e.definition.type}@${e.definition.version}`)).toEqual([
      'test.a@1.9.0',
      'test.a@1.10.0',
      'test.b@1.0.0',
      'test.b@1.1.0-beta',
    ]);
  });
});

describe('NodeRegistry.canConnect', () => {
  const registry = new NodeRegistry([], [image]);

  it('connects a type to itself', () => {
    for (const type of ['json', 'text', 'metrics', 'endpoint', 'file', 'table', 'model', 'onnx', 'image']) {
      expect(registry.canConnect(type, type)).toBe(true);
    }
  });

  it('follows extends from the output to the more general input type, transitively', () => {
    expect(registry.canConnect('metrics', 'json')).toBe(true);
    expect(registry.canConnect('endpoint', 'json')).toBe(true);
    expect(registry.canConnect('table', 'file')).toBe(true);
    expect(registry.canConnect('onnx', 'file')).toBe(true);
    expect(registry.canConnect('image', 'file')).toBe(true);
  });

  it('never goes the other way, nor sideways', () => {
    expect(registry.canConnect('json', 'metrics')).toBe(false);
    expect(registry.canConnect('file', 'table')).toBe(false);
    expect(registry.canConnect('table', 'model')).toBe(false);
    expect(registry.canConnect('metrics', 'endpoint')).toBe(false);
    expect(registry.canConnect('text', 'json')).toBe(false);
    expect(registry.canConnect('metrics', 'file')).toBe(false);
  });

  it('lets anything into an any input, but an any output into nothing more specific', () => {
    for (const type of ['json', 'text', 'metrics', 'endpoint', 'file', 'table', 'model', 'onnx', 'image']) {
      expect(registry.canConnect(type, 'any')).toBe(true);
    }
    expect(registry.canConnect('any', 'json')).toBe(false);
  });

  it('lets a plugin type declared without extends into an any input', () => {
    const standalone = definePortType({ name: 'audio', description: 'Sound.', storage: 'file', color: '#111' });
    const withAudio = new NodeRegistry([], [standalone]);
    expect(withAudio.canConnect('audio', 'any')).toBe(true);
    expect(withAudio.canConnect('audio', 'file')).toBe(false);
  });

  it('is false for types it does not know', () => {
    expect(registry.canConnect('nope', 'json')).toBe(false);
    expect(registry.canConnect('json', 'nope')).toBe(false);
    expect(registry.canConnect('nope', 'any')).toBe(false);
  });

  it('terminates on a cycle of extends', () => {
    const a = definePortType({ name: 'loop_a', description: '', storage: 'json', extends: 'loop_b', color: '#000' });
    const b = definePortType({ name: 'loop_b', description: '', storage: 'json', extends: 'loop_a', color: '#000' });
    const looped = new NodeRegistry([], [a, b]);
    expect(looped.canConnect('loop_a', 'loop_b')).toBe(true);
    expect(looped.canConnect('loop_a', 'json')).toBe(false);
  });
});

describe('compareSemver', () => {
  const sorted = (versions: string[]) => [...versions].sort(compareSemver);

  it('compares each part as a number', () => {
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareSemver('1.9.0', '1.10.0')).toBeLessThan(0);
    expect(compareSemver('2.0.0', '10.0.0')).toBeLessThan(0);
    expect(compareSemver('1.0.10', '1.0.9')).toBeGreaterThan(0);
    expect(compareSemver('1.2.3', '1.2.3')).toBe(0);
  });

  it('puts a prerelease before its release and after the previous release', () => {
    expect(compareSemver('1.0.0-alpha', '1.0.0')).toBeLessThan(0);
    expect(compareSemver('1.0.0', '1.0.0-alpha')).toBeGreaterThan(0);
    expect(sorted(['1.0.0', '1.0.0-rc.1', '0.9.0'])).toEqual(['0.9.0', '1.0.0-rc.1', '1.0.0']);
  });

  it('orders prereleases by the semver rules: numeric identifiers as numbers, fewer identifiers first', () => {
    expect(
      sorted([
        '1.0.0',
        '1.0.0-rc.1',
        '1.0.0-beta.11',
        '1.0.0-beta.2',
        '1.0.0-beta',
        '1.0.0-alpha.beta',
        '1.0.0-alpha.1',
        '1.0.0-alpha',
      ]),
    ).toEqual([
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ]);
    expect(compareSemver('1.0.0-2', '1.0.0-alpha')).toBeLessThan(0);
  });

  it('keeps hyphens inside a prerelease', () => {
    expect(compareSemver('1.0.0-rc-1', '1.0.0-rc-2')).toBeLessThan(0);
    expect(compareSemver('1.0.0-rc-2', '1.0.0-rc-2')).toBe(0);
  });
});
