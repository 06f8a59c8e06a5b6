/**
 * Import rules checked by `pnpm check:cycles` (part of `pnpm test`): no circular imports anywhere,
 * packages depend one way (graph ← sdk ← compiler ← runtime ← server ← cli; nodes on sdk only), and the pure
 * packages import no Node.js built-ins, so the designer can run them in a browser.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make load order fragile and packages impossible to split.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-no-node-builtins',
      severity: 'error',
      comment: 'graph, sdk and compiler run in the browser too: no fs, network or other Node.js built-ins.',
      from: { path: '^packages/(graph|sdk|compiler)/src/', pathNot: ['^packages/sdk/src/testing/', '\\.test\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'graph-depends-on-no-loom-package',
      severity: 'error',
      from: { path: '^packages/graph/' },
      to: { path: '^(packages|nodes)/(?!graph/)' },
    },
    {
      name: 'sdk-depends-on-graph-only',
      severity: 'error',
      from: { path: '^packages/sdk/' },
      to: { path: '^(packages/(compiler|runtime|cli)|nodes)/' },
    },
    {
      name: 'compiler-below-runtime',
      severity: 'error',
      from: { path: '^packages/compiler/' },
      to: { path: '^(packages/(runtime|cli)|nodes)/' },
    },
    {
      name: 'runtime-below-cli',
      severity: 'error',
      comment: 'The runtime never knows which nodes exist: it gets a registry.',
      from: { path: '^packages/runtime/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(packages/cli|nodes|server)/' },
    },
    {
      name: 'server-below-cli',
      severity: 'error',
      comment: 'The server gets its node registry from whoever starts it; it never imports the CLI or node packages.',
      from: { path: '^server/src/', pathNot: '\\.test\\.ts$|/test-fixtures/' },
      to: { path: '^(packages/cli|nodes)/' },
    },
    {
      name: 'remote-commands-over-http-only',
      severity: 'error',
      comment:
        'loom remote talks to a server it may not share a machine with: the API reply types, never the server’s code.',
      from: { path: '^packages/cli/src/commands/remote/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'plugin-loader-above-sdk-only',
      severity: 'error',
      comment: 'Finding and loading plugins needs the SDK alone; the CLI decides what to do with them.',
      from: { path: '^packages/plugins/src/' },
      to: { path: '^(packages/(compiler|runtime|cli)|nodes|server)/' },
    },
    {
      name: 'example-plugins-use-sdk-only',
      severity: 'error',
      comment:
        'An example plugin is what a user writes: it may use the SDK and ordinary libraries, nothing of Loom inside.',
      from: { path: '^examples/plugins/' },
      to: { path: '^(packages/(graph|compiler|runtime|cli|plugins)|nodes|server)/' },
    },
    {
      name: 'nodes-use-sdk-only',
      severity: 'error',
      comment:
        'A node package is written as a user plugin would be: against the SDK and ordinary libraries (ml, tables, onnx), never the compiler, runtime or CLI, nor another node package.',
      from: { path: '^nodes/([^/]+)/' },
      to: { path: '^(packages/(graph|compiler|runtime|cli)/|nodes/)', pathNot: '^nodes/$1/' },
    },
    {
      name: 'node-libraries-below-sdk-users',
      severity: 'error',
      comment: 'ml, tables and onnx are libraries for nodes: they know nothing of Loom’s pipeline machinery.',
      from: { path: '^packages/(ml|tables|onnx|drift)/' },
      to: { path: '^(packages/(graph|sdk|compiler|runtime|cli)|nodes)/' },
    },
    {
      name: 'serving-knows-no-pipelines',
      severity: 'error',
      comment:
        'serving is a library like onnx: it runs ONNX models and speaks the inference protocol, knowing nothing of pipelines, the store or HTTP frameworks.',
      from: { path: '^packages/serving/' },
      to: { path: '^(packages/(graph|sdk|compiler|runtime|cli|plugins)|nodes|server)/' },
    },
    {
      name: 'ml-is-pure',
      severity: 'error',
      comment: 'The numeric kernels and formats run anywhere, the browser included.',
      from: { path: '^packages/ml/src/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core', 'npm'] },
    },
    {
      name: 'kubernetes-below-server',
      severity: 'error',
      comment:
        'The Kubernetes backend and endpoint applier are adapters the CLI and the server use; they never import either, nor node packages.',
      from: { path: '^packages/kubernetes/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(packages/cli|nodes|server)/' },
    },
    {
      name: 'drift-is-pure',
      severity: 'error',
      comment:
        'Profiles and drift metrics are numbers in, numbers out: they run anywhere, the browser included, and know nothing of pipelines.',
      from: { path: '^packages/drift/src/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core', 'npm'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/(?!@loom/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.js'],
    },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
