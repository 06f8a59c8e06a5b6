/**
 * Server-side apply, modelled on structured-merge-diff closely enough for Loom's deployer: each manager
 * owns the fields it applied (recorded in `metadata.managedFields` as FieldsV1), applying a different
 * value to a field another manager owns is a conflict unless forced, and fields a manager stops
 * applying are removed when no one else owns them. Lists of objects that all carry a `name` merge by
 * that key (containers, env, ports, volumes); every other list is atomic.
 */
import { applyConflict, type StatusCause } from './api-status.ts';
import { clone, type KubeObject } from './object-store.ts';

type Json = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

/** A field path as FieldsV1 tokens: `f:spec`, `k:{"name":"web"}`, `.` (the list element itself). */
type FieldPath = string[];

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKeyedList(value: unknown): value is Json[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isObject(item) && typeof (item as { name?: unknown }).name === 'string')
  );
}

function keyToken(item: Json): string {
  return `k:${JSON.stringify({ name: item.name })}`;
}

/** Leaf field paths of a value: what a manager owns by setting it. */
function leaves(value: unknown, prefix: FieldPath, out: FieldPath[]): FieldPath[] {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...prefix, `f:${key}`], out);
  } else if (isKeyedList(value)) {
    for (const item of value) {
      const element = [...prefix, keyToken(item)];
      out.push([...element, '.']);
      leaves(item, element, out);
    }
  } else {
    out.push(prefix);
  }
  return out;
}

/** The fields an applied (or written) object sets, leaving out what the server owns. */
function ownedLeaves(object: KubeObject): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata' && isObject(value)) {
      for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers']) {
        if (value[field] !== undefined) leaves(value[field], ['f:metadata', `f:${field}`], out);
      }
      continue;
    }
    leaves(value, [`f:${key}`], out);
  }
  return out;
}

function toFieldsV1(paths: FieldPath[]): Json {
  const root: Json = {};
  for (const path of paths) {
    let node = root;
    for (const token of path) {
      node[token] ??= {};
      node = node[token] as Json;
    }
  }
  return root;
}

function fromFieldsV1(fields: Json, prefix: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  for (const [token, child] of Object.entries(fields)) {
    const path = [...prefix, token];
    if (isObject(child) && Object.keys(child).length > 0) fromFieldsV1(child, path, out);
    else out.push(path);
  }
  return out;
}

const join = (path: FieldPath): string => path.join('\u0000');

function valueAt(object: unknown, path: FieldPath): unknown {
  let value = object;
  for (const token of path) {
    if (token === '.') return value;
    if (token.startsWith('f:')) {
      value = isObject(value) ? value[token.slice(2)] : undefined;
    } else {
      const key = (JSON.parse(token.slice(2)) as { name: string }).name;
      value = Array.isArray(value) ? value.find((item) => isObject(item) && item.name === key) : undefined;
    }
    if (value === undefined) return undefined;
  }
  return value;
}

function removeAt(object: Json, path: FieldPath): void {
  const elementRemoval = path[path.length - 1] === '.';
  const target = elementRemoval ? path.slice(0, -1) : path;
  const parent = valueAt(object, target.slice(0, -1));
  const last = target[target.length - 1];
  if (last === undefined) return;
  if (last.startsWith('f:') && isObject(parent)) {
    delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const key = (JSON.parse(last.slice(2)) as { name: string }).name;
    const index = parent.findIndex((item) => isObject(item) && item.name === key);
    if (index !== -1 && elementRemoval) parent.splice(index, 1);
  }
}

/** `.spec.template.spec.containers[name="web"].image`: how conflict messages print a path. */
function describePath(path: FieldPath): string {
  return path
    .filter((token) => token !== '.')
    .map((token) => {
      if (token.startsWith('f:')) return `.${token.slice(2)}`;
      const key = JSON.parse(token.slice(2)) as Record<string, string>;
      return `[${Object.entries(key)
        .map(([field, value]) => `${field}=${JSON.stringify(value)}`)
        .join(',')}]`;
    })
    .join('');
}

/** Deep merge where keyed lists merge by name and everything else is replaced. */
export function mergeValues(live: unknown, applied: unknown): unknown {
  if (applied === null) return undefined;
  if (isObject(live) && isObject(applied)) {
    const merged: Json = { ...live };
    for (const [key, value] of Object.entries(applied)) {
      const next = mergeValues(live[key], value);
      if (next === undefined) delete merged[key];
      else merged[key] = next;
    }
    return merged;
  }
  if (isKeyedList(live) && isKeyedList(applied)) {
    const merged = live.map((item) => {
      const update = applied.find((candidate) => candidate.name === item.name);
      return update === undefined ? item : mergeValues(item, update);
    });
    for (const item of applied) if (!live.some((existing) => existing.name === item.name)) merged.push(item);
    return merged;
  }
  return clone(applied);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
}

