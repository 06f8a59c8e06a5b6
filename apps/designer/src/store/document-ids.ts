/**
 * Type endings that name a port type: as ids they read like ports (`… of node "model"` beside the
 * `model` port), so such a node is named by what it does, the part before (`validate.model` → `validate`).
 */
const PORT_LIKE = new Set([
  'model',
  'onnx',
  'table',
  'metrics',
  'json',
  'text',
  'file',
  'transform',
  'endpoint',
  'any',
]);

/**
 * A new node's id from its type: the type's last part (`data.csv` → `csv`), or the part before when the
 * last names a port type (`export.onnx` → `export`). Node ids must match the document's identifier rule:
 * a letter or `_` first, then letters, digits, `_`, `.`, `-`.
 */
export function baseIdForType(type: string): string {
  const parts = type.split('.');
  const lastPart = parts.pop() ?? 'node';
  const last = PORT_LIKE.has(lastPart) && parts.length > 0 ? (parts.pop() as string) : lastPart;
  const cleaned = last.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `n_${cleaned}`;
}

/** `base`, or `base_2`, `base_3`… whichever is not taken yet. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The next free `e<n>` edge id. */
export function nextEdgeId(taken: ReadonlySet<string>): string {
  let n = taken.size + 1;
  while (taken.has(`e${n}`)) n++;
  return `e${n}`;
}
