import {
  type AnyNodeDefinition,
  defineNode,
  type NodeCatalog,
  NodeRegistry,
  nodeCatalog,
  output,
  Type,
} from '@loom/sdk';
import { catalogContext } from '../catalog/catalog-context.ts';
import type { CatalogContext } from '../store/editor-types.ts';

const run = async () => ({}) as never;

/** `test.greet@1.0.0`: greets `name`. */
export const greetV1 = defineNode({
  type: 'test.greet',
  version: '1.0.0',
  title: 'Greet',
  description: 'Says hello.',
  category: 'utility',
  params: Type.Object({ name: Type.String({ minLength: 1 }) }),
  outputs: { text: output('text') },
  run,
});

/** `test.greet@2.0.0`: renames `name` to `who`, and says so in its migration. */
export const greetV2 = defineNode({
  type: 'test.greet',
  version: '2.0.0',
  title: 'Greet',
  description: 'Says hello, politely.',
  category: 'utility',
  params: Type.Object({ who: Type.String({ minLength: 1 }) }),
  outputs: { text: output('text') },
  migrate: { from: '1.0.0', params: ({ name, ...rest }) => ({ ...rest, who: name as string }) },
  run,
});

/** A node type a reloaded plugin brings. */
export const shoutNode = defineNode({
  type: 'test.shout',
  version: '1.0.0',
  title: 'Shout',
  description: 'Says it loudly.',
  category: 'utility',
  outputs: { text: output('text') },
  run,
});

const plugin = { name: 'loom-plugin-greet', version: '0.3.0', origin: 'directory' } as const;

/** A catalog as the server sends it (through JSON) for these definitions, all from one plugin folder. */
export function catalogOf(definitions: readonly AnyNodeDefinition[]): NodeCatalog {
  const registry = new NodeRegistry(
    definitions.map((definition) => ({ definition, source: `${plugin.name}@${plugin.version}`, plugin })),
  );
  return JSON.parse(JSON.stringify(nodeCatalog(registry))) as NodeCatalog;
}

/** Both versions of `test.greet` installed, at registry revision `revision`. */
export function versionedCatalog(revision = 0, extra: readonly AnyNodeDefinition[] = []): CatalogContext {
  return catalogContext(catalogOf([greetV1, greetV2, ...extra] as AnyNodeDefinition[]), revision);
}
