import { relative } from 'node:path';
import { type GpuResources, type NodeRegistry, parameterJsonSchema, type RegisteredNode } from '@loom/sdk';
import pc from 'picocolors';
import { alignColumns, renderTable } from '../format.ts';
import { type ParameterSummary, shortDescription, summarizeParameters } from '../parameter-summary.ts';
import { UserError } from '../user-error.ts';

interface CatalogPort {
  name: string;
  type: string;
  description?: string;
  required?: boolean;
  multiple?: boolean;
}

/** The catalog entry of one node type version, as `loom nodes --json` prints it. */
export function catalogEntry(
  registry: NodeRegistry,
  type: string,
  version: string,
): Record<string, unknown> | undefined {
  const entry = registry.get(type, version);
  if (entry === undefined) return undefined;
  const { definition } = entry;
  const ports = (ports: Record<string, Omit<CatalogPort, 'name'>>): CatalogPort[] =>
    Object.entries(ports).map(([name, port]) => ({ name, ...port }));
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

/**
 * `loom nodes [TYPE]`: every installed node type and version, as a table of their ports followed by
 * each one's parameters; with TYPE (`core.metrics_gate` or `core.metrics_gate@1.0.0`), that node in full.
 */
export function nodesCommand(options: { json?: boolean }, registry: NodeRegistry, type?: string): number {
  const chosen = type === undefined ? registry.all() : nodesNamed(registry, type);
  const entries = chosen.map((e) => catalogEntry(registry, e.definition.type, e.definition.version));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  if (type !== undefined) {
    process.stdout.write(`${chosen.map((e) => describeNode(e)).join('\n\n')}\n`);
    return 0;
  }
  const describePorts = (ports: unknown) =>
    (ports as CatalogPort[]).map((p) => `${p.name}:${p.type}`).join(', ') || pc.dim('—');
  const rows = chosen.map((e, i) => [
    `${e.definition.type}${pc.dim(`@${e.definition.version}`)}`,
    e.definition.category,
    describePorts(entries[i]?.inputs),
    describePorts(entries[i]?.outputs),
    e.definition.title,
    describeSource(e),
  ]);
  const parameters = chosen.map(
    (e) => `${nodeHeading(e)}\n${parameterTable(summarizeParameters(parameterJsonSchema(e.definition.params)))}`,
  );
  process.stdout.write(
    `${[
      renderTable(['node', 'category', 'inputs', 'outputs', 'title', 'source'], rows),
      `${pc.bold('Parameters')} ${pc.dim('(`loom nodes TYPE` shows one node in full)')}`,
      ...parameters,
    ].join('\n\n')}\n`,
  );
  return 0;
}

/** The registered versions of `type` (`name` or `name@version`); an unknown one is a UserError naming near matches. */
function nodesNamed(registry: NodeRegistry, type: string): RegisteredNode[] {
  const at = type.lastIndexOf('@');
  const [name, version] = at > 0 ? [type.slice(0, at), type.slice(at + 1)] : [type, undefined];
  const versions = registry.versions(name);
  if (versions.length === 0) {
    const near = registry
      .latest()
      .map((e) => e.definition.type)
      .filter((known) => known.includes(name) || name.includes(known.split('.').pop() ?? known));
    const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : '; `loom nodes` lists them';
    throw new UserError(`loom nodes: no node type "${name}" is installed${hint}`);
  }
  if (version !== undefined && !versions.includes(version)) {
    throw new UserError(`loom nodes: ${name} has no version ${version}; installed: ${versions.join(', ')}`);
  }
  return (version === undefined ? versions : [version]).flatMap((v) => registry.get(name, v) ?? []);
}

function nodeHeading(entry: RegisteredNode): string {
  const { definition } = entry;
  return `${pc.bold(definition.type)}${pc.dim(`@${definition.version}`)}  ${definition.title}`;
}

/** The parameters, one aligned row each, with the first sentence of each description. */
function parameterTable(parameters: ParameterSummary[]): string {
  if (parameters.length === 0) return `  ${pc.dim('no parameters')}`;
  const header = ['parameter', 'type', 'default', 'allowed', 'description'].map((cell) => pc.dim(cell));
  const rows = parameters.map((p) => [p.name, p.type, p.default, p.allowed, shortDescription(p.description)]);
  return indent(renderTable(header, rows), 2);
}

/** `, 1 GPU (8192 MB free, else CPU)`, or nothing for a node that needs no GPU. */
export function gpuText(gpu: GpuResources): string {
  if (gpu.count <= 0) return '';
  const notes = [...(gpu.memoryMb > 0 ? [`${gpu.memoryMb} MB free`] : []), ...(gpu.cpuFallback ? ['else CPU'] : [])];
  return `, ${gpu.count} GPU${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** One node in full: its description, where it comes from, what it needs, its ports and every parameter. */
function describeNode(entry: RegisteredNode): string {
  const { definition } = entry;
  const { cpu, memoryMb, gpu, backend } = definition.resources;
  const facts = alignColumns([
    ['category', definition.category],
    ['source', describeSource(entry)],
    ['resources', `${cpu} CPU, ${memoryMb} MB memory${gpuText(gpu)}, ${backend} backend`],
    ['cacheable', definition.cacheable ? 'yes' : 'no (always runs)'],
  ]);
  const ports = (title: string, ports: Record<string, Omit<CatalogPort, 'name'>>, isInput: boolean) => {
    const rows = Object.entries(ports).map(([name, port]) => [
      name,
      port.type,
      ...(isInput
        ? [[port.required === false ? 'optional' : 'required', ...(port.multiple ? ['several edges'] : [])].join(', ')]
        : []),
      port.description ?? '',
    ]);
    return `${pc.bold(title)}\n${rows.length === 0 ? `  ${pc.dim('none')}` : indent(alignColumns(rows), 2)}`;
  };
  const parameters = summarizeParameters(parameterJsonSchema(definition.params)).map((p) =>
    [
      `  ${pc.bold(p.name)}  ${p.type}`,
      `    default  ${p.default}`,
      ...(p.allowed === '' ? [] : [`    allowed  ${p.allowed}`]),
      ...(p.description === '' ? [] : [`    ${p.description}`]),
    ].join('\n'),
  );
  return [
    nodeHeading(entry),
    definition.description,
    facts,
    ports('inputs', definition.inputs, true),
    ports('outputs', definition.outputs, false),
    `${pc.bold('parameters')}\n${parameters.length === 0 ? `  ${pc.dim('none')}` : parameters.join('\n\n')}`,
  ].join('\n\n');
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(spaces) + line))
    .join('\n');
}

/** `@acme/loom-text@1.2.0 (plugins/loom-text)`: the package, and how it was found. */
function describeSource(entry: RegisteredNode): string {
  const { plugin } = entry;
  if (plugin === undefined) return entry.source;
  if (plugin.origin === 'builtin') return `${entry.source} ${pc.dim('(built-in)')}`;
  const where = plugin.path === undefined ? plugin.origin : relative(process.cwd(), plugin.path) || '.';
  return `${entry.source} ${pc.dim(`(${plugin.origin === 'npm' ? 'npm: ' : ''}${where})`)}`;
}
