/**
 * The test server's etcd: objects by resource, namespace and name, one global resourceVersion counter,
 * and a bounded history of changes that watches replay from.
 */
import { randomUUID } from 'node:crypto';
import type { IJob } from 'kubernetes-models/batch/v1';
import { alreadyExists, expired, notFound } from './api-status.ts';
import type { ResourceType } from './resources.ts';

export type ObjectMeta = NonNullable<IJob['metadata']>;

/** Anything stored: every kubernetes-models interface (`IPod`, `IJob`, ...) fits. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

/** Metadata of a stored object; stored objects always have a name. */
export function metaOf(object: KubeObject): ObjectMeta & { name: string } {
  const metadata = object.metadata;
  if (metadata?.name === undefined) throw new Error('stored objects have metadata.name');
  return metadata as ObjectMeta & { name: string };
}

/** A deep copy, so callers can never change what is stored behind the store's back. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

function keyOf(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${resource.plural}/${namespace ?? ''}/${name}`;
}

export interface ObjectStoreOptions {
  /** How many changes watches can replay from. @default 1000 */
  historyLimit?: number;
}

export class ObjectStore {
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;
  private counter = 0;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 1000;
  }

  /** The current resourceVersion: that of the latest change. */
  get resourceVersion(): string {
    return String(this.counter);
  }

  get<T extends KubeObject>(resource: ResourceType, namespace: string | undefined, name: string): T | undefined {
    const entry = this.objects.get(keyOf(resource, namespace, name));
    return entry === undefined ? undefined : (clone(entry.object) as T);
  }

  require<T extends KubeObject>(resource: ResourceType, namespace: string | undefined, name: string): T {
    const object = this.get<T>(resource, namespace, name);
    if (object === undefined) throw notFound(resource, name);
    return object;
  }

  /** Objects of a resource, in one namespace or all, ordered by name as the real list is. */
  list<T extends KubeObject>(resource: ResourceType, namespace?: string): T[] {
    const found: T[] = [];
    for (const entry of this.objects.values()) {
      if (entry.resource !== resource) continue;
      if (namespace !== undefined && entry.object.metadata?.namespace !== namespace) continue;
      found.push(clone(entry.object) as T);
    }
    return found.sort((a, b) => {
      const byNamespace = (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '');
      return byNamespace !== 0 ? byNamespace : metaOf(a).name.localeCompare(metaOf(b).name);
    });
  }

  /** Stores a new object, assigning uid, resourceVersion, creationTimestamp and generation. */
  create<T extends KubeObject>(resource: ResourceType, object: T): T {
    const metadata = metaOf(object);
    const key = keyOf(resource, metadata.namespace, metadata.name);
    if (this.objects.has(key)) throw alreadyExists(resource, metadata.name);
    const stored = clone(object);
    const storedMeta = metaOf(stored);
    storedMeta.uid ??= randomUUID();
    storedMeta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if ('spec' in stored) storedMeta.generation = 1;
    return this.commit('ADDED', resource, key, stored);
  }

  /** Replaces a stored object; bumps generation when its spec changed. A no-op change is not an event. */
  update<T extends KubeObject>(resource: ResourceType, object: T): T {
    const metadata = metaOf(object);
    const key = keyOf(resource, metadata.namespace, metadata.name);
    const current = this.objects.get(key);
    if (current === undefined) throw notFound(resource, metadata.name);
    const next = clone(object);
    const nextMeta = metaOf(next);
    const currentMeta = metaOf(current.object);
    if (currentMeta.uid !== undefined) nextMeta.uid = currentMeta.uid;
    if (currentMeta.creationTimestamp !== undefined) nextMeta.creationTimestamp = currentMeta.creationTimestamp;
    if (currentMeta.resourceVersion !== undefined) nextMeta.resourceVersion = currentMeta.resourceVersion;
    const specChanged =
      JSON.stringify((current.object as { spec?: unknown }).spec) !== JSON.stringify((next as { spec?: unknown }).spec);
    nextMeta.generation = (currentMeta.generation ?? 1) + (specChanged ? 1 : 0);
    if (currentMeta.generation === undefined) delete nextMeta.generation;
    if (JSON.stringify(next) === JSON.stringify(current.object)) return clone(current.object) as T;
    return this.commit('MODIFIED', resource, key, next);
  }

  /** Reads, changes and writes back an object; returns undefined when it is gone. */
  mutate<T extends KubeObject>(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    change: (object: T) => void,
  ): T | undefined {
    const object = this.get<T>(resource, namespace, name);
    if (object === undefined) return undefined;
    change(object);
    return this.update(resource, object);
  }

  /** Removes an object for good (the final DELETED event carries a fresh resourceVersion). */
  remove<T extends KubeObject>(resource: ResourceType, namespace: string | undefined, name: string): T | undefined {
    const key = keyOf(resource, namespace, name);
    const current = this.objects.get(key);
    if (current === undefined) return undefined;
    this.objects.delete(key);
    const removed = clone(current.object);
    this.counter += 1;
    metaOf(removed).resourceVersion = String(this.counter);
    this.publish({ type: 'DELETED', resource, object: removed, resourceVersion: this.counter });
    return clone(removed) as T;
  }

  /** Listens to every change (the controllers' informer). */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The changes after `resourceVersion` for a watch to replay. Throws 410 Expired when the history no
   * longer reaches back that far, as etcd compaction makes the real server do.
   */
  changesSince(resourceVersion: number): StoreEvent[] {
    const oldest = this.history[0]?.resourceVersion ?? this.counter + 1;
    if (resourceVersion < oldest - 1 && resourceVersion < this.counter) {
      throw expired(String(resourceVersion), oldest);
    }
    return this.history
      .filter((event) => event.resourceVersion > resourceVersion)
      .map((event) => ({ ...event, object: clone(event.object) }));
  }

  private commit<T extends KubeObject>(type: WatchEventType, resource: ResourceType, key: string, object: T): T {
    this.counter += 1;
    metaOf(object).resourceVersion = String(this.counter);
    this.objects.set(key, { resource, object });
    this.publish({ type, resource, object: clone(object), resourceVersion: this.counter });
    return clone(object);
  }

  private publish(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of this.listeners) listener(event);
  }
}
