import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import pc from 'picocolors';
import { loomLockedClosure } from '../scaffold/locked-versions.ts';
import { PLUGIN_DEV_TOOLS } from '../scaffold/package-files.ts';
import {
  packageNameForFolder,
  packageNameProblem,
  typePrefixFor,
  typePrefixProblem,
} from '../scaffold/plugin-names.ts';
import { pluginTemplate } from '../scaffold/plugin-template.ts';
import { EXAMPLE_NODE, exampleNodeType } from '../scaffold/scaffold-file.ts';
import { ScaffoldTargetError, writeScaffold } from '../scaffold/write-scaffold.ts';
import { UserError } from '../user-error.ts';

export interface CreateNodeOptions {
  /** The npm package name. @default the folder's name (`@scope/name` in an `@scope` folder) */
  name?: string;
  /** The prefix of the node types, as in `prefix.scale_metrics`. @default the package's scope, else its name */
  prefix?: string;
}

/**
 * `loom create-node DIR`: writes a plugin package into a new or empty folder (one example node, its test,
 * a pipeline using it, and a README on what comes next), then prints the next steps. Returns the exit code.
 *
 * @throws {UserError} for a name or prefix Loom cannot use, or a folder that is not empty.
 */
export async function createNodeCommand(dir: string, options: CreateNodeOptions): Promise<number> {
  const target = resolve(dir);
  const packageName = options.name ?? packageNameForFolder(target);
  const nameProblem = packageNameProblem(packageName);
  if (nameProblem !== undefined) {
    const fix = options.name === undefined ? ': give the package name with --name' : '';
    throw new UserError(`package name "${packageName}" ${nameProblem}${fix}`, 2);
  }
  const typePrefix = options.prefix ?? typePrefixFor(packageName);
  if (typePrefix === undefined) {
    throw new UserError(`no node type prefix follows from "${packageName}": give one with --prefix (e.g. acme)`, 2);
  }
  const prefixProblem = typePrefixProblem(typePrefix);
  if (prefixProblem !== undefined) throw new UserError(`--prefix "${typePrefix}" ${prefixProblem}`, 2);

  const sdk = await loomSdk();
  const sdkLink = `link:${linkPath(target, sdk.dir)}`;
  const lockedVersions = await loomLockedClosure(PLUGIN_DEV_TOOLS);
  const files = pluginTemplate({
    packageName,
    typePrefix,
    sdkLink,
    sdkVersion: sdk.version,
    ...(lockedVersions === undefined ? {} : { lockedVersions }),
  });
  try {
    await writeScaffold(dir, files);
  } catch (cause) {
    if (cause instanceof ScaffoldTargetError) throw new UserError(cause.message);
    throw cause;
  }
  process.stdout.write(nextSteps(target, packageName, exampleNodeType({ typePrefix })));
  return 0;
}

/** The folder and version of the SDK this Loom runs: a new plugin's devDependency links to it. */
async function loomSdk(): Promise<{ dir: string; version: string }> {
  let dir = dirname(createRequire(import.meta.url).resolve('@loom/sdk'));
  for (;;) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').then(
      (text) => JSON.parse(text) as { name?: string; version?: string },
      () => undefined,
    );
    if (manifest?.name === '@loom/sdk' && manifest.version !== undefined) return { dir, version: manifest.version };
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package.json of @loom/sdk');
    dir = parent;
  }
}

/** `to` as a `link:` path from `from`: relative when it can be (the pair moves together), `/`-separated. */
function linkPath(from: string, to: string): string {
  const path = relative(from, to);
  return isAbsolute(path) ? path : path.split(sep).join('/');
}

/** What to type next, from where the user is: install, test, build, then see the node in Loom. */
function nextSteps(target: string, packageName: string, nodeType: string): string {
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const parent = dirname(target);
  // A scoped package sits in an `@scope` folder of the plugins folder.
  const pluginsDir = basename(parent).startsWith('@') ? dirname(parent) : parent;
  const isDefaultPluginsDir = pluginsDir === resolve('plugins');
  const withPlugins = isDefaultPluginsDir ? '' : `LOOM_PLUGINS_DIR=${shown(pluginsDir)} `;
  const setUp: Array<[string, string]> = [
    [`cd ${shown(target)}`, ''],
    ['pnpm install', 'its SDK is a link to this Loom’s'],
    ['pnpm test', 'the node’s tests'],
    ['pnpm build', 'type-check'],
  ];
  const inLoom: Array<[string, string]> = [
    [`${withPlugins}loom nodes`, `lists ${nodeType}`],
    [`${withPlugins}loom run ${shown(join(target, 'example.loom.json'))}`, 'runs it in a pipeline'],
    [`${withPlugins}loom start --dev`, 'reloads it as you edit'],
  ];
  const width = Math.max(...[...setUp, ...inLoom].map(([command]) => command.length)) + 3;
  const lines = (steps: Array<[string, string]>) =>
    steps.map(([command, why]) => (why === '' ? `  ${command}\n` : `  ${command.padEnd(width)}${pc.dim(why)}\n`));
  const from = isDefaultPluginsDir ? 'here' : `from here (every folder in ${shown(pluginsDir)} is taken for a plugin)`;
  return [
    `${pc.green('✔')} created ${packageName} in ${shown(target)}: a Loom plugin with one node, ${nodeType}@${EXAMPLE_NODE.version}\n`,
    '\nnext:\n',
    ...lines(setUp),
    `then, ${from}:\n`,
    ...lines(inLoom),
    `${pc.dim('README.md goes on: new versions with migrate, and publishing to npm.')}\n`,
  ].join('');
}
