/**
 * Whether a list row matches what is typed in a search box: every word typed appears in one of its
 * fields, in any order, case-insensitive; an empty search matches every row.
 *
 * @example matchesSearch('iris fail', 'iris-classification', 'failed') // true
 */
export function matchesSearch(search: string, ...fields: Array<string | undefined>): boolean {
  const text = fields
    .filter((field) => field !== undefined)
    .join('\n')
    .toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}
