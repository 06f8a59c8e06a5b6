/** Node ids must match the document's identifier rule: a letter or `_` first, then letters, digits, `_`, `.`, `-`. */
export function baseIdForType(type: string): string {
  const last = type.split('.').pop() ?? 'node';
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
