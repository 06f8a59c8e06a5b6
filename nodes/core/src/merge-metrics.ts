import { defineNode, input, type Metrics, NodeError, output, Type } from '@loom/sdk';

export const mergeMetrics = defineNode({
  type: 'core.merge_metrics',
  version: '1.0.0',
  title: 'Merge metrics',
  description: 'Combines several metrics sets into one, e.g. to compare models side by side.',
  category: 'utility',
  inputs: { metrics: input('metrics', { multiple: true, description: 'Metrics sets, merged in connection order.' }) },
  params: Type.Object({
    on_conflict: Type.Union([Type.Literal('error'), Type.Literal('last'), Type.Literal('number')], {
      default: 'number',
      description:
        'When two sets share a name: fail (error), keep the later one (last), or keep both as name, name_2, … (number).',
    }),
  }),
  outputs: { metrics: output('metrics') },
  async run(ctx) {
    const merged: Metrics = {};
    for (const set of ctx.inputs.metrics) {
      for (const [name, metric] of Object.entries(set)) {
        if (!Object.hasOwn(merged, name) || ctx.params.on_conflict === 'last') {
          merged[name] = metric;
          continue;
        }
        if (ctx.params.on_conflict === 'error') {
          throw new NodeError(`metric "${name}" appears in more than one input`, { retryable: false });
        }
        let n = 2;
        while (Object.hasOwn(merged, `${name}_${n}`)) n++;
        merged[`${name}_${n}`] = metric;
      }
    }
    return { metrics: merged };
  },
});
