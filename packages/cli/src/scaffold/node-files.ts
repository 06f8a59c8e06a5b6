import { serializeDocument } from '@loom/graph';
import { EXAMPLE_NODE, exampleNodeType, type PluginTemplateOptions, type ScaffoldFile } from './scaffold-file.ts';

/** The plugin's code: its entry, the example node and that node's test, and a pipeline that runs it. */
export function nodeFiles(options: PluginTemplateOptions): ScaffoldFile[] {
  const { file } = EXAMPLE_NODE;
  return [
    { path: 'src/index.ts', content: indexSource() },
    { path: `src/${file}.ts`, content: nodeSource(exampleNodeType(options)) },
    { path: `src/${file}.test.ts`, content: nodeTest(exampleNodeType(options)) },
    { path: 'example.loom.json', content: examplePipeline(options) },
  ];
}

function indexSource(): string {
  const { file, exportName } = EXAMPLE_NODE;
  return `import { ${exportName} } from './${file}.ts';

/**
 * What Loom imports from this plugin: every node it provides, exactly those that package.json lists
 * under \`loom.nodes\` (Loom refuses the plugin when the two differ). A plugin that adds port types
 * exports them too, as \`portTypes\` (an array of \`definePortType(…)\`).
 */
export const nodes = [${exportName}];
`;
}

function nodeSource(type: string): string {
  return `import { defineNode, input, type Metrics, output, Type } from '@loom/sdk';

/**
 * Multiplies each number of a metrics set by a factor, e.g. to show accuracies as percentages; curves
 * and matrices pass through unchanged. A starting point: make it your own node (see README.md).
 */
export const ${EXAMPLE_NODE.exportName} = defineNode({
  // A saved pipeline pins type and version: give a changed node a new version (README.md says how).
  type: '${type}',
  version: '${EXAMPLE_NODE.version}',
  title: 'Scale metrics',
  description: 'Multiplies each number of a metrics set by a factor, e.g. 100 to show fractions as percentages.',
  category: 'utility',
  inputs: { metrics: input('metrics', { description: 'The metrics to scale.' }) },
  // One schema types ctx.params, checks pipeline documents and draws the designer's form.
  params: Type.Object({
    factor: Type.Number({ default: 100, description: 'What each number is multiplied by.' }),
    digits: Type.Integer({
      minimum: 0,
      maximum: 15,
      default: 2,
      description: 'Decimal places each result is rounded to.',
    }),
  }),
  outputs: { metrics: output('metrics', { description: 'The same names, their numbers scaled.' }) },
  async run(ctx) {
    const scaled: Metrics = {};
    for (const [name, value] of Object.entries(ctx.inputs.metrics)) {
      scaled[name] = typeof value === 'number' ? round(value * ctx.params.factor, ctx.params.digits) : value;
    }
    ctx.log.info(\`scaled \${Object.keys(scaled).length} metrics by \${ctx.params.factor}\`);
    return { metrics: scaled };
  },
});

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
`;
}

function nodeTest(type: string): string {
  const { file, exportName } = EXAMPLE_NODE;
  return `import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { ${exportName} } from './${file}.ts';

// runNode runs one node as Loom would, without a pipeline: parameters checked against the schema
// (defaults filled in), and everything the node logged and reported kept for assertions.
describe('${type}', () => {
  it('turns fractions into percentages by default', async () => {
    const result = await runNode(${exportName}, { inputs: { metrics: { accuracy: 0.91234, f1: 0.8 } } });
    expect(result.outputs.metrics).toEqual({ accuracy: 91.23, f1: 80 });
    expect(result.logs).toEqual([{ level: 'info', message: 'scaled 2 metrics by 100' }]);
    await result.cleanup();
  });

  it('takes its factor and rounding from the parameters', async () => {
    const result = await runNode(${exportName}, {
      params: { factor: 0.001, digits: 1 },
      inputs: { metrics: { duration_ms: 1234 } },
    });
    expect(result.outputs.metrics).toEqual({ duration_ms: 1.2 });
    await result.cleanup();
  });

  it('passes curves and matrices through unchanged', async () => {
    const loss = { kind: 'curve' as const, x: [1, 2], y: [0.5, 0.25] };
    const result = await runNode(${exportName}, { inputs: { metrics: { loss } } });
    expect(result.outputs.metrics).toEqual({ loss });
    await result.cleanup();
  });

  it('refuses parameters outside the schema', async () => {
    await expect(runNode(${exportName}, { params: { digits: -1 }, inputs: { metrics: {} } })).rejects.toThrow(
      /invalid params: \\/digits/,
    );
  });
});
`;
}

/** A pipeline that feeds the example node: a report as a value, its numbers picked out as metrics, scaled. */
function examplePipeline(options: PluginTemplateOptions): string {
  return serializeDocument({
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'scale-metrics-example',
    description: `Turns an evaluation report's fractions into percentages with ${exampleNodeType(options)}.`,
    nodes: [
      {
        id: 'report',
        type: 'core.value',
        version: '1.0.0',
        params: { value: { accuracy: 0.91234, f1: 0.8766 } },
        ui: { position: { x: 0, y: 0 }, label: 'Evaluation report' },
      },
      {
        id: 'metrics',
        type: 'core.json_to_metrics',
        version: '1.0.0',
        params: { fields: { accuracy: '/accuracy', f1: '/f1' } },
        ui: { position: { x: 280, y: 0 } },
      },
      {
        id: 'percent',
        type: exampleNodeType(options),
        version: EXAMPLE_NODE.version,
        params: { factor: 100, digits: 1 },
        ui: { position: { x: 560, y: 0 }, label: 'As percentages' },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'report', port: 'value' }, to: { node: 'metrics', port: 'data' } },
      { id: 'e2', from: { node: 'metrics', port: 'metrics' }, to: { node: 'percent', port: 'metrics' } },
    ],
  });
}
