import { defineNode, input, type Metrics, NodeError, output, Type } from '@loom/sdk';

/** Follows a JSON Pointer (RFC 6901) into a value. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export const jsonToMetrics = defineNode({
  type: 'core.json_to_metrics',
  version: '1.0.0',
  title: 'JSON to metrics',
  description: 'Picks numbers out of a JSON value by JSON Pointer and names them as metrics.',
  category: 'utility',
  inputs: { data: input('json') },
  params: Type.Object({
    fields: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^(/.*)?$' }), {
      description: 'Metric name → JSON Pointer to a number, e.g. { "accuracy": "/eval/acc" }.',
    }),
  }),
  outputs: { metrics: output('metrics') },
  async run(ctx) {
    const metrics: Metrics = {};
    for (const [name, pointer] of Object.entries(ctx.params.fields)) {
      const found = resolvePointer(ctx.inputs.data, pointer);
      if (typeof found !== 'number' || !Number.isFinite(found)) {
        throw new NodeError(
          `metric "${name}": ${pointer} is ${found === undefined ? 'missing' : `not a number (${JSON.stringify(found)})`}`,
          {
            retryable: false,
          },
        );
      }
      metrics[name] = found;
      ctx.metric(name, found);
    }
    return { metrics };
  },
});
