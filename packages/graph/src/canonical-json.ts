/** A value that survives JSON.stringify → JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Stringifies with object keys in sorted order and no whitespace: equal values give equal strings,
 * which is what cache keys hash. `undefined` object members are left out, as JSON.stringify does.
 * It runs for every step of every compile, so it is written to allocate little.
 */
export function canonicalJson(value: unknown): string {
  // Most values that reach here (parameters copied in key order) are canonical already; for them
  // JSON.stringify gives the same text while allocating a fraction of what the general path does.
  return isCanonicalAlready(value) ? JSON.stringify(value) : canonicalText(value);
}

/**
 * True when JSON.stringify(value) is its canonical text: plain objects with keys in sorted order,
 * arrays, and JSON primitives, all the way down. Walks with for-in and allocates nothing.
 */
function isCanonicalAlready(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined || !isCanonicalAlready(item)) return false;
        }
        return true;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      let previous: string | undefined;
      for (const key in value) {
        if (previous !== undefined && !(previous < key)) return false;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined || !isCanonicalAlready(member)) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}

function canonicalText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not representable in JSON`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out +=
            item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalText(item);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = sortStrings(Object.keys(record));
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalText(member)}`;
        first = false;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint is not representable in JSON');
    default:
      return 'null';
  }
}

/**
 * Sorts strings in place by UTF-16 code units, as `Array.prototype.sort()` does by default, and
 * returns the array. Insertion sort: object key lists are short, and V8's default sort allocates
 * about a kilobyte even for two elements, which adds up over the parameters of 10,000 nodes.
 */
export function sortStrings(items: string[]): string[] {
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as string;
    let j = i - 1;
    while (j >= 0 && (items[j] as string) > item) {
      items[j + 1] = items[j] as string;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
