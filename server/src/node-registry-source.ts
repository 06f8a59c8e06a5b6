import type { NodeRegistry } from '@loom/sdk';

/**
 * The node registry a server serves, which a dev loop (`loom start --dev`) replaces when plugin code
 * changes. Readers take `registry` when they need it (a run keeps the one it started with) and may
 * subscribe to hear of each replacement.
 */
export interface NodeRegistrySource {
  readonly registry: NodeRegistry;
  /** 0 for the first registry, one more for each replacement. */
  readonly revision: number;
  /** Calls `listener` after each replacement; returns the unsubscribe function. */
  subscribe(listener: (revision: number) => void): () => void;
}

/** A {@link NodeRegistrySource} whose registry is replaced with `replace`. */
export class ReplaceableRegistrySource implements NodeRegistrySource {
  #registry: NodeRegistry;
  #revision = 0;
  readonly #listeners = new Set<(revision: number) => void>();

  constructor(registry: NodeRegistry) {
    this.#registry = registry;
  }

  get registry(): NodeRegistry {
    return this.#registry;
  }

  get revision(): number {
    return this.#revision;
  }

  replace(registry: NodeRegistry): void {
    this.#registry = registry;
    this.#revision += 1;
    for (const listener of [...this.#listeners]) listener(this.#revision);
  }

  subscribe(listener: (revision: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A fixed registry as a source that never changes. */
export function fixedRegistrySource(registry: NodeRegistry): NodeRegistrySource {
  return new ReplaceableRegistrySource(registry);
}
