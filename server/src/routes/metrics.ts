import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

/** `GET /metrics`: the Prometheus text exposition of `fastify.loomMetrics`. */
export const metricsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics',
        response: {
          200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: Type.String() } } },
          ...errorResponses(401),
        },
      },
    },
    async (_request, reply) => {
      const { registry } = app.loomMetrics;
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    },
  );
};