/**
 * The object after `manager` applies `applied` to `live`, with its managedFields. Throws 409 Conflict
 * naming each contested field, as the real server does.
 */
export function serverSideApply({ live, applied, manager, force }: ApplyRequest): KubeObject {
  const apiVersion = applied.apiVersion ?? live?.apiVersion ?? '';
  const appliedLeaves = ownedLeaves(applied);
  const appliedKeys = new Set(appliedLeaves.map(join));
  const entries = clone((live?.metadata?.managedFields ?? []) as ManagedFieldsEntry[]);
  const mine = entries.find((entry) => entry.manager === manager && entry.operation === 'Apply');
  const others = entries.filter((entry) => entry !== mine);
  const otherLeaves = others.map((entry) => new Set(fromFieldsV1(entry.fieldsV1).map(join)));

  const conflicts: { manager: string; apiVersion: string; path: FieldPath }[] = [];
  for (const path of appliedLeaves) {
    if (path[path.length - 1] === '.') continue;
    const key = join(path);
    others.forEach((entry, index) => {
      const owned = otherLeaves[index];
      if (owned === undefined || !owned.has(key)) return;
      if (JSON.stringify(valueAt(live, path)) === JSON.stringify(valueAt(applied, path))) return;
      if (force) owned.delete(key);
      else conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
    });
  }
  if (conflicts.length > 0) throw conflictError(conflicts);

  const result = clone((mergeValues(live ?? {}, applied) ?? {}) as Json);
  const ownedByOthers = new Set(otherLeaves.flatMap((owned) => [...owned]));
  const dropped = fromFieldsV1(mine?.fieldsV1 ?? {}).filter(
    (path) => !appliedKeys.has(join(path)) && !ownedByOthers.has(join(path)),
  );
  for (const path of dropped.sort((a, b) => b.length - a.length)) removeAt(result, path);

  const nextEntries: ManagedFieldsEntry[] = [];
  others.forEach((entry, index) => {
    const owned = otherLeaves[index];
    if (owned === undefined || owned.size === 0) return;
    nextEntries.push({ ...entry, fieldsV1: toFieldsV1([...owned].map((key) => key.split('\u0000'))) });
  });
  nextEntries.push({
    manager,
    operation: 'Apply',
    apiVersion,
    time: now(),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(appliedLeaves),
  });
  const object = result as KubeObject;
  object.metadata = { ...(live?.metadata ?? {}), ...object.metadata, managedFields: nextEntries as never };
  return object;
}

/**
 * Records an Update (create, replace, merge patch) by `manager`: it takes over the fields it wrote,
 * without conflicts, as the real server does for non-apply writes.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  written: KubeObject,
  after: KubeObject,
  manager: string,
): void {
  const apiVersion = after.apiVersion ?? '';
  const entries = clone((before?.metadata?.managedFields ?? []) as ManagedFieldsEntry[]);
  const writtenLeaves = ownedLeaves(written).filter(
    (path) => before === undefined || JSON.stringify(valueAt(before, path)) !== JSON.stringify(valueAt(after, path)),
  );
  const writtenKeys = new Set(writtenLeaves.map(join));
  const next: ManagedFieldsEntry[] = [];
  let mine: FieldPath[] = [];
  for (const entry of entries) {
    const kept = fromFieldsV1(entry.fieldsV1).filter((path) => !writtenKeys.has(join(path)));
    if (entry.manager === manager && entry.operation === 'Update') mine = kept;
    else if (kept.length > 0) next.push({ ...entry, fieldsV1: toFieldsV1(kept) });
  }
  const owned = [...mine, ...writtenLeaves];
  if (owned.length > 0) {
    next.push({
      manager,
      operation: 'Update',
      apiVersion,
      time: now(),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(owned),
    });
  }
  if (after.metadata !== undefined) after.metadata.managedFields = next as never;
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: FieldPath }[]): Error {
  const who = (conflict: { manager: string; apiVersion: string }) =>
    `${JSON.stringify(conflict.manager)} using ${conflict.apiVersion}`;
  const causes: StatusCause[] = conflicts.map((conflict) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${who(conflict)}`,
    field: describePath(conflict.path),
  }));
  const plural = conflicts.length === 1 ? '' : 's';
  let detail: string;
  const [only] = conflicts;
  if (only !== undefined && conflicts.length === 1) {
    detail = `conflict with ${who(only)}: ${describePath(only.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const conflict of conflicts) {
      const key = who(conflict);
      byManager.set(key, [...(byManager.get(key) ?? []), describePath(conflict.path)]);
    }
    detail = [...byManager.entries()]
      .map(([key, paths]) => `conflicts with ${key}:${paths.map((path) => `\n- ${path}`).join('')}`)
      .sort()
      .join('\n');
  }
  return applyConflict(`Apply failed with ${conflicts.length} conflict${plural}: ${detail}`, causes);
}
