import { type NodeRegistry, parameterJsonSchema, type RegisteredNode } from '@loom/sdk';
import type { CatalogNode, NodeCatalog } from './schemas/nodes.ts';

/**
 * The catalog a server sends its designer: every installed node type version (from definitions only,
 * so no node's run-time libraries load) and every port type.
 *
 * @example
 * nodeCatalog(registry).nodes.find((n) => n.type === 'core.read_json')?.params; // JSON Schema
 */
export function nodeCatalog(registry: NodeRegistry): NodeCatalog {
  const latest = new Set(registry.latest());
  return {
    nodes: registry.all().map((entry) => catalogNode(entry, latest.has(entry))),
    portTypes: registry.portTypes().map((type) => {
      const { name, description, storage, color } = type;
      return type.extends === undefined
        ? { name, description, storage, color }
        : { name, description, storage, extends: type.extends, color };
    }),
  };
}

function catalogNode(entry: RegisteredNode, latest: boolean): CatalogNode {
  const { definition } = entry;
  const inputs = Object.entries(definition.inputs as Record<string, InputPortLike>).map(([name, port]) =>
    withDescription({ name, type: port.type, required: port.required, multiple: port.multiple }, port.description),
  );
  const outputs = Object.entries(definition.outputs as Record<string, OutputPortLike>).map(([name, port]) =>
    withDescription({ name, type: port.type }, port.description),
  );
  return {
    type: definition.type,
    version: definition.version,
    latest,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    source: entry.source,
    inputs,
    outputs,
    params: parameterJsonSchema(definition.params),
    resources: { ...definition.resources },
    retry: { ...definition.retry },
    timeoutMs: definition.timeoutMs,
    cacheable: definition.cacheable,
  };
}

interface OutputPortLike {
  type: string;
  description?: string;
}

interface InputPortLike extends OutputPortLike {
  required: boolean;
  multiple: boolean;
}

function withDescription<T extends object>(port: T, description: string | undefined): T & { description?: string } {
  return description === undefined ? port : { ...port, description };
}
