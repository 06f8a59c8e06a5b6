import type { AnyNodeDefinition } from './define-node.ts';
import { BUILTIN_PORT_TYPES, isPortTypeCompatible, type PortTypeDefinition } from './port-types.ts';

/** A node type registered together with where it came from and a hash of the code that runs it. */
export interface RegisteredNode {
  definition: AnyNodeDefinition;
  /** Where the definition came from, e.g. `@loom/nodes-core` or a plugin directory; shown in catalogs and errors. */
  source: string;
  /** Changes whenever the code that runs the node changes, so cached results of old code are not reused. */
  implementationHash: string;
}

/** The entries of a node catalog, as a registry is built from them. */
export interface NodeRegistration {
  definition: AnyNodeDefinition;
  source: string;
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

  constructor(nodes: Iterable<NodeRegistration> = [], portTypes: Iterable<PortTypeDefinition> = []) {
    for (const type of BUILTIN_PORT_TYPES) this.#portTypes.set(type.name, type);
    for (const type of portTypes) this.addPortType(type);
    for (const node of nodes) this.add(node);
  }

  /** Adds a node type version; a second registration of the same type and version is an error naming both sources. */
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
    versions.set(definition.version, {
      definition,
      source,
      implementationHash: registration.implementationHash ?? '',
    });
  }

  addPortType(type: PortTypeDefinition): void {
    const existing = this.#portTypes.get(type.name);
    if (existing !== undefined && existing !== type) {
      throw new Error(`port type "${type.name}" is defined twice`);
    }
    this.#portTypes.set(type.name, type);
    this.#compatible.clear();
  }

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

  portType(name: string): PortTypeDefinition | undefined {
    return this.#portTypes.get(name);
  }

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

/** Orders semver strings; prerelease versions sort before their release. */
export function compareSemver(a: string, b: string): number {
  const [coreA, preA] = splitPrerelease(a);
  const [coreB, preB] = splitPrerelease(b);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return comparePrerelease(preA, preB);
}

/** The core and the prerelease; the prerelease may itself contain hyphens (`1.0.0-rc-1`). */
function splitPrerelease(version: string): [string, string | undefined] {
  const dash = version.indexOf('-');
  return dash === -1 ? [version, undefined] : [version.slice(0, dash), version.slice(dash + 1)];
}

/**
 * Semver's precedence rule for prereleases: dot-separated identifiers from left to right, numeric ones
 * compared as numbers and below alphanumeric ones, and a shorter list first when all else is equal
 * (`alpha` < `alpha.1` < `alpha.beta` < `beta.2` < `beta.11`).
 */
function comparePrerelease(a: string, b: string): number {
  const idsA = a.split('.');
  const idsB = b.split('.');
  for (let i = 0; i < Math.max(idsA.length, idsB.length); i++) {
    const x = idsA[i];
    const y = idsB[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const numericX = /^\d+$/.test(x);
    const numericY = /^\d+$/.test(y);
    if (numericX && numericY) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
    } else if (numericX || numericY) {
      return numericX ? -1 : 1;
    } else {
      return x < y ? -1 : 1;
    }
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
