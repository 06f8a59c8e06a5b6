import { defineNode, definePortType, input, NodeRegistry, output } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { type ConnectionEnd, checkConnection, checkPortConnection, type ExistingEdge } from './connection-rule.ts';
import { document, edge, node } from './test-fixtures/documents.ts';
import { testRegistry } from './test-fixtures/nodes.ts';

const registry = testRegistry();

/** `end('train.model', 'test.train')`: the node id and port, then the node's type (version 1.0.0). */
function end(nodeAndPort: string, type: string, version = '1.0.0'): ConnectionEnd {
  const [node = '', port = ''] = nodeAndPort.split('.');
  return { node, type, version, port };
}

function into(from: string, to: string): ExistingEdge {
  const [fromNode = '', fromPort = ''] = from.split('.');
  const [toNode = '', toPort = ''] = to.split('.');
  return { from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
}

describe('checkConnection', () => {
  it('accepts an output into an input of the same type', () => {
    const verdict = checkConnection(
      registry,
      { source: end('load.table', 'test.source'), target: end('split.data', 'test.split') },
      [],
    );
    expect(verdict).toEqual({ ok: true });
  });

  it('accepts an output into an input of a type it extends, and anything into `any`', () => {
    const metricsIntoJson = checkConnection(
      registry,
      { source: end('train.history', 'test.train'), target: end('report.data', 'test.report') },
      [],
    );
    const tableIntoAny = checkConnection(
      registry,
      { source: end('load.table', 'test.source'), target: end('report.extra', 'test.report') },
      [],
    );
    expect([metricsIntoJson.ok, tableIntoAny.ok]).toEqual([true, true]);
  });

  it('refuses incompatible types with a sentence naming both ports and types', () => {
    const verdict = checkConnection(
      registry,
      { source: end('train.model', 'test.train'), target: end('split.data', 'test.split') },
      [],
    );
    expect(verdict).toEqual({
      ok: false,
      code: 'edge.incompatible-types',
      reason: 'output "train.model" is model, but input "split.data" takes table',
    });
  });

  it('refuses an unknown output or input, listing the ports the node has', () => {
    const verdict = checkConnection(
      registry,
      { source: end('load.data', 'test.source'), target: end('split.data', 'test.split') },
      [],
    );
    expect(verdict).toEqual({
      ok: false,
      code: 'edge.unknown-port',
      reason: 'node "load" (test.source) has no output "data"; its outputs are "table", "stats"',
      missing: [
        { end: 'source', reason: 'node "load" (test.source) has no output "data"; its outputs are "table", "stats"' },
      ],
    });
    const noInputs = checkConnection(
      registry,
      { source: end('load.table', 'test.source'), target: end('other.in', 'test.source') },
      [],
    );
    expect(noInputs).toMatchObject({
      code: 'edge.unknown-port',
      reason: 'node "other" (test.source) has no input "in"; its inputs are (none)',
    });
  });

  it('names both ends when neither port exists', () => {
    const verdict = checkConnection(
      registry,
      { source: end('a.nope', 'test.pass'), target: end('b.nada', 'test.pass') },
      [],
    );
    expect(verdict.ok).toBe(false);
    if (verdict.ok || verdict.code !== 'edge.unknown-port') throw new Error('expected unknown ports');
    expect(verdict.missing.map((m) => m.end)).toEqual(['source', 'target']);
    expect(verdict.reason).toBe(
      'node "a" (test.pass) has no output "nope"; its outputs are "out"; node "b" (test.pass) has no input "nada"; its inputs are "in"',
    );
  });

  it('refuses a node type or version that is not installed', () => {
    expect(
      checkConnection(registry, { source: end('x.out', 'acme.unknown'), target: end('split.data', 'test.split') }, []),
    ).toEqual({ ok: false, code: 'node.unknown', reason: 'node "x" is acme.unknown@1.0.0, which is not installed' });
    expect(
      checkConnection(
        registry,
        { source: end('load.table', 'test.source'), target: end('split.data', 'test.split', '9.0.0') },
        [],
      ),
    ).toMatchObject({ code: 'node.unknown', reason: 'node "split" is test.split@9.0.0, which is not installed' });
  });

  it('refuses a second connection into an input that takes one, naming the one it has', () => {
    const existing = into('other.table', 'split.data');
    const verdict = checkConnection(
      registry,
      { source: end('load.table', 'test.source'), target: end('split.data', 'test.split') },
      [existing],
    );
    expect(verdict).toEqual({
      ok: false,
      code: 'edge.multiple-into-single',
      reason: 'input "split.data" takes one connection and already has one, from "other.table"',
      existing,
    });
  });

  it('ignores edges into other ports or nodes, so a caller may pass every edge of the document', () => {
    const verdict = checkConnection(
      registry,
      { source: end('load.table', 'test.source'), target: end('split.data', 'test.split') },
      [into('load.table', 'split2.data'), into('x.out', 'report.data')],
    );
    expect(verdict).toEqual({ ok: true });
  });

  it('accepts any number of connections into an input that takes many', () => {
    const verdict = checkConnection(
      registry,
      { source: end('train.history', 'test.train'), target: end('merge.metrics', 'test.merge') },
      [into('evaluate.metrics', 'merge.metrics'), into('other.metrics', 'merge.metrics')],
    );
    expect(verdict).toEqual({ ok: true });
  });

  it('refuses a node feeding itself', () => {
    const verdict = checkConnection(
      registry,
      { source: end('p.out', 'test.pass'), target: end('p.in', 'test.pass') },
      [],
    );
    expect(verdict).toEqual({
      ok: false,
      code: 'edge.self-loop',
      reason: 'node "p" cannot feed its own input: a pipeline must be acyclic',
    });
  });

  it("reports a self-loop's port and type faults first, as for any edge", () => {
    const verdict = checkConnection(
      registry,
      { source: end('t.model', 'test.train'), target: end('t.train', 'test.train') },
      [],
    );
    expect(verdict).toMatchObject({ code: 'edge.incompatible-types' });
  });

  it("follows a plugin's port types through the registry", () => {
    const image = definePortType({
      name: 'image',
      description: 'A picture.',
      storage: 'file',
      extends: 'file',
      color: '#f0f',
    });
    const unused = async (): Promise<never> => {
      throw new Error('never run');
    };
    const camera = defineNode({
      type: 'acme.camera',
      version: '1.0.0',
      title: 'Camera',
      description: 'Takes a picture.',
      category: 'data',
      // The port type is registered below; declaration merging would type it in a real plugin.
      outputs: { picture: output('image' as 'file') },
      run: unused,
    });
    const archive = defineNode({
      type: 'acme.archive',
      version: '1.0.0',
      title: 'Archive',
      description: 'Stores files.',
      category: 'export',
      inputs: { files: input('file', { multiple: true }), pictures: input('image' as 'file', { multiple: true }) },
      outputs: { table: output('table') },
      run: unused,
    });
    const plugins = new NodeRegistry(
      [camera, archive].map((definition) => ({ definition, source: 'plugins/acme' })),
      [image],
    );
    const fromCamera = end('cam.picture', 'acme.camera');
    expect(checkConnection(plugins, { source: fromCamera, target: end('a.files', 'acme.archive') }, []).ok).toBe(true);
    expect(
      checkConnection(
        plugins,
        { source: end('b.table', 'acme.archive'), target: end('a.pictures', 'acme.archive') },
        [],
      ),
    ).toMatchObject({ reason: 'output "b.table" is table, but input "a.pictures" takes image' });
  });
});

describe('checkPortConnection', () => {
  it('answers as checkConnection does, for a caller that has the definitions at hand', () => {
    const train = registry.get('test.train', '1.0.0')?.definition;
    const split = registry.get('test.split', '1.0.0')?.definition;
    if (train === undefined || split === undefined) throw new Error('fixture nodes missing');
    const from = { node: 'train', port: 'model' };
    const to = { node: 'split', port: 'data' };
    expect(checkPortConnection(registry, from, train, to, split, [])).toEqual(
      checkConnection(
        registry,
        { source: end('train.model', 'test.train'), target: end('split.data', 'test.split') },
        [],
      ),
    );
  });
});

describe('the compiler applies the same rule', () => {
  it('reports what checkConnection refuses, at the edge, with the same sentence', () => {
    const raw = document(
      [node('train', 'test.train'), node('split', 'test.split'), node('load', 'test.source', { path: 'p' })],
      [edge('load.table', 'train.train', 'e1'), edge('train.model', 'split.data', 'e2')],
    );
    const result = compile(raw, registry);
    expect(result.ok).toBe(false);
    const verdict = checkConnection(
      registry,
      { source: end('train.model', 'test.train'), target: end('split.data', 'test.split') },
      [],
    );
    if (result.ok || verdict.ok) throw new Error('expected both to refuse');
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: verdict.code, message: `edge e2: ${verdict.reason}`, path: '/edges/1' }),
    );
  });
});
