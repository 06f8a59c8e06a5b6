import { type Static, Type } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import { type AnyNodeDefinition, defineNode } from './define-node.ts';
import type { ArtifactRef, Endpoint, Metrics } from './port-types.ts';
import { type InputPort, type InputValue, input, output } from './ports.ts';
import type { StepContext } from './step-context.ts';

const common = { title: 'T', description: 'D', category: 'utility' } as const;

describe('ctx.params', () => {
  it('is the static type of the TypeBox schema, defaults and optionals included', () => {
    defineNode({
      ...common,
      type: 'test.params',
      version: '1.0.0',
      params: Type.Object({
        path: Type.String(),
        fraction: Type.Number({ default: 0.2 }),
        seed: Type.Optional(Type.Integer()),
        mode: Type.Union([Type.Literal('fast'), Type.Literal('exact')], { default: 'fast' }),
        columns: Type.Array(Type.String(), { default: [] }),
      }),
      async run(ctx) {
        expectTypeOf(ctx.params.path).toEqualTypeOf<string>();
        // A default does not make the property optional: the runtime applies it before run().
        expectTypeOf(ctx.params.fraction).toEqualTypeOf<number>();
        expectTypeOf(ctx.params.seed).toEqualTypeOf<number | undefined>();
        expectTypeOf(ctx.params.mode).toEqualTypeOf<'fast' | 'exact'>();
        expectTypeOf(ctx.params.columns).toEqualTypeOf<string[]>();
        expectTypeOf(ctx.params).not.toHaveProperty('other');
        return {};
      },
    });
  });

  it('is an empty object without a schema', () => {
    defineNode({
      ...common,
      type: 'test.no_params',
      version: '1.0.0',
      async run(ctx) {
        expectTypeOf(ctx.params).toEqualTypeOf<{}>();
        return {};
      },
    });
  });

  it('is the same type the fingerprint sees', () => {
    const params = Type.Object({ url: Type.String() });
    defineNode({
      ...common,
      type: 'test.fingerprint',
      version: '1.0.0',
      params,
      fingerprint: async (ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<Static<typeof params>>();
        expectTypeOf(ctx.params.url).toEqualTypeOf<string>();
        return undefined;
      },
      run: async () => ({}),
    });
  });
});

describe('ctx.inputs', () => {
  it('types a single required input as the port value', () => {
    defineNode({
      ...common,
      type: 'test.single',
      version: '1.0.0',
      inputs: { data: input('json'), table: input('table'), metrics: input('metrics'), endpoint: input('endpoint') },
      async run(ctx) {
        expectTypeOf(ctx.inputs.table).toEqualTypeOf<ArtifactRef>();
        expectTypeOf(ctx.inputs.metrics).toEqualTypeOf<Metrics>();
        expectTypeOf(ctx.inputs.endpoint).toEqualTypeOf<Endpoint>();
        expectTypeOf(ctx.inputs.data).not.toBeUndefined();
        // @ts-expect-error: there is no such input
        void ctx.inputs.missing;
        return {};
      },
    });
  });

  it('types a multiple input as an array and an optional one as possibly undefined', () => {
    defineNode({
      ...common,
      type: 'test.flags',
      version: '1.0.0',
      inputs: {
        many: input('metrics', { multiple: true }),
        maybe: input('text', { required: false }),
        optionalMany: input('file', { required: false, multiple: true }),
        explicit: input('text', { required: true, multiple: false, description: 'd' }),
      },
      async run(ctx) {
        expectTypeOf(ctx.inputs.many).toEqualTypeOf<Metrics[]>();
        expectTypeOf(ctx.inputs.maybe).toEqualTypeOf<string | undefined>();
        // A multiple input is an array even when optional: unconnected, it is empty.
        expectTypeOf(ctx.inputs.optionalMany).toEqualTypeOf<ArtifactRef[]>();
        expectTypeOf(ctx.inputs.explicit).toEqualTypeOf<string>();
        return {};
      },
    });
  });

  it('keeps the flags as literal types on the port', () => {
    expectTypeOf(input('json')).toEqualTypeOf<InputPort<'json', true, false>>();
    expectTypeOf(input('json', { multiple: true })).toEqualTypeOf<InputPort<'json', true, true>>();
    expectTypeOf(input('json', { required: false })).toEqualTypeOf<InputPort<'json', false, false>>();
    expectTypeOf<InputValue<InputPort<'text', false, false>>>().toEqualTypeOf<string | undefined>();
  });

  it('accepts only known port types', () => {
    // @ts-expect-error: not a port type
    input('jsonn');
    // @ts-expect-error: not a port type
    output('image');
  });
});

describe('run', () => {
  it('must return a value of the right type for every output', () => {
    defineNode({
      ...common,
      type: 'test.outputs',
      version: '1.0.0',
      outputs: { text: output('text'), metrics: output('metrics') },
      run: async () => ({ text: 'ok', metrics: { accuracy: 0.9 } }),
    });
    defineNode({
      ...common,
      type: 'test.wrong_output',
      version: '1.0.0',
      outputs: { text: output('text') },
      // @ts-expect-error: text must be a string
      run: async () => ({ text: 42 }),
    });
    defineNode({
      ...common,
      type: 'test.missing_output',
      version: '1.0.0',
      outputs: { text: output('text'), metrics: output('metrics') },
      // @ts-expect-error: metrics is missing
      run: async () => ({ text: 'ok' }),
    });
  });

  it('receives the full step context', () => {
    defineNode({
      ...common,
      type: 'test.context',
      version: '1.0.0',
      async run(ctx) {
        expectTypeOf(ctx).toEqualTypeOf<StepContext<{}, {}>>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(ctx.artifacts.write).returns.resolves.toEqualTypeOf<ArtifactRef>();
        expectTypeOf(ctx.metric).parameter(1).toEqualTypeOf<number>();
        return {};
      },
    });
  });
});

describe('defineNode', () => {
  it('returns a definition that keeps the schema and port types', () => {
    const params = Type.Object({ n: Type.Number() });
    const node = defineNode({
      ...common,
      type: 'test.result',
      version: '1.0.0',
      params,
      inputs: { in: input('json') },
      outputs: { out: output('onnx') },
      run: async () => ({ out: { sha256: '', size: 0, path: '' } }),
    });
    expectTypeOf(node.params).toEqualTypeOf<typeof params>();
    expectTypeOf(node.inputs.in).toEqualTypeOf<InputPort<'json', true, false>>();
    expectTypeOf(node.outputs.out.type).toEqualTypeOf<'onnx'>();
    expectTypeOf(node.resources.backend).toEqualTypeOf<'cpu' | 'gpu' | 'kubernetes'>();
    expectTypeOf(node.timeoutMs).toEqualTypeOf<number>();
    expectTypeOf(node).toExtend<AnyNodeDefinition>();
  });
});
