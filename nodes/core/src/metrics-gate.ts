import { defineNode, input, NodeError, output, Type } from '@loom/sdk';

export const metricsGate = defineNode({
  type: 'core.metrics_gate',
  version: '1.0.0',
  title: 'Metrics gate',
  description: 'Fails the run when a metric is out of bounds, so a worse model never moves on to deployment.',
  category: 'validate',
  inputs: { metrics: input('metrics') },
  params: Type.Object({
    rules: Type.Array(
      Type.Object(
        {
          metric: Type.String({ minLength: 1 }),
          min: Type.Optional(Type.Number()),
          max: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, description: 'Each rule names a metric and its lower and/or upper bound (inclusive).' },
    ),
  }),
  outputs: { metrics: output('metrics', { description: 'The input metrics, passed on when every rule holds.' }) },
  async run(ctx) {
    const problems: string[] = [];
    for (const rule of ctx.params.rules) {
      const found = ctx.inputs.metrics[rule.metric];
      if (typeof found !== 'number') {
        problems.push(`metric "${rule.metric}" is ${found === undefined ? 'missing' : 'not a number'}`);
        continue;
      }
      // Reported as the step's own metrics, so a failed gate still shows the numbers it judged.
      ctx.metric(rule.metric, found);
      if (rule.min !== undefined && found < rule.min)
        problems.push(`${rule.metric} = ${found} is below the minimum ${rule.min}`);
      if (rule.max !== undefined && found > rule.max)
        problems.push(`${rule.metric} = ${found} is above the maximum ${rule.max}`);
      if (rule.min === undefined && rule.max === undefined)
        problems.push(`rule for "${rule.metric}" sets neither min nor max`);
    }
    if (problems.length > 0) throw new NodeError(`quality gate failed: ${problems.join('; ')}`, { retryable: false });
    const count = ctx.params.rules.length;
    ctx.log.info(count === 1 ? 'the rule holds' : `all ${count} rules hold`);
    return { metrics: ctx.inputs.metrics };
  },
});
