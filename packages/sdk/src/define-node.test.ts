import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineNode } from './define-node.ts';
import { input, output } from './ports.ts';

const base = {
  type: 'test.node',
  version: '1.0.0',
  title: 'Test node',
  description: 'For tests.',
  category: 'utility',
  run: async () => ({}),
} as const;

describe('defineNode', () => {
  it('fills in every default', () => {
    const node = defineNode(base);
    expect(node.inputs).toEqual({});
    expect(node.outputs).toEqual({});
    expect(node.params).toMatchObject({ type: 'object', properties: {} });
    expect(node.resources).toEqual({
      cpu: 1,
      memoryMb: 512,
      gpu: { count: 0, memoryMb: 0, cpuFallback: false },
      backend: 'cpu',
    });
    expect(node.retry).toEqual({ retries: 0, backoffMs: 1000, maxBackoffMs: 60_000 });
    expect(node.timeoutMs).toBe(600_000);
    expect(node.cacheable).toBe(true);
  });

  it('keeps the descriptive fields and run as given', () => {
    const node = defineNode(base);
    expect(node).toMatchObject({
      type: 'test.node',
      version: '1.0.0',
      title: 'Test node',
      description: 'For tests.',
      category: 'utility',
    });
    expect(node.run).toBe(base.run);
  });

  it('sends a node that needs a GPU to the gpu backend', () => {
    expect(defineNode({ ...base, resources: { gpu: 1 } }).resources).toEqual({
      cpu: 1,
      memoryMb: 512,
      gpu: { count: 1, memoryMb: 0, cpuFallback: false },
      backend: 'gpu',
    });
  });

  it('takes the long GPU form and fills in what it leaves out', () => {
    expect(
      defineNode({ ...base, resources: { gpu: { count: 2, memoryMb: 8192, cpuFallback: true } } }).resources,
    ).toEqual({
      cpu: 1,
      memoryMb: 512,
      gpu: { count: 2, memoryMb: 8192, cpuFallback: true },
      backend: 'gpu',
    });
    expect(defineNode({ ...base, resources: { gpu: { count: 1 } } }).resources.gpu).toEqual({
      count: 1,
      memoryMb: 0,
      cpuFallback: false,
    });
    expect(defineNode({ ...base, resources: { gpu: { count: 0, cpuFallback: true } } }).resources.backend).toBe('cpu');
  });

  it('refuses a negative or non-finite GPU count or memory', () => {
    expect(() => defineNode({ ...base, resources: { gpu: -1 } })).toThrow(
      'defineNode(test.node): resources.gpu.count must be a number of at least 0, not -1',
    );
    expect(() => defineNode({ ...base, resources: { gpu: { count: 1, memoryMb: Number.NaN } } })).toThrow(
      'resources.gpu.memoryMb must be a number of at least 0, not NaN',
    );
  });

  it('lets an explicit backend win over the GPU rule', () => {
    expect(defineNode({ ...base, resources: { gpu: 2, backend: 'kubernetes' } }).resources.backend).toBe('kubernetes');
    expect(defineNode({ ...base, resources: { backend: 'kubernetes' } }).resources.backend).toBe('kubernetes');
  });

  it('keeps given resources and fills only the missing ones', () => {
    expect(defineNode({ ...base, resources: { cpu: 4, memoryMb: 8192 } }).resources).toEqual({
      cpu: 4,
      memoryMb: 8192,
      gpu: { count: 0, memoryMb: 0, cpuFallback: false },
      backend: 'cpu',
    });
  });

  it('merges a partial retry policy with the defaults', () => {
    expect(defineNode({ ...base, retry: { retries: 3 } }).retry).toEqual({
      retries: 3,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
    });
    expect(defineNode({ ...base, retry: { backoffMs: 5, maxBackoffMs: 50 } }).retry).toEqual({
      retries: 0,
      backoffMs: 5,
      maxBackoffMs: 50,
    });
  });

  it('keeps a given timeout and cacheable: false', () => {
    const node = defineNode({ ...base, timeoutMs: 1234, cacheable: false });
    expect(node.timeoutMs).toBe(1234);
    expect(node.cacheable).toBe(false);
  });

  it('keeps ports and the parameter schema as given', () => {
    const params = Type.Object({ n: Type.Number() });
    const node = defineNode({
      ...base,
      inputs: { a: input('json') },
      outputs: { b: output('metrics') },
      params,
      run: async () => ({ b: {} }),
    });
    expect(node.params).toBe(params);
    expect(node.inputs).toEqual({ a: { type: 'json', required: true, multiple: false } });
    expect(node.outputs).toEqual({ b: { type: 'metrics' } });
  });

  it.each(['core.read_json', 'acme.images.resize_v2', 'a.b'])('accepts the type name %j', (type) => {
    expect(defineNode({ ...base, type }).type).toBe(type);
  });

  it.each(['readjson', 'Core.read', 'core.Read', 'core.read-json', '1core.read', 'core..read', 'core.', '.core', ''])(
    'rejects the type name %j',
    (type) => {
      expect(() => defineNode({ ...base, type })).toThrow(`type "${type}" must be dotted lower-case words`);
    },
  );

  it.each(['1.0.0', '0.0.1', '10.20.30', '1.0.0-beta.1', '2.0.0-rc-1'])('accepts the version %j', (version) => {
    expect(defineNode({ ...base, version }).version).toBe(version);
  });

  it.each(['1', '1.0', 'v1.0.0', '1.0.0.0', '1.0.0+build', '1.0.x', ''])('rejects the version %j', (version) => {
    expect(() => defineNode({ ...base, version })).toThrow(`defineNode(test.node): version "${version}" is not semver`);
  });
});

