import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '../schemas/health.ts';

/**
 * `GET /healthz`: 200 when the server can do its work, 503 `degraded` while Redis is down. It never
 * needs a token and never fails itself, so load balancers and `docker compose` can rely on it.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Whether the server and its queue are up',
        // Open even when the API needs a token.
        security: [],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const health = await app.runs.health();
      if (health.redisUp === undefined) return { status: 'ok' as const, transport: health.transport };
      const redis = health.redisUp ? ('up' as const) : ('down' as const);
      if (health.redisUp) return { status: 'ok' as const, transport: health.transport, redis };
      return reply.code(503).send({ status: 'degraded', transport: health.transport, redis });
    },
  );
};
