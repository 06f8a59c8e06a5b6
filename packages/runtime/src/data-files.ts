import { opendir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { inputFileReferences, missingInputFile } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeRegistry } from '@loom/sdk';

/** Folders no one keeps pipeline data in, and that can be huge. */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);
/** What Loom's data nodes read (DuckDB reads these compressed too); source code and the rest are no data. */
const DATA_FILE = /\.(csv|tsv|parquet|json|jsonl|ndjson)(\.(gz|zst))?$/i;
/** JSON files that are a tool's settings or a pipeline, never a table. */
const NOT_DATA = /^(package(-lock)?\.json|tsconfig(\..+)?\.json|biome\.json|jsconfig\.json|.+\.loom\.json)$/i;

/** Whether a file name is one a data node would read: a table format, and not a settings file. */
export function isDataFileName(name: string): boolean {
  return DATA_FILE.test(name) && !NOT_DATA.test(name);
}

export interface DataFileListing {
  /** Absolute paths, in the order found. */
  files: string[];
  /** More files exist than were listed. */
  truncated: boolean;
}

/**
 * The data files under some folders, a few levels deep, skipping dot-folders, `node_modules` and build
 * output: enough to find a file by typing, or to suggest one, without walking a whole disk.
 */
export async function listDataFiles(
  roots: readonly string[],
  limits: { maxFiles?: number; maxDepth?: number } = {},
): Promise<DataFileListing> {
  const maxFiles = limits.maxFiles ?? 2000;
  const maxDepth = limits.maxDepth ?? 4;
  const files: string[] = [];
  const seen = new Set<string>();
  let truncated = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let handle: Awaited<ReturnType<typeof opendir>>;
    try {
      handle = await opendir(dir);
    } catch {
      return; // a missing or unreadable folder lists nothing
    }
    for await (const entry of handle) {
      if (files.length >= maxFiles) {
        truncated = true;
        return;
      }
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory() && depth < maxDepth) await walk(full, depth + 1);
      else if (entry.isFile() && isDataFileName(entry.name) && !seen.has(full)) {
        seen.add(full);
        files.push(full);
      }
    }
  };
  for (const root of roots) await walk(resolve(root), 1);
  return { files, truncated };
}

/** Where a run looks for a relative path: the base folder, then each data folder. */
export interface FileLookup {
  baseDir: string;
  dataRoots: readonly string[];
}

/** The places a path may be, in the order a data node tries them. */
export function candidatePaths(path: string, lookup: FileLookup): string[] {
  if (isAbsolute(path)) return [resolve(path)];
  const candidates = [resolve(lookup.baseDir, path), ...lookup.dataRoots.map((root) => resolve(root, path))];
  return [...new Set(candidates)];
}

/** What became of one path: found (where), or not (where it was looked for, and look-alikes that exist). */
export type FileLookupResult =
  | { path: string; found: true; resolved: string }
  | { path: string; found: false; looked: string[]; suggestions: string[] };

/**
 * Looks each path up as a run would, and for a missing one suggests existing data files of the same
 * name (or nearly), written as the parameter would need them: relative to the base folder when inside
 * it, else absolute.
 */
export async function lookUpFiles(paths: readonly string[], lookup: FileLookup): Promise<FileLookupResult[]> {
  let listing: Promise<DataFileListing> | undefined;
  return Promise.all(
    paths.map(async (path): Promise<FileLookupResult> => {
      const looked = candidatePaths(path, lookup);
      for (const candidate of looked) {
        const info = await stat(candidate).catch(() => undefined);
        if (info?.isFile()) return { path, found: true, resolved: candidate };
      }
      listing ??= listDataFiles([lookup.baseDir, ...lookup.dataRoots]);
      const { files } = await listing;
      const suggestions = similarFiles(path, files).map((file) => asWritten(file, lookup.baseDir));
      return { path, found: false, looked, suggestions };
    }),
  );
}

/**
 * Every local input file of the document's nodes that is in none of the places the run would look,
 * as a `data.file-missing` diagnostic on its node. `parameters` are the run's pipeline parameter values.
 */
export async function checkInputFiles(
  document: PipelineDocument,
  registry: NodeRegistry,
  lookup: FileLookup,
  parameters: Readonly<Record<string, unknown>> = {},
): Promise<Diagnostic[]> {
  const references = inputFileReferences(document, registry, parameters);
  if (references.length === 0) return [];
  const results = await lookUpFiles(
    references.map((reference) => reference.path),
    lookup,
  );
  const diagnostics: Diagnostic[] = [];
  references.forEach((reference, index) => {
    const result = results[index];
    if (result !== undefined && !result.found) diagnostics.push(missingInputFile(reference, result));
  });
  return diagnostics;
}

/** At most three existing files whose name is the wanted one (any case), or one or two edits from it. */
function similarFiles(path: string, files: readonly string[]): string[] {
  const wanted = basename(path).toLowerCase();
  const scored: Array<{ file: string; distance: number }> = [];
  for (const file of files) {
    const name = basename(file).toLowerCase();
    const distance = name === wanted ? 0 : editDistance(name, wanted, 2);
    if (distance <= 2) scored.push({ file, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.file.length - b.file.length || a.file.localeCompare(b.file));
  return scored.slice(0, 3).map((entry) => entry.file);
}

function asWritten(file: string, baseDir: string): string {
  const inside = relative(resolve(baseDir), file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

/** Levenshtein distance, giving up (returning `limit + 1`) once every path is longer than `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}
