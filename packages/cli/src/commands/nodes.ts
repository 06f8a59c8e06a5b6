import { relative } from 'node:path';
import { type NodeRegistry, parameterJsonSchema, type RegisteredNode } from '@loom/sdk';
import pc from 'picocolors';
import { renderTable } from '../format.ts';

/** The catalog entry of one node type version, as `loom nodes --json` prints it. */
export function catalogEntry(
  registry: NodeRegistry,
  type: string,
  version: string,
): Record<string, unknown> | undefined {
  const entry = registry.get(type, version);
  if (entry === undefined) return undefined;
  const { definition } = entry;
  const ports = (
    ports: Record<string, { type: string; description?: string; required?: boolean; multiple?: boolean }>,
  ) => Object.entries(ports).map(([name, port]) => ({ name, ...port }));
  return {
    type: definition.type,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    source: entry.source,
    ...(entry.plugin === undefined ? {} : { plugin: entry.plugin }),
    inputs: ports(definition.inputs),
    outputs: ports(definition.outputs),
    params: parameterJsonSchema(definition.params),
    resources: definition.resources,
  };
}

/** `loom nodes`: every installed node type and version. */
export function nodesCommand(options: { json?: boolean }, registry: NodeRegistry): number {
  const entries = registry.all().map((e) => catalogEntry(registry, e.definition.type, e.definition.version));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  const describePorts = (ports: unknown) =>
    (ports as Array<{ name: string; type: string }>).map((p) => `${p.name}:${p.type}`).join(', ') || pc.dim('—');
  const rows = registry
    .all()
    .map((e, i) => [
      `${e.definition.type}${pc.dim(`@${e.definition.version}`)}`,
      e.definition.category,
      describePorts(entries[i]?.inputs),
      describePorts(entries[i]?.outputs),
      e.definition.title,
      describeSource(e),
    ]);
  process.stdout.write(`${renderTable(['node', 'category', 'inputs', 'outputs', 'title', 'source'], rows)}\n`);
  return 0;
}

/** `@acme/loom-text@1.2.0 (plugins/loom-text)`: the package, and how it was found. */
function describeSource(entry: RegisteredNode): string {
  const { plugin } = entry;
  if (plugin === undefined) return entry.source;
  if (plugin.origin === 'builtin') return `${entry.source} ${pc.dim('(built-in)')}`;
  const where = plugin.path === undefined ? plugin.origin : relative(process.cwd(), plugin.path) || '.';
  return `${entry.source} ${pc.dim(`(${plugin.origin === 'npm' ? 'npm: ' : ''}${where})`)}`;
}
