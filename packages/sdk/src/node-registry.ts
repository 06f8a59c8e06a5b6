import type { AnyNodeDefinition } from './define-node.ts';
import { BUILTIN_PORT_TYPES, isPortTypeCompatible, type PortTypeDefinition } from './port-types.ts';
import { compareSemver } from './semver.ts';

/** How a plugin was found: shipped with Loom, in the plugins folder, or an npm package named in `loom.config.json`. */
export type PluginOrigin = 'builtin' | 'directory' | 'npm';

/** The plugin package that provides a node type. */
export interface PluginIdentity {
  /** The package name, e.g. `@acme/loom-text`. */
  name: string;
  /** The package version (not the node's). */
  version: string;
  origin: PluginOrigin;
  /** The package folder on the machine that loaded it. */
  path?: string;
}

/** A node type registered together with where it came from and a hash of the code that runs it. */
export interface RegisteredNode {
  definition: AnyNodeDefinition;
  /** Where the definition came from, e.g. `@loom/nodes-core@0.1.0`; shown in catalogs and errors. */
  source: string;
  /** The plugin package, when the node came from one. */
  plugin?: PluginIdentity;
  /** Changes whenever the code that runs the node changes, so cached results of old code are not reused. */
  implementationHash: string;
}

/** The entries of a node catalog, as a registry is built from them. */
export interface NodeRegistration {
  definition: AnyNodeDefinition;
  /** Where the definition comes from, e.g. `@loom/nodes-core@0.1.0`; see {@link RegisteredNode.source}. */
  source: string;
  plugin?: PluginIdentity;
  /** A hash of the code that runs the node. @default `''` */
  implementationHash?: string;
}

/**
 * The node types (all installed versions of each) and port types a compiler or runtime knows.
 *
 * @example
 * const registry = new NodeRegistry([...coreNodes.map((definition) => ({ definition, source: '@loom/nodes-core' }))]);
 * registry.get('core.read_json', '1.0.0');
 */
export class NodeRegistry {
  readonly #nodes = new Map<string, Map<string, RegisteredNode>>();
  readonly #portTypes = new Map<string, PortTypeDefinition>();
  /** canConnect answers by output type, then input type; cleared when port types change. */
  readonly #compatible = new Map<string, Map<string, boolean>>();

  /** Registers the port types first, so that the nodes' ports can use them. */
  constructor(nodes: Iterable<NodeRegistration> = [], portTypes: Iterable<PortTypeDefinition> = []) {
    for (const type of BUILTIN_PORT_TYPES) this.#portTypes.set(type.name, type);
    for (const type of portTypes) this.addPortType(type);
    for (const node of nodes) this.add(node);
  }

  /**
   * Adds a node type version.
   * @throws when the type and version are registered already (naming both sources), or a port uses a
   *   port type this registry does not know.
   */
  add(registration: NodeRegistration): void {
    const { definition, source } = registration;
    let versions = this.#nodes.get(definition.type);
    const existing = versions?.get(definition.version);
    if (existing !== undefined) {
      throw new Error(
        `node type ${definition.type}@${definition.version} is defined twice: by ${existing.source} and by ${source}`,
      );
    }
    const ports: Array<[string, { type: string }]> = [
      ...Object.entries(definition.inputs as Record<string, { type: string }>),
      ...Object.entries(definition.outputs as Record<string, { type: string }>),
    ];
    for (const [name, port] of ports) {
      if (!this.#portTypes.has(port.type)) {
        throw new Error(
          `node type ${definition.type}@${definition.version} (from ${source}): port "${name}" has unknown port type "${port.type}"; register it with definePortType`,
        );
      }
    }
    // Created only now, so that a refused registration leaves no empty type behind (see `latest`).
    if (versions === undefined) {
      versions = new Map();
      this.#nodes.set(definition.type, versions);
    }
    const registered: RegisteredNode = {
      definition,
      source,
      implementationHash: registration.implementationHash ?? '',
    };
    if (registration.plugin !== undefined) registered.plugin = registration.plugin;
    versions.set(definition.version, registered);
  }

  /** Adds a port type; registering the same object again is harmless, another with the same name an error. */
  addPortType(type: PortTypeDefinition): void {
    const existing = this.#portTypes.get(type.name);
    if (existing !== undefined && existing !== type) {
      throw new Error(`port type "${type.name}" is defined twice`);
    }
    this.#portTypes.set(type.name, type);
    this.#compatible.clear();
  }

  /** One version of a node type; undefined when that type or version is not installed. */
  get(type: string, version: string): RegisteredNode | undefined {
    return this.#nodes.get(type)?.get(version);
  }

  /** Installed versions of a type, in ascending semver order; empty when the type is unknown. */
  versions(type: string): string[] {
    return [...(this.#nodes.get(type)?.keys() ?? [])].sort(compareSemver);
  }

  /** The highest installed version of each type, sorted by type name. */
  latest(): RegisteredNode[] {
    return [...this.#nodes.keys()].sort().map((type) => {
      const versions = this.versions(type);
      return this.#nodes.get(type)?.get(versions[versions.length - 1] ?? '') as RegisteredNode;
    });
  }

  /** Every registered version of every type, sorted by type then version. */
  all(): RegisteredNode[] {
    return [...this.#nodes.keys()]
      .sort()
      .flatMap((type) => this.versions(type).map((v) => this.#nodes.get(type)?.get(v) as RegisteredNode));
  }

  /** A port type by name, built-in or registered; undefined when unknown. */
  portType(name: string): PortTypeDefinition | undefined {
    return this.#portTypes.get(name);
  }

  /** Every port type: the built-in ones first, then those registered, in the order they were added. */
  portTypes(): PortTypeDefinition[] {
    return [...this.#portTypes.values()];
  }

  /** The connection rule shared by compiler and canvas; see {@link isPortTypeCompatible}. */
  canConnect(outputType: string, inputType: string): boolean {
    let byInput = this.#compatible.get(outputType);
    if (byInput === undefined) {
      byInput = new Map();
      this.#compatible.set(outputType, byInput);
    }
    let answer = byInput.get(inputType);
    if (answer === undefined) {
      answer = isPortTypeCompatible(outputType, inputType, (name) => this.#portTypes.get(name));
      byInput.set(inputType, answer);
    }
    return answer;
  }
}
