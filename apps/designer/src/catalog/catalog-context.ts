import { type NodeCatalog, registryFromCatalog } from '@loom/sdk';
import type { CatalogContext } from '../store/editor-types.ts';

/**
 * What the editor keeps of a catalog the server sent: the catalog, the registry the in-browser compiler
 * runs against, and the revision it comes from.
 *
 * @throws when the registry cannot be rebuilt from the catalog (see `registryFromCatalog`).
 */
export function catalogContext(catalog: NodeCatalog, revision: number | undefined): CatalogContext {
  const context: CatalogContext = { catalog, registry: registryFromCatalog(catalog) };
  if (revision !== undefined) context.revision = revision;
  return context;
}
