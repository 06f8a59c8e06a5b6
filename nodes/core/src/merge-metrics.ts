import { defineNode, type InputSource, input, type Metrics, NodeError, output, Type } from '@loom/sdk';

const metricsInput = input('metrics', { multiple: true, description: 'Metrics sets, merged in connection order.' });

/**
 * 2.0.0 names a clash after where each value came from (`candidate.accuracy`, `baseline.accuracy`)
 * instead of numbering it (`accuracy_2`), which said nothing about which set was which.
 */
export const mergeMetrics = defineNode({
  type: 'core.merge_metrics',
  version: '2.0.0',
  title: 'Merge metrics',
  description:
    'Combines several metrics sets into one, e.g. to compare models side by side. A name that several sets share is ' +
    'kept once per set, prefixed with the id of the node it came from (candidate.accuracy, baseline.accuracy), or ' +
    'node.port when one node feeds several sets.',
  category: 'utility',
  inputs: { metrics: metricsInput },
  params: Type.Object({
    on_conflict: Type.Union([Type.Literal('prefix'), Type.Literal('last'), Type.Literal('error')], {
      default: 'prefix',
      description:
        'When several sets share a name: keep each, named source.name after the node it came from (prefix), keep the ' +
        'later one (last), or fail (error).',
    }),
  }),
  outputs: { metrics: output('metrics') },
  migrate: {
    from: '1.0.0',
    params: (previous) => ({
      ...previous,
      ...(previous.on_conflict === 'number' ? { on_conflict: 'prefix' as const } : {}),
    }),
  },
  async run(ctx) {
    const sets = ctx.inputs.metrics;
    if (ctx.params.on_conflict !== 'prefix') return { metrics: mergeInOrder(sets, ctx.params.on_conflict) };
    const labels = sourceLabels(ctx.sources.metrics ?? [], sets.length);
    const setsWith = new Map<string, number>();
    for (const set of sets) for (const name of Object.keys(set)) setsWith.set(name, (setsWith.get(name) ?? 0) + 1);
    const merged: Metrics = {};
    sets.forEach((set, i) => {
      for (const [name, metric] of Object.entries(set)) {
        const key = (setsWith.get(name) ?? 0) > 1 ? `${labels[i]}.${name}` : name;
        if (Object.hasOwn(merged, key)) {
          throw new NodeError(
            `two merged metrics would both be named "${key}" (the second from input ${i + 1}, ${labels[i]}): rename one upstream, or set on_conflict to last or error`,
            { retryable: false },
          );
        }
        merged[key] = metric;
      }
    });
    return { metrics: merged };
  },
});

/**
 * What each set is called in a prefixed name: its node's id, or `node.port` where one node feeds
 * several sets, or `input_N` for a set whose source is unknown (no connections were recorded).
 */
function sourceLabels(sources: readonly InputSource[], count: number): string[] {
  const perNode = new Map<string, number>();
  for (const source of sources) perNode.set(source.node, (perNode.get(source.node) ?? 0) + 1);
  return Array.from({ length: count }, (_, i) => {
    const source = sources[i];
    if (source === undefined) return `input_${i + 1}`;
    return (perNode.get(source.node) ?? 0) > 1 ? `${source.node}.${source.port}` : source.node;
  });
}

function mergeInOrder(sets: readonly Metrics[], onConflict: 'last' | 'error' | 'number'): Metrics {
  const merged: Metrics = {};
  for (const set of sets) {
    for (const [name, metric] of Object.entries(set)) {
      if (!Object.hasOwn(merged, name) || onConflict === 'last') {
        merged[name] = metric;
        continue;
      }
      if (onConflict === 'error') {
        throw new NodeError(`metric "${name}" appears in more than one input`, { retryable: false });
      }
      let n = 2;
      while (Object.hasOwn(merged, `${name}_${n}`)) n++;
      merged[`${name}_${n}`] = metric;
    }
  }
  return merged;
}

/** 1.0.0, kept installed so documents that pin it (and rules on its `accuracy_2` names) run as before. */
export const mergeMetricsV1 = defineNode({
  type: 'core.merge_metrics',
  version: '1.0.0',
  title: 'Merge metrics',
  description: 'Combines several metrics sets into one, e.g. to compare models side by side.',
  category: 'utility',
  inputs: { metrics: metricsInput },
  params: Type.Object({
    on_conflict: Type.Union([Type.Literal('error'), Type.Literal('last'), Type.Literal('number')], {
      default: 'number',
      description:
        'When two sets share a name: fail (error), keep the later one (last), or keep both as name, name_2, … (number).',
    }),
  }),
  outputs: { metrics: output('metrics') },
  async run(ctx) {
    return { metrics: mergeInOrder(ctx.inputs.metrics, ctx.params.on_conflict) };
  },
});
