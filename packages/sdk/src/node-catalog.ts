import { KindGuard, type TObject } from '@sinclair/typebox';
import { type AnyNodeDefinition, defineNode, type NodeResources } from './define-node.ts';
import { type NodeRegistration, NodeRegistry, type PluginOrigin, type RegisteredNode } from './node-registry.ts';
import { parameterJsonSchema } from './parameter-schema.ts';
import { BUILTIN_PORT_TYPES, type PortStorage, type PortTypeDefinition } from './port-types.ts';
import type { ColumnFlow, InputPort, OutputPort, RowFlow } from './ports.ts';
import { typeBoxFromJsonSchema } from './typebox-from-json-schema.ts';

/** An input port of a catalog node. */
export interface CatalogInputPort {
  name: string;
  /** A port type name; see {@link NodeCatalog.portTypes}. */
  type: string;
  description?: string;
  /** An unconnected required input is a compile error. */
  required: boolean;
  /** Accepts any number of edges. */
  multiple: boolean;
  /** Scores a model on held-out rows (see `InputPortOptions.evaluation`); absent when not. */
  evaluation?: true;
}

/** An output port of a catalog node. */
export interface CatalogOutputPort {
  name: string;
  type: string;
  description?: string;
  /** Where its rows come from, for the compiler's data-leakage check; see {@link RowFlow}. */
  rows?: RowFlow;
  /** The input whose columns it has; see {@link ColumnFlow}. */
  columns?: ColumnFlow;
}

/**
 * One version of one node type as a catalog lists it: everything the designer's palette, property panel
 * and in-browser compiler need, and none of the code that runs it.
 */
export interface CatalogNode {
  /** Dotted type name, e.g. `core.read_json`. */
  type: string;
  /** Semver; documents pin it. */
  version: string;
  /** Whether this is the highest installed version of the type. */
  latest: boolean;
  title: string;
  description: string;
  category: string;
  /** The package or plugin that provides the node, as `name@version`. */
  source: string;
  /** The plugin package that provides the node, when it came from one. */
  plugin?: { name: string; version: string; origin: PluginOrigin };
  /** The earlier version whose parameters this version can take over (it declares a migration from it). */
  migratesFrom?: string;
  /** A hash of the code that runs the node; part of every step's cache key. */
  implementationHash: string;
  inputs: CatalogInputPort[];
  outputs: CatalogOutputPort[];
  /** The parameter JSON Schema, as {@link parameterJsonSchema} publishes it; the designer draws its form from it. */
  params: Record<string, unknown>;
  /** As {@link defineNode} fills them in: `gpu` is always the long form. */
  resources: NodeResources;
  retry: { retries: number; backoffMs: number; maxBackoffMs: number };
  timeoutMs: number;
  cacheable: boolean;
}

/** A port type and how the designer draws it; `extends` gives the connection rule. */
export interface CatalogPortType {
  name: string;
  description: string;
  storage: PortStorage;
  /** The more general type a value of this type also fits. */
  extends?: string;
  color: string;
}

/** What a server tells its designer about the node types it knows: `GET /api/nodes`. */
export interface NodeCatalog {
  /** Every installed version of every node type, by type then version. */
  nodes: CatalogNode[];
  portTypes: CatalogPortType[];
}

/**
 * The catalog of a registry: every installed node type version (from definitions only, so no node's
 * run-time libraries load) and every port type. Plain JSON: it survives `JSON.stringify` whole.
 *
 * @example
 * nodeCatalog(registry).nodes.find((n) => n.type === 'core.read_json')?.params; // JSON Schema
 */
export function nodeCatalog(registry: NodeRegistry): NodeCatalog {
  const latest = new Set(registry.latest());
  return {
    nodes: registry.all().map((entry) => catalogNode(entry, latest.has(entry))),
    portTypes: registry.portTypes().map(catalogPortType),
  };
}

/**
 * A registry rebuilt from a catalog, for compiling where only the catalog is at hand (the designer, in
 * the browser): the same node types and versions, ports, resources, retry policies, timeouts,
 * `implementationHash`es and port types, and parameter schemas rebuilt as TypeBox objects (see
 * {@link typeBoxFromJsonSchema}), so the compiler gives the same plans and diagnostics as with the
 * registry the catalog came from. Its definitions cannot run: their `run` throws.
 *
 * @throws when a catalog port type redefines a built-in one differently (the catalog comes from a
 *   server with another SDK version, and connections would be judged differently), or a node's
 *   parameter schema is not an object schema.
 * @example
 * const registry = registryFromCatalog(await (await fetch('/api/nodes')).json());
 * compile(document, registry).ok;
 */
export function registryFromCatalog(catalog: NodeCatalog): NodeRegistry {
  const portTypes = catalog.portTypes.filter((type) => !isBuiltinPortType(type)).map(portTypeFromCatalog);
  return new NodeRegistry(
    catalog.nodes.map((node) => {
      const registration: NodeRegistration = {
        definition: definitionFromCatalog(node),
        source: node.source,
        implementationHash: node.implementationHash,
      };
      if (node.plugin !== undefined) registration.plugin = { ...node.plugin };
      return registration;
    }),
    portTypes,
  );
}

