import { defineNode, type JsonValue, output, Type } from '@loom/sdk';

export const value = defineNode({
  type: 'core.value',
  version: '1.0.0',
  title: 'Value',
  description: 'Emits a constant JSON value, or a pipeline parameter’s value, for other nodes to use.',
  category: 'utility',
  params: Type.Object({
    value: Type.Optional(
      Type.Unknown({ description: 'Any JSON value; bind it to a pipeline parameter to feed run-time settings.' }),
    ),
  }),
  outputs: { value: output('json') },
  async run(ctx) {
    return { value: (ctx.params.value ?? null) as JsonValue };
  },
});
