import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type NodeCatalog, nodeCatalog } from '@loom/sdk';
import { errorResponses } from '../schemas/common.ts';
import { NodeCatalogSchema } from '../schemas/nodes.ts';

/** `GET /api/nodes`: the node catalog. */
export const nodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The registry is fixed for the app's lifetime: the catalog is built once, on the first request.
  let catalog: NodeCatalog | undefined;
  app.get(
    '/api/nodes',
    {
      schema: {
        tags: ['nodes'],
        summary: 'The node catalog: every installed node type version, with ports and parameter schemas',
        response: { 200: NodeCatalogSchema, ...errorResponses(401) },
      },
    },
    async () => {
      catalog ??= nodeCatalog(app.registry);
      return catalog;
    },
  );
};