function catalogNode(entry: RegisteredNode, latest: boolean): CatalogNode {
  const { definition } = entry;
  const inputs = Object.entries(definition.inputs as Record<string, InputPort>).map(([name, port]) => {
    const entry: CatalogInputPort = withDescription(
      { name, type: port.type, required: port.required, multiple: port.multiple },
      port.description,
    );
    if (port.evaluation === true) entry.evaluation = true;
    return entry;
  });
  const outputs = Object.entries(definition.outputs as Record<string, OutputPort>).map(([name, port]) => {
    const entry: CatalogOutputPort = withDescription({ name, type: port.type }, port.description);
    if (port.rows !== undefined) entry.rows = copyRowFlow(port.rows);
    if (port.columns !== undefined) entry.columns = { from: port.columns.from };
    return entry;
  });
  const node: CatalogNode = {
    type: definition.type,
    version: definition.version,
    latest,
    title: definition.title,
    description: definition.description,
    category: definition.category,
    source: entry.source,
    implementationHash: entry.implementationHash,
    inputs,
    outputs,
    params: parameterJsonSchema(definition.params),
    resources: { ...definition.resources, gpu: { ...definition.resources.gpu } },
    retry: { ...definition.retry },
    timeoutMs: definition.timeoutMs,
    cacheable: definition.cacheable,
  };
  if (entry.plugin !== undefined) {
    const { name, version, origin } = entry.plugin;
    node.plugin = { name, version, origin };
  }
  if (definition.migrate !== undefined) node.migratesFrom = definition.migrate.from;
  return node;
}

function catalogPortType(type: PortTypeDefinition): CatalogPortType {
  const { name, description, storage, color } = type;
  return type.extends === undefined
    ? { name, description, storage, color }
    : { name, description, storage, extends: type.extends, color };
}

/** Copies a catalog port type, so the registry never shares objects with the catalog it came from. */
function portTypeFromCatalog(type: CatalogPortType): PortTypeDefinition {
  return catalogPortType(type);
}

/**
 * Whether a catalog port type is one the SDK registers in every registry already. The registry refuses a
 * second definition of a name, so built-ins are skipped; one that differs where the connection rule
 * looks (`extends`) or where values travel (`storage`) is refused, since this registry would then judge
 * connections otherwise than the catalog's.
 */
function isBuiltinPortType(type: CatalogPortType): boolean {
  const builtin = BUILTIN_PORT_TYPES.find((candidate) => candidate.name === type.name);
  if (builtin === undefined) return false;
  if (builtin.extends !== type.extends || builtin.storage !== type.storage) {
    throw new Error(
      `the catalog's port type "${type.name}" (storage ${type.storage}, extends ${type.extends ?? 'nothing'}) differs from this SDK's built-in one (storage ${builtin.storage}, extends ${builtin.extends ?? 'nothing'}); the catalog comes from a server with another SDK version`,
    );
  }
  return true;
}

function definitionFromCatalog(node: CatalogNode): AnyNodeDefinition {
  const label = `${node.type}@${node.version}`;
  const params = typeBoxFromJsonSchema(node.params);
  if (!KindGuard.IsObject(params)) {
    throw new Error(`catalog node ${label}: its parameter schema is not an object schema`);
  }
  const inputs: Record<string, InputPort> = {};
  for (const port of node.inputs) {
    const input: InputPort = withDescription(
      { type: port.type, required: port.required, multiple: port.multiple } as InputPort,
      port.description,
    );
    if (port.evaluation === true) input.evaluation = true;
    inputs[port.name] = input;
  }
  const outputs: Record<string, OutputPort> = {};
  for (const port of node.outputs) {
    const output: OutputPort = withDescription({ type: port.type } as OutputPort, port.description);
    if (port.rows !== undefined) output.rows = copyRowFlow(port.rows);
    if (port.columns !== undefined) output.columns = { from: port.columns.from };
    outputs[port.name] = output;
  }
  return defineNode<Record<string, InputPort>, Record<string, OutputPort>, TObject>({
    type: node.type,
    version: node.version,
    title: node.title,
    description: node.description,
    category: node.category,
    inputs,
    outputs,
    params,
    resources: { ...node.resources, gpu: { ...node.resources.gpu } },
    retry: { ...node.retry },
    timeoutMs: node.timeoutMs,
    cacheable: node.cacheable,
    run: async () => {
      throw new Error(
        `catalog definitions carry no run code: ${label} runs only where its package is installed (a Loom server or worker)`,
      );
    },
    // What the version migrates from is catalog data (the designer offers the upgrade from it); the
    // migration itself is code, and runs where the package is installed (POST /api/nodes/upgrade).
    ...(node.migratesFrom === undefined
      ? {}
      : {
          migrate: {
            from: node.migratesFrom,
            params: () => {
              throw new Error(
                `catalog definitions carry no migration code: ${label}'s upgrade from ${node.migratesFrom} runs where its package is installed (POST /api/nodes/upgrade)`,
              );
            },
          },
        }),
  });
}

/** A row flow copied field by field, so a catalog and its registry share no objects. */
function copyRowFlow(rows: RowFlow): RowFlow {
  const copy: RowFlow = { from: rows.from };
  if (rows.fits !== undefined)
    copy.fits = typeof rows.fits === 'object' ? { param: rows.fits.param, in: [...rows.fits.in] } : rows.fits;
  if (rows.heldOut !== undefined) copy.heldOut = rows.heldOut;
  return copy;
}

function withDescription<T extends object>(port: T, description: string | undefined): T & { description?: string } {
  return description === undefined ? port : { ...port, description };
}
