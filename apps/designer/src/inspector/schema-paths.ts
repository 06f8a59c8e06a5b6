import { type FieldPath, type FieldShape, isPlainObject } from './schema-fields.ts';

/**
 * Where a field sits in a node's params (JSON Pointer, test id, DOM id), which compiler messages it
 * shows, and the copy-on-write edits that build a new value from an old one.
 */

/** The JSON Pointer of a path, e.g. `/rules/0/metric`. */
export function toPointer(path: FieldPath): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The dotted form of a path that data-testids use, e.g. `rules.0.metric`. */
export function toTestPath(path: FieldPath): string {
  return path.join('.');
}

/** A DOM id for a field, unique within the form's `idPrefix`. */
export function toDomId(prefix: string, path: FieldPath): string {
  return `${prefix}-${path.join('.')}`.replace(/\s/g, '_');
}

function decodeSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * The compiler's messages a field shows: those at its own pointer, and those below it that no child
 * field shows. `claimed` names the children that show their own (property names or indices); `all` is
 * for fields without children, which show everything below them.
 */
export function errorsFor(
  errors: Readonly<Record<string, string>>,
  path: FieldPath,
  claimed: ReadonlySet<string> | 'all',
): string[] {
  const pointer = toPointer(path);
  const messages: string[] = [];
  for (const key of Object.keys(errors).sort()) {
    const message = errors[key];
    if (message === undefined) continue;
    // The whole params object goes by '' or, from the inspector, '/'.
    const own = key === pointer || (pointer === '' && key === '/');
    if (own) {
      messages.push(message);
      continue;
    }
    if (!key.startsWith(`${pointer}/`) || (pointer === '' && key === '/')) continue;
    const child = decodeSegment(key.slice(pointer.length + 1).split('/')[0] ?? '');
    if (claimed === 'all' || !claimed.has(child)) messages.push(message);
  }
  return messages;
}

/**
 * Whether two values are the same for an editor's draft: identical, or equal as JSON (a store may hand
 * back a copy of the object a draft produced).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A copy of `object` with `key` set to `value`, or without `key` when `value` is undefined. */
export function withProperty(
  object: Readonly<Record<string, unknown>>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...object };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** A copy of `object` with `from` renamed to `to`, keeping the order of its keys. */
export function withRenamedKey(
  object: Readonly<Record<string, unknown>>,
  from: string,
  to: string,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key === from ? to : key, value]));
}

/** A key not yet in `object`, like `key1`, `key2`, … */
export function freshKey(object: Readonly<Record<string, unknown>>, stem = 'key'): string {
  for (let index = 1; ; index++) if (!Object.hasOwn(object, `${stem}${index}`)) return `${stem}${index}`;
}

/** The children of a field that show their own compiler messages: properties, list indices, record keys. */
export function claimedChildren(shape: FieldShape, value: unknown): ReadonlySet<string> | 'all' {
  switch (shape.kind) {
    case 'object':
      return new Set(shape.properties.map(([key]) => key));
    case 'list':
      return new Set(Array.isArray(value) ? value.map((_, index) => String(index)) : []);
    case 'record':
      return new Set(isPlainObject(value) ? Object.keys(value) : []);
    default:
      return 'all';
  }
}
