import { EXAMPLE_NODE, exampleNodeType, type PluginTemplateOptions, type ScaffoldFile } from './scaffold-file.ts';

/** The package's README: what it holds, and the way from editing the node to publishing it. */
export function pluginReadme(options: PluginTemplateOptions): ScaffoldFile {
  const name = options.packageName;
  const type = exampleNodeType(options);
  const { file, exportName, version } = EXAMPLE_NODE;
  const content = `# ${name}

A Loom plugin, created with \`loom create-node\`. It provides one node:

| node | does |
| --- | --- |
| \`${type}@${version}\` | multiplies each number of a metrics set by a factor (100 by default, so fractions become percentages) |

## What is where
- \`package.json\`: the plugin's manifest. Its \`loom\` field tells Loom what the package provides before
  importing any of it: the plugin API version, the \`entry\` module and every node as \`type@version\`.
  \`@loom/sdk\` is a peer dependency: Loom lends its own SDK to the plugins it loads, so a plugin never
  ships a copy (\`peerDependenciesMeta\` marks it optional, so that installing the plugin fetches none).
- \`src/index.ts\`: the entry. It exports \`nodes\`, exactly the nodes \`loom.nodes\` lists (Loom refuses
  the plugin when they differ), and may export \`portTypes\` (\`definePortType(…)\`) for types of its own.
- \`src/${file}.ts\`: the node: its ports, its parameters (a TypeBox schema, which types \`ctx.params\`,
  checks pipeline documents and draws the designer's form) and \`run(ctx)\`.
- \`src/${file}.test.ts\`: its test, through \`runNode\` from \`@loom/sdk/testing\`.
- \`example.loom.json\`: a pipeline that uses the node.

## Develop
\`\`\`sh
pnpm install   # the SDK comes from the Loom that created this folder (see below)
pnpm test      # vitest: the node's tests
pnpm build     # tsc: type-checks, emits nothing
\`\`\`

Make the node your own in \`src/${file}.ts\`: its \`type\` (keep the \`${options.typePrefix}.\` prefix, your
plugin's namespace), title, ports, parameters and \`run\`. \`ctx\` gives the typed inputs and parameters,
\`ctx.log\`, \`ctx.progress(fraction)\`, \`ctx.metric(name, value)\`, \`ctx.artifacts\` for files and
\`ctx.signal\`, which aborts when the run is cancelled. Throw \`NodeError\` (from \`@loom/sdk\`) for a
failure the user can fix; \`{ retryable: false }\` says that trying again will not help. When you rename
the type or add a node (a file of its own, added to \`nodes\` in \`src/index.ts\`), list it in \`loom.nodes\`.

The \`@loom/sdk\` devDependency is \`${options.sdkLink}\`: a link to the SDK of the Loom checkout that
created this folder, for the types and the tests. If you move this folder or that checkout, correct the
path and run \`pnpm install\` again.

### What \`pnpm build\` does
It type-checks and writes nothing. Loom runs a plugin's TypeScript as it is (\`loom.entry\` is
\`./src/index.ts\`), from a plugins folder or from npm alike, so there is nothing to compile and what you
publish is the source. The SDK is TypeScript source too, imported with \`.ts\` extensions, which only a
compiler that emits nothing accepts: hence \`noEmit\` in \`tsconfig.json\`.

## Run it in Loom
Loom loads the plugins in its plugins folder, \`plugins/\` in the folder where it runs (or the folder
\`LOOM_PLUGINS_DIR\` names): each folder in it, or in an \`@scope\` folder in it, is a plugin. So keep this
package in one: create it there (\`loom create-node plugins/<name>\`), move it there, or link it
(\`ln -s "$PWD" <project>/plugins/\`). Then, from the folder that holds \`plugins/\`:

\`\`\`sh
loom nodes                                     # lists ${type}@${version} and where it came from
loom run plugins/<this folder>/example.loom.json   # accuracy 91.2, f1 87.7
\`\`\`

(In a Loom checkout, \`loom\` is \`pnpm loom\` run from the checkout's root.) Loom hashes a plugin's
source files into the cache keys of the steps that use it, so after an edit \`loom run\` runs those steps
again. Npm packages are the other way in: see Publish.

## Live reload
\`\`\`sh
loom start --dev
\`\`\`
watches the plugins folder, \`loom.config.json\` and every plugin's package: save a file and the designer's
palette and the next run use the new code, with no restart. A plugin that fails to load leaves its last
good version serving, and the reason is printed.

## Change a node: a new version, and \`migrate\`
A saved pipeline pins each node's type and version. So a change that alters what a node computes or which
parameters it takes gets a new version, and the old version stays installed beside it: pipelines that
use it keep running until someone upgrades them. To rename \`digits\` to \`decimals\`, say:

1. Copy \`src/${file}.ts\` to \`src/${file}-v1.ts\` and rename its export to \`${exportName}V1\`; keep both in
   \`nodes\` (\`src/index.ts\`).
2. In \`src/${file}.ts\`, make the change and raise \`version\`: \`'2.0.0'\` for a renamed or removed
   parameter or a different result, \`'1.1.0'\` for a new parameter with a default.
3. Say how the old version's parameters become the new one's; the designer's "upgrade node" applies it:
   \`\`\`ts
   migrate: {
     from: '1.0.0',
     // Only the parameters the document sets arrive here: an unset one stays unset, and takes the default.
     params: ({ digits, ...unchanged }) =>
       digits === undefined ? unchanged : { ...unchanged, decimals: digits as number },
   },
   \`\`\`
4. Add \`${type}@2.0.0\` to \`loom.nodes\` (keep \`@1.0.0\`), test the migration (old parameters through
   \`${exportName}.migrate.params\`, then \`runNode\`), and raise the package's own version.

## Publish
\`\`\`sh
pnpm pack --dry-run   # what will be published: package.json, README.md and src/ without the tests
pnpm publish
\`\`\`
Whoever uses it installs it where they run Loom, and lists it in \`loom.config.json\` there:
\`\`\`sh
pnpm add ${name}
echo '{ "plugins": ["${name}"] }' > loom.config.json
loom nodes   # ${type}@${version}, from npm: node_modules/${name}
\`\`\`
To try that before publishing, \`pnpm pack\` makes the tarball that would be published; \`pnpm add
./<tarball>.tgz\` installs it the same way.
`;
  return { path: 'README.md', content };
}
