import {
  EXAMPLE_NODE,
  exampleNodeType,
  jsonFile,
  type PluginTemplateOptions,
  type ScaffoldFile,
} from './scaffold-file.ts';

/**
 * The development tools a new plugin installs, pinned exactly: the versions Loom itself is tested with
 * (its root package.json), so a fresh package installs from a pnpm store that has Loom's, offline, and
 * type-checks the SDK's source with the compiler that SDK was written for.
 */
export const PLUGIN_DEV_TOOLS = {
  '@types/node': '20.19.43',
  typescript: '6.0.3',
  vitest: '4.1.12',
} as const;

/** The package's own files: manifest, compiler and test settings, and what git and pnpm should ignore. */
export function packageFiles(options: PluginTemplateOptions): ScaffoldFile[] {
  return [
    { path: 'package.json', content: jsonFile(packageJson(options)) },
    { path: 'tsconfig.json', content: jsonFile(TSCONFIG) },
    { path: 'vitest.config.ts', content: VITEST_CONFIG },
    { path: 'pnpm-workspace.yaml', content: pnpmWorkspace(options.lockedVersions) },
    { path: '.gitignore', content: GITIGNORE },
  ];
}

function packageJson(options: PluginTemplateOptions): Record<string, unknown> {
  return {
    name: options.packageName,
    version: '0.1.0',
    description: `Loom nodes: ${exampleNodeType(options)}`,
    type: 'module',
    // What `pnpm publish` ships: the source Loom runs, without the tests.
    files: ['src', '!src/**/*.test.ts', 'README.md'],
    scripts: { test: 'vitest run', build: 'tsc -p tsconfig.json' },
    loom: {
      apiVersion: 1,
      entry: './src/index.ts',
      nodes: [`${exampleNodeType(options)}@${EXAMPLE_NODE.version}`],
    },
    peerDependencies: { '@loom/sdk': `^${options.sdkVersion}` },
    // Loom hands its own SDK to the plugins it loads, so nothing installing this package may fetch one.
    peerDependenciesMeta: { '@loom/sdk': { optional: true } },
    devDependencies: { '@loom/sdk': options.sdkLink, ...PLUGIN_DEV_TOOLS },
  };
}

/** Loom's own compiler settings (its root tsconfig.json): the SDK's source is type-checked under them too. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    // Loom runs the TypeScript source, and the SDK imports with `.ts` extensions, which only a
    // compiler that emits nothing accepts: `pnpm build` is the type check.
    noEmit: true,
    allowImportingTsExtensions: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    resolveJsonModule: true,
    skipLibCheck: true,
  },
  include: ['src', 'vitest.config.ts'],
};

const VITEST_CONFIG = `// The package's own test settings, so that a folder inside another project (a Loom checkout's
// plugins/ folder, say) runs its own tests and not that project's.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['src/**/*.test.ts'] } });
`;

const PNPM_WORKSPACE = `# This package is a pnpm workspace of its own, so that \`pnpm install\` here installs this package
# alone, even in a folder inside another workspace (a Loom checkout's plugins/ folder, say).
packages:
  - .
`;

/** The workspace file, with the development tools' dependencies pinned to Loom's when it knows them. */
function pnpmWorkspace(locked: Readonly<Record<string, string>> | undefined): string {
  if (locked === undefined || Object.keys(locked).length === 0) return PNPM_WORKSPACE;
  const pins = Object.entries(locked).map(
    ([name, version]) => `  ${JSON.stringify(name)}: ${JSON.stringify(version)}\n`,
  );
  return `${PNPM_WORKSPACE}
# The versions Loom's own install put in the pnpm store, for the tools above and all they depend on, so
# that \`pnpm install\` works offline and tests with what Loom is tested with. Delete this block to take
# newer releases (\`pnpm update\` then fetches them).
overrides:
${pins.join('')}`;
}

const GITIGNORE = `node_modules/
# What \`loom run\` and \`loom start\` keep when run in this folder.
.loom/
*.tgz
`;
