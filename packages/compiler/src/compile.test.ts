import type { Diagnostic } from '@loom/graph';
import { describe, expect, it } from 'vitest';
import { type CompileOptions, compile } from './compile.ts';
import { document, edge, mlPipeline, node, type RawDocument } from './test-fixtures/documents.ts';
import { testRegistry } from './test-fixtures/nodes.ts';

const registry = testRegistry();
const withEpochs: CompileOptions = { parameters: { epochs: 3 } };

/** Compiles expecting failure; the fixture pipeline's `epochs` gets a value unless options say otherwise. */
function diagnosticsOf(raw: unknown, options?: CompileOptions): Diagnostic[] {
  const needsEpochs = (raw as Partial<RawDocument>).parameters?.epochs !== undefined;
  const result = compile(raw, registry, options ?? (needsEpochs ? withEpochs : {}));
  if (result.ok) throw new Error('expected the compile to fail');
  return result.diagnostics;
}

/** `code @path` for compact comparison. */
function brief(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} @${d.path ?? ''}`);
}

describe('compile: the fixture pipeline', () => {
  it('compiles without diagnostics', () => {
    const result = compile(mlPipeline(), registry, withEpochs);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.diagnostics).toEqual([]);
  });
});

describe('compile: node types and versions', () => {
  it('reports an unknown node type at its type', () => {
    const raw = document([node('x', 'acme.resize', {})], []);
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'node.unknown-type',
        message: 'unknown node type "acme.resize"; is the plugin that provides it installed?',
        severity: 'error',
        nodeId: 'x',
        path: '/nodes/0/type',
      },
    ]);
  });

  it('reports an unknown version at its version, listing the installed ones in semver order', () => {
    const raw = document(
      [node('load', 'test.source', { path: 'p' }), node('s', 'test.split', {}, '2.0.0')],
      [edge('load.table', 's.data')],
    );
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'node.unknown-version',
        message: 'test.split has no version 2.0.0; installed: 1.0.0, 1.1.0, 1.10.0',
        severity: 'error',
        nodeId: 's',
        path: '/nodes/1/version',
      },
    ]);
  });

  it('does not pile port or input diagnostics onto a node whose type is unknown', () => {
    const raw = document(
      [node('load', 'test.source', { path: 'p' }), node('x', 'acme.nope'), node('r', 'test.report')],
      [edge('load.table', 'x.whatever'), edge('x.out', 'r.data')],
    );
    expect(brief(diagnosticsOf(raw))).toEqual(['node.unknown-type @/nodes/1/type']);
  });
});

describe('compile: edges', () => {
  it('reports an unknown output port at its from.port, listing the outputs', () => {
    const raw = mlPipeline();
    raw.edges[0] = edge('load.data', 'split.data', 'e1');
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics).toEqual([
      {
        code: 'edge.unknown-port',
        message: 'edge e1: node "load" (test.source) has no output "data"; its outputs are "table", "stats"',
        severity: 'error',
        edgeId: 'e1',
        path: '/edges/0/from/port',
      },
    ]);
  });

  it('reports an unknown input port at its to.port, and the input left unconnected', () => {
    const raw = mlPipeline();
    raw.edges[0] = edge('load.table', 'split.input', 'e1');
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual(['edge.unknown-port @/edges/0/to/port', 'input.unconnected @/nodes/1']);
    expect(diagnostics[0]?.message).toBe(
      'edge e1: node "split" (test.split) has no input "input"; its inputs are "data"',
    );
  });

  it('says (none) for a node without outputs', () => {
    const raw = document([node('r', 'test.report'), node('p', 'test.pass')], [edge('r.out', 'p.in', 'e1')]);
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual(['edge.unknown-port @/edges/0/from/port', 'input.unconnected @/nodes/0']);
    expect(diagnostics[0]?.message).toContain('its outputs are (none)');
  });

  it('reports both unknown ports of one edge', () => {
    const raw = mlPipeline();
    raw.edges[0] = edge('load.tabel', 'split.dat', 'e1');
    expect(brief(diagnosticsOf(raw))).toEqual([
      'edge.unknown-port @/edges/0/from/port',
      'edge.unknown-port @/edges/0/to/port',
      'input.unconnected @/nodes/1',
    ]);
  });

  it('reports incompatible port types at the edge, naming both types', () => {
    const raw = mlPipeline();
    raw.edges[2] = edge('train.history', 'evaluate.model', 'e3');
    const diagnostics = diagnosticsOf(raw);
    expect(diagnostics).toEqual([
      {
        code: 'edge.incompatible-types',
        message: 'edge e3: output "train.history" is metrics, but input "evaluate.model" takes model',
        severity: 'error',
        edgeId: 'e3',
        path: '/edges/2',
      },
    ]);
  });

  it('lets a more specific type into a more general input', () => {
    const raw = document(
      [node('load', 'test.source', { path: 'p' }), node('r', 'test.report')],
      [edge('load.stats', 'r.data'), edge('load.table', 'r.extra')],
    );
    expect(compile(raw, registry).ok).toBe(true);
  });

  it('reports a second edge into a single input, naming both edges', () => {
    const raw = mlPipeline();
    raw.nodes.push(node('load2', 'test.source', { path: 'q' }));
    raw.edges.push(edge('load2.table', 'split.data', 'e7'));
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'edge.multiple-into-single',
        message: 'input "split.data" takes one connection, but edges e1 and e7 both feed it',
        severity: 'error',
        edgeId: 'e7',
        path: '/edges/6',
      },
    ]);
  });

  it('names the edge that was taken, not an earlier refused one into the same input', () => {
    const raw = document(
      [node('a', 'test.source', { path: 'p' }), node('b', 'test.source', { path: 'q' }), node('s', 'test.split')],
      [edge('a.stats', 's.data', 'wrong'), edge('a.table', 's.data', 'taken'), edge('b.table', 's.data', 'extra')],
    );
    const multiple = diagnosticsOf(raw).find((d) => d.code === 'edge.multiple-into-single');
    expect(multiple?.message).toBe('input "s.data" takes one connection, but edges taken and extra both feed it');
  });

  it('names edges without ids by their ports', () => {
    const raw = document(
      [node('a', 'test.source', { path: 'p' }), node('b', 'test.source', { path: 'q' }), node('s', 'test.split')],
      [edge('a.table', 's.data'), edge('b.table', 's.data')],
    );
    const [d] = diagnosticsOf(raw);
    expect(d?.code).toBe('edge.multiple-into-single');
    expect(d?.edgeId).toBeUndefined();
    expect(d?.message).toContain('edges a.table→s.data and b.table→s.data');
  });
});

describe('compile: inputs', () => {
  it('reports an unconnected required input at its node', () => {
    const raw = mlPipeline();
    raw.edges = raw.edges.filter((e) => e.id !== 'e4');
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'input.unconnected',
        message: 'required input "test" (table) of node "evaluate" is not connected',
        severity: 'error',
        nodeId: 'evaluate',
        path: '/nodes/3',
      },
    ]);
  });

  it('asks for at least one connection to a required multiple input', () => {
    const raw = mlPipeline();
    raw.edges = raw.edges.filter((e) => e.id !== 'e5' && e.id !== 'e6');
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual(['input.unconnected @/nodes/4']);
    expect(diagnostics[0]?.message).toBe('input "metrics" (metrics) of node "merge" needs at least one connection');
  });

  it('does not call an input unconnected when its only edge has the wrong type', () => {
    const raw = mlPipeline();
    raw.edges[2] = edge('train.history', 'evaluate.model', 'e3');
    expect(brief(diagnosticsOf(raw))).toEqual(['edge.incompatible-types @/edges/2']);
  });

  it('leaves optional inputs unconnected without complaint', () => {
    const raw = document(
      [node('load', 'test.source', { path: 'p' }), node('r', 'test.report')],
      [edge('load.stats', 'r.data')],
    );
    expect(compile(raw, registry).ok).toBe(true);
  });
});

describe('compile: node parameters', () => {
  it('reports an invalid parameter at its path, with the value and the reason', () => {
    const raw = mlPipeline();
    (raw.nodes[1] as { params: Record<string, unknown> }).params = { fraction: 1.5 };
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual(['param.invalid @/nodes/1/params/fraction']);
    expect(diagnostics[0]).toMatchObject({ nodeId: 'split' });
    expect(diagnostics[0]?.message).toMatch(/^parameter "fraction" \(1\.5\) is invalid: expected number to be less/);
  });

  it('reports a missing required parameter', () => {
    const raw = mlPipeline();
    raw.nodes[0] = node('load', 'test.source', {});
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual(['param.invalid @/nodes/0/params/path']);
    expect(diagnostics[0]?.message).toBe('parameter "path" is required by test.source@1.0.0');
  });

  it('reports an invalid parameter nested in an object', () => {
    const raw = mlPipeline();
    (raw.nodes[1] as { params: Record<string, unknown> }).params = { stratify: { column: 5 } };
    expect(brief(diagnosticsOf(raw))).toEqual(['param.invalid @/nodes/1/params/stratify/column']);
  });

  it('reports an unknown parameter, listing the known ones, with an escaped path', () => {
    const raw = mlPipeline();
    (raw.nodes[1] as { params: Record<string, unknown> }).params = { fractoin: 0.3, 'a/b': 1 };
    const diagnostics = diagnosticsOf(raw);
    expect(brief(diagnostics)).toEqual([
      'param.unknown @/nodes/1/params/fractoin',
      'param.unknown @/nodes/1/params/a~1b',
    ]);
    expect(diagnostics[0]).toMatchObject({
      nodeId: 'split',
      message: 'test.split@1.0.0 has no parameter "fractoin"; its parameters are fraction, seed, stratify',
    });
  });

  it('still checks the known parameters of a node that has unknown ones', () => {
    const raw = mlPipeline();
    (raw.nodes[1] as { params: Record<string, unknown> }).params = { fractoin: 0.3, seed: 'seven' };
    expect(brief(diagnosticsOf(raw))).toEqual([
      'param.unknown @/nodes/1/params/fractoin',
      'param.invalid @/nodes/1/params/seed',
    ]);
  });

  it('checks a substituted pipeline parameter against the node schema', () => {
    const diagnostics = diagnosticsOf(mlPipeline(), { parameters: { epochs: 3, fraction: 2 } });
    expect(brief(diagnostics)).toEqual(['param.invalid @/nodes/1/params/fraction']);
    expect(diagnostics[0]?.message).toContain('(2)');
  });
});

describe('compile: pipeline parameters', () => {
  it('reports a parameter without default or value', () => {
    expect(diagnosticsOf(mlPipeline(), {})).toEqual([
      {
        code: 'parameter.missing-value',
        message: 'pipeline parameter "epochs" has no default and no value was given',
        severity: 'error',
        path: '/parameters/epochs',
      },
    ]);
  });

  it('allows a parameter without a value when asked to, skipping the checks that need it', () => {
    const result = compile(mlPipeline(), registry, { allowUnsetParameters: true });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.plan.parameters).toEqual({ fraction: 0.25 });
      expect(result.plan.steps.find((s) => s.id === 'train')?.params).toEqual({ epochs: 5, lr: 0.01 });
    }
  });

  it.each([
    [{ epochs: 'three' }, 'pipeline parameter "epochs" must be integer, got "three"'],
    [{ epochs: 2.5 }, 'pipeline parameter "epochs" must be integer, got 2.5'],
    [{ epochs: 3, fraction: true }, 'pipeline parameter "fraction" must be number, got true'],
  ])('reports the given value %j of the wrong type', (parameters, message) => {
    const diagnostics = diagnosticsOf(mlPipeline(), { parameters });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'parameter.bad-value', message });
  });

  it('reports a value outside the enumeration', () => {
    const raw = mlPipeline();
    (raw.parameters as Record<string, Record<string, unknown>>).epochs = { type: 'integer', enum: [5, 10] };
    expect(diagnosticsOf(raw, { parameters: { epochs: 7 } })).toEqual([
      {
        code: 'parameter.bad-value',
        message: 'pipeline parameter "epochs" must be one of 5, 10, got 7',
        severity: 'error',
        path: '/parameters/epochs',
      },
    ]);
  });

  it('reports a value for a parameter the document does not define', () => {
    expect(diagnosticsOf(mlPipeline(), { parameters: { epochs: 3, epoch: 3 } })).toEqual([
      {
        code: 'parameter.unknown',
        message: 'a value was given for pipeline parameter "epoch", which the document does not define',
        severity: 'error',
        path: '/parameters',
      },
    ]);
  });
});

describe('compile: cycles', () => {
  it('names every node of a cycle in edge order, back to the first', () => {
    const raw = document(
      [node('start', 'test.pass'), node('a', 'test.pass'), node('b', 'test.pass'), node('c', 'test.pass')],
      // The edges are listed out of cycle order; the message follows the edges, from the first node.
      [edge('a.out', 'b.in'), edge('c.out', 'a.in'), edge('b.out', 'c.in')],
    );
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'graph.cycle',
        message: 'cycle: "a" → "b" → "c" → "a"; a pipeline must be acyclic',
        severity: 'error',
        nodeId: 'a',
        path: '/nodes/1',
      },
    ]);
  });

  it('reports a self-loop', () => {
    const raw = document([node('loop', 'test.pass')], [edge('loop.out', 'loop.in', 'e1')]);
    expect(diagnosticsOf(raw)).toEqual([
      {
        code: 'graph.cycle',
        message: 'cycle: "loop" → "loop"; a pipeline must be acyclic',
        severity: 'error',
        nodeId: 'loop',
        path: '/nodes/0',
      },
    ]);
  });

  it('reports each separate cycle once', () => {
    const raw = document(
      [node('a', 'test.pass'), node('b', 'test.pass'), node('c', 'test.pass'), node('d', 'test.pass')],
      [edge('a.out', 'b.in'), edge('b.out', 'a.in'), edge('c.out', 'd.in'), edge('d.out', 'c.in')],
    );
    expect(diagnosticsOf(raw).map((d) => d.message)).toEqual([
      'cycle: "a" → "b" → "a"; a pipeline must be acyclic',
      'cycle: "c" → "d" → "c"; a pipeline must be acyclic',
    ]);
  });

  it('lists the nodes of a knot of cycles that is not one simple cycle', () => {
    const raw = document(
      [node('a', 'test.merge'), node('b', 'test.merge'), node('c', 'test.merge')],
      [
        edge('a.metrics', 'b.metrics'),
        edge('b.metrics', 'a.metrics'),
        edge('b.metrics', 'c.metrics'),
        edge('c.metrics', 'b.metrics'),
      ],
    );
    expect(diagnosticsOf(raw)).toEqual([
      expect.objectContaining({
        code: 'graph.cycle',
        message: 'nodes "a", "b", "c" depend on each other in a cycle; a pipeline must be acyclic',
        nodeId: 'a',
      }),
    ]);
  });

  it('finds a cycle through nodes of unknown type too', () => {
    const raw = document(
      [node('a', 'test.pass'), node('x', 'acme.unknown')],
      [edge('a.out', 'x.in'), edge('x.out', 'a.in')],
    );
    expect(diagnosticsOf(raw).map((d) => d.code)).toEqual(['node.unknown-type', 'graph.cycle']);
  });
});

describe('compile: malformed documents', () => {
  it('passes the loader diagnostics through', () => {
    expect(diagnosticsOf('not a document')).toEqual([expect.objectContaining({ code: 'document.not-object' })]);
    expect(diagnosticsOf({ ...mlPipeline(), formatVersion: 99 })).toEqual([
      expect.objectContaining({ code: 'document.newer-format' }),
    ]);
    const noName: Partial<RawDocument> = mlPipeline();
    delete noName.name;
    expect(diagnosticsOf(noName)).toEqual([expect.objectContaining({ code: 'document.schema', path: '/name' })]);
  });

  it('passes structural diagnostics through without compiling further', () => {
    const raw = mlPipeline();
    raw.edges.push(edge('ghost.out', 'merge.metrics', 'e9'));
    raw.nodes.push(node('typo', 'acme.unknown'));
    expect(brief(diagnosticsOf(raw))).toEqual(['edge.unknown-node @/edges/6/from/node']);
  });
});

describe('compile: every problem in one pass', () => {
  it('reports problems of every kind together', () => {
    const raw = document(
      [
        node('load', 'test.source', { path: '', extra: 1 }),
        node('s', 'test.split', {}, '9.9.9'),
        node('x', 'acme.unknown'),
        node('t', 'test.train', { epochs: { $param: 'epochs' } }),
        node('e', 'test.evaluate'),
        node('m', 'test.merge', { on_conflict: 'sometimes' }),
        node('p', 'test.pass'),
        node('q', 'test.pass'),
      ],
      [
        edge('load.table', 't.train', 'e1'),
        edge('load.stats', 'e.model', 'e2'),
        edge('load.table', 'e.tst', 'e3'),
        edge('t.model', 'm.metrics', 'e4'),
        edge('p.out', 'q.in', 'e5'),
        edge('q.out', 'p.in', 'e6'),
        edge('load.table', 't.train', 'e7'),
      ],
      { epochs: { type: 'integer' } },
    );
    expect(brief(diagnosticsOf(raw, { parameters: { epochs: 'x', bogus: 1 } }))).toEqual([
      'parameter.unknown @/parameters',
      'parameter.bad-value @/parameters/epochs',
      'node.unknown-version @/nodes/1/version',
      'node.unknown-type @/nodes/2/type',
      'param.unknown @/nodes/0/params/extra',
      'param.invalid @/nodes/0/params/path',
      'param.invalid @/nodes/5/params/on_conflict',
      'edge.incompatible-types @/edges/1',
      'edge.unknown-port @/edges/2/to/port',
      'edge.incompatible-types @/edges/3',
      'edge.multiple-into-single @/edges/6',
      'input.unconnected @/nodes/4',
      'graph.cycle @/nodes/6',
    ]);
  });

  /** The ML pipeline with some of its split's parameters replaced. */
  const withSplitParams = (params: Record<string, unknown>): RawDocument => {
    const raw = mlPipeline();
    const nodes = raw.nodes as Array<{ id: string; params?: Record<string, unknown> }>;
    const split = nodes.find((n) => n.id === 'split') as { params?: Record<string, unknown> };
    split.params = { ...split.params, ...params };
    return raw;
  };

  it('reports the problems behind an undefined parameter reference too', () => {
    const raw = withSplitParams({ fraction: 1.5, seed: { $param: 'nowhere' } });
    expect(brief(diagnosticsOf(raw))).toEqual([
      'param.unknown-reference @/nodes/1/params/seed',
      'param.invalid @/nodes/1/params/fraction',
    ]);
  });

  it('does not judge a value left out for want of a parameter value, nor what holds it', () => {
    const raw = withSplitParams({ stratify: { column: { $param: 'nowhere' } }, fraction: 2 });
    expect(brief(diagnosticsOf(raw))).toEqual([
      'param.unknown-reference @/nodes/1/params/stratify/column',
      'param.invalid @/nodes/1/params/fraction',
    ]);
  });
});
