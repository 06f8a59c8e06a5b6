import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { PluginOrigin } from '@loom/sdk';
import { errorMessage, type PluginProblem } from './plugin-error.ts';

/** The plugin API this Loom implements: the `loom.apiVersion` a plugin's package.json must name. */
export const PLUGIN_API_VERSION = 1;

/** The SDK a plugin is written against; the host provides it, so a plugin lists it as a peer dependency. */
export const SDK_PACKAGE = '@loom/sdk';

/**
 * A plugin as its package.json describes it, before any of its code is imported:
 *
 * ```json
 * {
 *   "name": "@acme/loom-text", "version": "1.2.0", "type": "module",
 *   "loom": { "apiVersion": 1, "entry": "./src/index.ts", "nodes": ["acme.word_count@1.0.0"] },
 *   "peerDependencies": { "@loom/sdk": "^0.1.0" }
 * }
 * ```
 */
export interface PluginManifest {
  name: string;
  version: string;
  /** Absolute path of the package folder. */
  dir: string;
  origin: PluginOrigin;
  apiVersion: number;
  /** Absolute path of the module exporting `nodes` (and optionally `portTypes`). */
  entry: string;
  /** The node types and versions the plugin says it provides, as `type@version`, in package.json order. */
  nodes: string[];
}

const NODE_REF = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export type ManifestResult = { ok: true; manifest: PluginManifest } | { ok: false; problems: PluginProblem[] };

/**
 * Reads and checks the package.json of the plugin in `dir`. Every problem is reported at once, each
 * naming the field to fix.
 */
export async function readPluginManifest(dir: string, origin: PluginOrigin): Promise<ManifestResult> {
  const file = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { ok: false, problems: [{ plugin: dir, path: file, message: 'has no package.json' }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const message = errorMessage(cause);
    return {
      ok: false,
      problems: [{ plugin: dir, path: file, message: `package.json is not valid JSON: ${message}` }],
    };
  }
  if (!isRecord(json)) {
    return { ok: false, problems: [{ plugin: dir, path: file, message: 'package.json is not a JSON object' }] };
  }
  const name = typeof json.name === 'string' && json.name !== '' ? json.name : undefined;
  const plugin = name ?? dir;
  const problems: PluginProblem[] = [];
  const problem = (message: string) => problems.push({ plugin, path: file, message });

  if (name === undefined) problem('"name" is missing');
  const version = typeof json.version === 'string' ? json.version : '';
  if (!SEMVER.test(version)) problem(`"version" must be semver (e.g. "1.0.0"), not ${JSON.stringify(json.version)}`);
  if (json.type !== 'module') {
    problem('"type" must be "module": Loom imports plugins as ES modules');
  }
  const peer = isRecord(json.peerDependencies) ? json.peerDependencies[SDK_PACKAGE] : undefined;
  if (typeof peer !== 'string') {
    problem(`"peerDependencies" must list "${SDK_PACKAGE}": Loom provides the SDK its plugins run against`);
  }
  if (isRecord(json.dependencies) && SDK_PACKAGE in json.dependencies) {
    problem(
      `"${SDK_PACKAGE}" must be a peer dependency, not in "dependencies": a second copy of the SDK would not be the one Loom runs`,
    );
  }

  const loom = json.loom;
  if (!isRecord(loom)) {
    problem('"loom" is missing: a Loom plugin says { "apiVersion", "entry", "nodes" } there');
    return { ok: false, problems };
  }
  if (loom.apiVersion !== PLUGIN_API_VERSION) {
    problem(
      typeof loom.apiVersion === 'number' && loom.apiVersion > PLUGIN_API_VERSION
        ? `"loom.apiVersion" ${loom.apiVersion} is newer than this Loom supports (${PLUGIN_API_VERSION}): upgrade Loom`
        : `"loom.apiVersion" must be ${PLUGIN_API_VERSION}, not ${JSON.stringify(loom.apiVersion)}`,
    );
  }
  let entry = '';
  if (typeof loom.entry !== 'string' || loom.entry === '') {
    problem('"loom.entry" must name the module that exports the nodes, e.g. "./src/index.ts"');
  } else {
    entry = resolve(dir, loom.entry);
    if (relative(dir, entry).startsWith('..')) {
      problem(`"loom.entry" (${loom.entry}) must be inside the package`);
    } else if (!(await isFile(entry))) {
      problem(`"loom.entry" names ${loom.entry}, which does not exist`);
    }
  }
  const nodes: string[] = [];
  if (!Array.isArray(loom.nodes) || loom.nodes.length === 0) {
    problem('"loom.nodes" must list the nodes the plugin provides, as "type@version" (e.g. "acme.word_count@1.0.0")');
  } else {
    const seen = new Set<string>();
    loom.nodes.forEach((ref: unknown, index: number) => {
      if (typeof ref !== 'string' || !NODE_REF.test(ref)) {
        problem(
          `"loom.nodes[${index}]" must be "type@version" (e.g. "acme.word_count@1.0.0"), not ${JSON.stringify(ref)}`,
        );
      } else if (seen.has(ref)) {
        problem(`"loom.nodes" lists ${ref} twice`);
      } else {
        seen.add(ref);
        nodes.push(ref);
      }
    });
  }
  if (problems.length > 0 || name === undefined) return { ok: false, problems };
  return {
    ok: true,
    manifest: { name, version, dir, origin, apiVersion: PLUGIN_API_VERSION, entry, nodes },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
