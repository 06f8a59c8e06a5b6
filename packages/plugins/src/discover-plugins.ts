import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LOOM_CONFIG_FILE, readLoomConfig } from './loom-config.ts';
import type { PluginProblem } from './plugin-error.ts';
import { type PluginManifest, readPluginManifest } from './plugin-manifest.ts';

/** Where plugins are looked for. */
export interface PluginSources {
  /** Folders of the plugins shipped with Loom (the `nodes/*` packages). */
  builtins: readonly string[];
  /** The plugins folder: each package in it (or in an `@scope/` folder in it) is a plugin. */
  pluginsDir?: string;
  /** Whether a missing plugins folder is a problem (it was named explicitly) rather than nothing to load. */
  pluginsDirRequired?: boolean;
  /** The Loom configuration file; its `plugins` are resolved from its folder's node_modules. */
  configFile?: string;
}

export interface Discovery {
  manifests: PluginManifest[];
  problems: PluginProblem[];
  /** Folders a dev loop watches: each plugin's package (node_modules excluded by the watcher). */
  watch: string[];
}

/**
 * Finds every plugin and reads its manifest, importing nothing: built-ins first, then the plugins
 * folder (alphabetically), then the npm packages the configuration lists (in its order).
 */
export async function discoverPlugins(sources: PluginSources): Promise<Discovery> {
  const manifests: PluginManifest[] = [];
  const problems: PluginProblem[] = [];
  const add = (result: Awaited<ReturnType<typeof readPluginManifest>>) => {
    if (result.ok) manifests.push(result.manifest);
    else problems.push(...result.problems);
  };
  for (const dir of sources.builtins) add(await readPluginManifest(resolve(dir), 'builtin'));

  if (sources.pluginsDir !== undefined) {
    const root = resolve(sources.pluginsDir);
    const folders = await pluginFolders(root);
    if (folders === undefined) {
      if (sources.pluginsDirRequired) {
        problems.push({ plugin: root, path: root, message: 'the plugins folder (LOOM_PLUGINS_DIR) does not exist' });
      }
    } else {
      for (const dir of folders) add(await readPluginManifest(dir, 'directory'));
    }
  }

  if (sources.configFile !== undefined) {
    const configFile = resolve(sources.configFile);
    const { config, problems: configProblems } = await readLoomConfig(configFile);
    problems.push(...configProblems);
    for (const name of config.plugins) {
      const dir = await findInstalledPackage(name, dirname(configFile));
      if (dir === undefined) {
        problems.push({
          plugin: name,
          path: configFile,
          message: `is listed in ${LOOM_CONFIG_FILE} but not installed in ${dirname(configFile)}/node_modules (run \`pnpm add ${name}\`)`,
        });
      } else {
        add(await readPluginManifest(dir, 'npm'));
      }
    }
  }
  return { manifests, problems, watch: manifests.filter((m) => m.origin !== 'builtin').map((m) => m.dir) };
}

/** The package folders directly in `root` and in its `@scope` folders; undefined when `root` does not exist. */
async function pluginFolders(root: string): Promise<string[] | undefined> {
  let entries: string[];
  try {
    entries = (await readdir(root)).sort();
  } catch {
    return undefined;
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(root, entry);
    if (!(await isDirectory(path))) continue;
    if (entry.startsWith('@')) {
      for (const scoped of (await readdir(path)).sort()) {
        if (await isDirectory(join(path, scoped))) folders.push(join(path, scoped));
      }
    } else {
      folders.push(path);
    }
  }
  return folders;
}

/** Node's lookup for a package folder: `node_modules/<name>` in `from` and each folder above it. */
async function findInstalledPackage(name: string, from: string): Promise<string | undefined> {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (await isDirectory(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
