/** The id of the `<datalist>` of data files that path fields point at. */
export const DATA_FILES_LIST_ID = 'loom-data-files';

/** Parameters that name a file: `path`, `*_path`, `file`, `*_file`. */
export function namesAFile(name: string): boolean {
  return /(^|_)(path|file)$/.test(name);
}
