// Module hooks for loading plugins (registered by registerPluginHooks; they run on Node's hooks thread,
// hence plain JavaScript).
//
// 1. `@loom/sdk` is a peer dependency: whatever a plugin imports it as resolves to the SDK of the Loom
//    that loads it, so every plugin runs against the one SDK Loom itself uses, wherever it is installed.
// 2. Reloading: an entry imported as `…/index.ts?loom-generation=N` passes the same query on to the
//    plugin's own files it imports (not to node_modules), so each generation is a fresh module graph.
//    That is how `loom start --dev` sees a changed helper file, not only a changed entry.

const GENERATION = 'loom-generation';
let sdkParentURL;

export function initialize(data) {
  sdkParentURL = data.sdkParentURL;
}

export async function resolve(specifier, context, next) {
  if (specifier === '@loom/sdk' || specifier.startsWith('@loom/sdk/')) {
    return next(specifier, { ...context, parentURL: sdkParentURL });
  }
  const result = await next(specifier, context);
  const parent = context.parentURL;
  if (parent === undefined || !parent.startsWith('file:') || !result.url.startsWith('file:')) return result;
  const generation = new URL(parent).searchParams.get(GENERATION);
  if (generation === null) return result;
  const url = new URL(result.url);
  if (url.searchParams.has(GENERATION) || url.pathname.includes('/node_modules/')) return result;
  url.searchParams.set(GENERATION, generation);
  return { ...result, url: url.href };
}
