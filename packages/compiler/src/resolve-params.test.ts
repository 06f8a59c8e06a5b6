import { defineNode, NodeRegistry, Type } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';

const unused = async () => ({});

const flat = defineNode({
  type: 'test.flat_defaults',
  version: '1.0.0',
  title: 'Flat',
  description: 'Top-level defaults only',
  category: 'utility',
  params: Type.Object({
    seed: Type.Integer({ default: 42 }),
    columns: Type.Array(Type.String(), { default: ['a', 'b'] }),
    label: Type.Optional(Type.String()),
  }),
  run: unused,
});

const nested = defineNode({
  type: 'test.nested_defaults',
  version: '1.0.0',
  title: 'Nested',
  description: 'Defaults inside a nested object',
  category: 'utility',
  params: Type.Object({
    split: Type.Object(
      { fraction: Type.Number({ default: 0.2 }), seed: Type.Integer({ default: 7 }) },
      { default: {} },
    ),
  }),
  run: unused,
});

const registry = new NodeRegistry([
  { definition: flat, source: 'test' },
  { definition: nested, source: 'test' },
]);

function planParams(nodes: Array<{ id: string; type: string; params?: Record<string, unknown> }>) {
  const document = {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'defaults',
    nodes: nodes.map((n) => ({ ...n, version: '1.0.0' })),
    edges: [],
  };
  const result = compile(document, registry);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return { document, params: Object.fromEntries(result.plan.steps.map((s) => [s.id, s.params])) };
}

describe('parameter defaults', () => {
  it('fills top-level defaults, keeps given values, and never shares default objects between steps', () => {
    const { params } = planParams([
      { id: 'a', type: 'test.flat_defaults' },
      { id: 'b', type: 'test.flat_defaults', params: { seed: 1, label: 'x' } },
      { id: 'c', type: 'test.flat_defaults' },
    ]);
    expect(params.a).toEqual({ seed: 42, columns: ['a', 'b'] });
    expect(params.b).toEqual({ seed: 1, label: 'x', columns: ['a', 'b'] });
    expect(params.a?.columns).not.toBe(params.c?.columns);
    expect(params.a?.columns).not.toBe(flat.params.properties.columns.default);
  });

  it('fills defaults nested inside objects, without writing into the document', () => {
    const { document, params } = planParams([
      { id: 'a', type: 'test.nested_defaults' },
      { id: 'b', type: 'test.nested_defaults', params: { split: { fraction: 0.5 } } },
    ]);
    expect(params.a).toEqual({ split: { fraction: 0.2, seed: 7 } });
    expect(params.b).toEqual({ split: { fraction: 0.5, seed: 7 } });
    expect(document.nodes[1]?.params).toEqual({ split: { fraction: 0.5 } });
  });
});
