/** One file of a scaffolded package: its path inside the package (`/`-separated) and its text. */
export interface ScaffoldFile {
  path: string;
  content: string;
}

/** Everything the templates of a plugin package are filled in with. */
export interface PluginTemplateOptions {
  /** The npm package name, e.g. `@acme/loom-text`. */
  packageName: string;
  /** The prefix of its node types, e.g. `acme`. */
  typePrefix: string;
  /** How the package's `@loom/sdk` devDependency is installed: `link:<relative path to Loom's packages/sdk>`. */
  sdkLink: string;
  /** The version of that SDK; the package accepts `^sdkVersion` as its peer. */
  sdkVersion: string;
  /**
   * Exact versions for the development tools' dependencies, from Loom's lockfile (see `lockedClosure`):
   * pinned in the package's pnpm-workspace.yaml so that it installs from Loom's pnpm store, offline.
   */
  lockedVersions?: Readonly<Record<string, string>>;
}

/** The scaffold's example node, named once for the templates that mention it. */
export const EXAMPLE_NODE = {
  /** Its type after the package's prefix. */
  name: 'scale_metrics',
  version: '1.0.0',
  /** Its source file in `src/`, without `.ts`. */
  file: 'scale-metrics',
  /** The name its definition is exported as. */
  exportName: 'scaleMetrics',
} as const;

/** `prefix.scale_metrics`: the example node's full type. */
export function exampleNodeType(options: Pick<PluginTemplateOptions, 'typePrefix'>): string {
  return `${options.typePrefix}.${EXAMPLE_NODE.name}`;
}

/** JSON as npm and most editors write it: 2-space indent and a final newline. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
