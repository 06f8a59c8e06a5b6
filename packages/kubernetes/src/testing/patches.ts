/**
 * The non-apply patch formats: JSON merge patch (RFC 7386), strategic merge patch (approximated as a
 * merge where lists of named objects merge by name) and JSON patch (RFC 6902).
 */
import { badRequest } from './api-status.ts';
import { clone } from './object-store.ts';
import { mergeValues } from './server-side-apply.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386: objects merge, `null` deletes, everything else (lists included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return mergeValues(target, patch);
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(document: unknown, tokens: string[]): { parent: unknown; key: string } {
  let parent = document;
  for (const token of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(token)] : isObject(parent) ? parent[token] : undefined;
    if (parent === undefined) throw badRequest(`jsonpatch: path does not exist: /${tokens.join('/')}`);
  }
  return { parent, key: tokens[tokens.length - 1] ?? '' };
}

function read(document: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return document;
  const { parent, key } = parentOf(document, tokens);
  return Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
}

function write(document: unknown, path: string, value: unknown, insert: boolean): void {
  const { parent, key } = parentOf(document, pointer(path));
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (insert) parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    if (!insert && !(key in parent))
      throw badRequest(`jsonpatch replace operation does not apply: doc is missing key: ${path}`);
    parent[key] = value;
  }
}

function remove(document: unknown, path: string): void {
  const { parent, key } = parentOf(document, pointer(path));
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent)) {
    if (!(key in parent)) throw badRequest(`jsonpatch remove operation does not apply: doc is missing path: ${path}`);
    delete parent[key];
  }
}

/** RFC 6902 patches, applied to a copy. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  const document = clone(target);
  for (const operation of operations as JsonPatchOperation[]) {
    switch (operation.op) {
      case 'add':
        write(document, operation.path, clone(operation.value), true);
        break;
      case 'replace':
        write(document, operation.path, clone(operation.value), false);
        break;
      case 'remove':
        remove(document, operation.path);
        break;
      case 'test':
        if (JSON.stringify(read(document, operation.path)) !== JSON.stringify(operation.value)) {
          throw badRequest(
            `the server rejected our request due to an error in our request: testing value ${operation.path} failed`,
          );
        }
        break;
      case 'move':
      case 'copy': {
        const value = clone(read(document, operation.from ?? ''));
        if (operation.op === 'move') remove(document, operation.from ?? '');
        write(document, operation.path, value, true);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${String((operation as { op?: unknown }).op)}`);
    }
  }
  return document;
}
