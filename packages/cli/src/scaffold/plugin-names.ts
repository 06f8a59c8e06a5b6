import { basename, dirname, resolve } from 'node:path';

/** What a scaffolded plugin is called: its npm package and the prefix of its node types. */
export interface PluginNames {
  /** The npm package name, e.g. `@acme/loom-text`. */
  packageName: string;
  /** The first part of every node type the plugin defines, e.g. `acme` in `acme.scale_metrics`. */
  typePrefix: string;
}

// npm's rules for new packages: lower case, URL-safe, an optional scope, at most 214 characters.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
// A node type is dotted lower-case words (defineNode's rule), so a prefix is one or more of them.
const TYPE_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * The package name for a plugin created in `dir`: its folder name, scoped when the folder sits in an
 * `@scope` folder (`plugins/@acme/text` is `@acme/text`), as Loom's plugins folder lays scoped packages out.
 */
export function packageNameForFolder(dir: string): string {
  const folder = resolve(dir);
  const parent = basename(dirname(folder));
  return parent.startsWith('@') ? `${parent}/${basename(folder)}` : basename(folder);
}

/** Why `name` cannot be an npm package name, or undefined when it can. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length > 214) return 'is longer than the 214 characters npm allows';
  if (!PACKAGE_NAME.test(name)) {
    return 'is not an npm package name (lower-case letters, digits, "-", "." and "_", optionally as @scope/name)';
  }
  return undefined;
}

/**
 * The node type prefix a package name suggests: its scope when it has one (`@acme/loom-text` → `acme`, the
 * publisher's namespace), else its name without a `loom-` or `loom-plugin-` prefix or a `-loom` suffix
 * (`loom-plugin-images` → `images`), in snake case. Undefined when nothing usable is left.
 */
export function typePrefixFor(packageName: string): string | undefined {
  const scope = /^@([^/]+)\//.exec(packageName)?.[1];
  const bare = packageName.replace(/^@[^/]+\//, '').replace(/^loom-(plugin-|nodes?-)?|-loom$/, '');
  const prefix = (scope ?? bare)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return TYPE_PREFIX.test(prefix) ? prefix : undefined;
}

/** Why `prefix` cannot start a node type, or undefined when it can. */
export function typePrefixProblem(prefix: string): string | undefined {
  return TYPE_PREFIX.test(prefix)
    ? undefined
    : 'must be dotted lower-case words of letters, digits and "_", each starting with a letter (e.g. "acme" or "acme.text")';
}