describe('input', () => {
  it('is required and single by default', () => {
    expect(input('table')).toEqual({ type: 'table', required: true, multiple: false });
  });

  it('keeps required: false, multiple: true and a description', () => {
    expect(input('metrics', { required: false, multiple: true, description: 'd' })).toEqual({
      type: 'metrics',
      required: false,
      multiple: true,
      description: 'd',
    });
  });

  it('has no description key when none is given', () => {
    expect(Object.keys(input('json', { required: false }))).toEqual(['type', 'required', 'multiple']);
  });

  it('marks an evaluation input, and only when asked', () => {
    expect(input('table', { evaluation: true })).toEqual({
      type: 'table',
      required: true,
      multiple: false,
      evaluation: true,
    });
    expect('evaluation' in input('table', { evaluation: false })).toBe(false);
  });
});

describe('output', () => {
  it('carries its type and an optional description', () => {
    expect(output('onnx')).toEqual({ type: 'onnx' });
    expect(Object.keys(output('onnx'))).toEqual(['type']);
    expect(output('model', { description: 'the fit' })).toEqual({ type: 'model', description: 'the fit' });
  });

  it('carries a row flow', () => {
    expect(output('table', { rows: { from: 'table', heldOut: true } })).toEqual({
      type: 'table',
      rows: { from: 'table', heldOut: true },
    });
  });
});

describe('defineNode row flows', () => {
  const transform = {
    type: 'test.fit',
    version: '1.0.0',
    title: 'Fit',
    description: '',
    category: 'transform',
    inputs: { table: input('table') },
    params: Type.Object({ strategy: Type.String({ default: 'mean' }) }),
    run: async () => ({ table: { sha256: '', size: 0, path: '' } }),
  } as const;

  it('accepts flows from an input, fitting always or by a parameter', () => {
    expect(() =>
      defineNode({ ...transform, outputs: { table: output('table', { rows: { from: 'table', fits: true } }) } }),
    ).not.toThrow();
    const byParam = { from: 'table', fits: { param: 'strategy', in: ['mean'] } };
    expect(() => defineNode({ ...transform, outputs: { table: output('table', { rows: byParam }) } })).not.toThrow();
  });

  it('refuses a flow from an input the node does not have, naming its inputs', () => {
    expect(() => defineNode({ ...transform, outputs: { table: output('table', { rows: { from: 'data' } }) } })).toThrow(
      'defineNode(test.fit): output "table" takes its rows from "data", which is not an input; its inputs are: table',
    );
  });

  it('carries a column flow from an input, and refuses one from an input the node does not have', () => {
    const kept = defineNode({ ...transform, outputs: { table: output('table', { columns: { from: 'table' } }) } });
    expect(kept.outputs.table.columns).toEqual({ from: 'table' });
    expect(() =>
      defineNode({ ...transform, outputs: { table: output('table', { columns: { from: 'rows' } }) } }),
    ).toThrow(
      'defineNode(test.fit): output "table" has the columns of "rows", which is not an input; its inputs are: table',
    );
  });

  it('refuses a fit that depends on a parameter the node does not have', () => {
    const rows = { from: 'table', fits: { param: 'method', in: ['mean'] } };
    expect(() => defineNode({ ...transform, outputs: { table: output('table', { rows }) } })).toThrow(
      'output "table" fits depending on parameter "method", which the node does not have',
    );
  });
});

describe('defineNode port names', () => {
  it('refuses a port name that is not an identifier, naming it', () => {
    expect(() =>
      defineNode({
        type: 'test.bad_port',
        version: '1.0.0',
        title: 'Bad port',
        description: '',
        category: 'utility',
        outputs: { 'train data': output('table') },
        run: async () => ({ 'train data': { sha256: '', size: 0, path: '' } }),
      }),
    ).toThrow('port name "train data" must be letters, digits and _');
  });
});
