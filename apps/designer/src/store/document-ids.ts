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

/** The document's rule for node (and note) ids. */
const NODE_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_ID_LENGTH = 128;

/**
 * Why `id` cannot be a node's new id, or undefined when it can: it must follow the document's
 * identifier rule and be free on the canvas (`taken` holds every node and note id, the node's own too).
 *
 * @example nodeIdProblem('2nd', new Set()) // 'Start with a letter or _ …'
 */
export function nodeIdProblem(id: string, current: string, taken: ReadonlySet<string>): string | undefined {
  if (id === '') return 'An id is needed: it names the node in references and messages';
  if (id.length > MAX_ID_LENGTH) return `At most ${MAX_ID_LENGTH} characters`;
  if (!/^[A-Za-z_]/.test(id)) return 'Start with a letter or _, then letters, digits, _, . or -';
  if (!NODE_ID.test(id)) {
    const bad = [...new Set(id.replace(/[A-Za-z0-9_.-]/g, ''))].map((c) => (c === ' ' ? 'spaces' : `"${c}"`));
    return `Only letters, digits, _, . and - (not ${bad.join(', ')})`;
  }
  if (id !== current && taken.has(id)) return `"${id}" is already the id of another node or note`;
  return undefined;
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
