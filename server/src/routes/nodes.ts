import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type NodeCatalog, nodeCatalog, type UpgradeFailure, upgradeNodeParams } from '@loom/sdk';
import { errorResponses } from '../schemas/common.ts';
import { NodeCatalogSchema, NodeUpgradeBodySchema, NodeUpgradeReplySchema } from '../schemas/nodes.ts';
import { openEventStream } from './event-stream.ts';

/** The header of `GET /api/nodes` that names the registry revision the catalog was built from. */
export const CATALOG_REVISION_HEADER = 'x-loom-catalog-revision';

/** The status and error code of each way an upgrade can fail. */
const UPGRADE_FAILURE_REPLY: Record<UpgradeFailure['kind'], { status: 400 | 404; error: string }> = {
  'unknown-type': { status: 404, error: 'not-found' },
  'unknown-version': { status: 404, error: 'not-found' },
  'not-newer': { status: 400, error: 'bad-request' },
  'migration-failed': { status: 400, error: 'migration-failed' },
};

/**
 * The node catalog and what follows it: `GET /api/nodes` (the catalog of the registry served now),
 * `GET /api/nodes/events` (news of each registry replacement, as server-sent events) and
 * `POST /api/nodes/upgrade` (a node's parameters carried up to a newer version of its type).
 */
export const nodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Built once per registry revision: a dev loop (`loom start --dev`) replaces the registry while the
  // server runs, and the catalog must follow it.
  let cached: { revision: number; catalog: NodeCatalog } | undefined;
  const currentCatalog = () => {
    const source = app.nodeRegistry;
    if (cached?.revision !== source.revision) {
      cached = { revision: source.revision, catalog: nodeCatalog(source.registry) };
    }
    return cached;
  };

  app.get(
    '/api/nodes',
    {
      schema: {
        tags: ['nodes'],
        summary: 'The node catalog: every installed node type version, with ports and parameter schemas',
        description: `The \`${CATALOG_REVISION_HEADER}\` header names the registry revision the catalog comes from; \`GET /api/nodes/events\` says when it changes.`,
        response: { 200: NodeCatalogSchema, ...errorResponses(401) },
      },
    },
    async (_request, reply) => {
      const { revision, catalog } = currentCatalog();
      reply.header(CATALOG_REVISION_HEADER, String(revision));
      return catalog;
    },
  );

  app.get(
    '/api/nodes/events',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Stream news of catalog changes (server-sent events)',
        description:
          'First `event: catalog` with the current `{"revision": N}`, then one each time the node registry is replaced (a dev loop reloaded the plugins): fetch `GET /api/nodes` again when the revision differs from the one you have.',
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses(401),
        },
      },
    },
    async (request, reply) => {
      let unsubscribe = () => {};
      const write = openEventStream(request, reply, () => unsubscribe());
      const send = (revision: number) => write(`event: catalog\ndata: ${JSON.stringify({ revision })}\n\n`);
      // The current revision first: a client that reconnects learns whether it missed a replacement.
      send(app.nodeRegistry.revision);
      unsubscribe = app.nodeRegistry.subscribe(send);
    },
  );

  app.post(
    '/api/nodes/upgrade',
    {
      schema: {
        tags: ['nodes'],
        summary: "Carries a node's parameters from the version a document pins up to a newer installed version",
        description:
          "Applies, in ascending version order, the parameter migration (`migrate`) of each installed version on the way. Migrations are the plugins' code: one that throws is a 400 `migration-failed` naming the node and versions.",
        body: NodeUpgradeBodySchema,
        response: { 200: NodeUpgradeReplySchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { type, from, to, params } = request.body;
      const result = upgradeNodeParams(app.registry, type, from, to, params);
      if (result.ok) return result.upgrade;
      const { status, error } = UPGRADE_FAILURE_REPLY[result.failure.kind];
      if (result.failure.kind === 'migration-failed') request.log.warn({ type, from, to }, result.failure.message);
      return reply.code(status).send({ error, message: result.failure.message });
    },
  );
};
