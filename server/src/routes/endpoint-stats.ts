import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.ts';
import { EndpointStatsQuerySchema, EndpointStatsSchema } from '../schemas/endpoint-stats.ts';
import { EndpointParamsSchema } from '../schemas/models.ts';

/**
 * `GET /api/endpoints/:model/stats`: what this server's model server answered for a model over the
 * last hour or day, for the designer's charts. The series live in this process's memory (see
 * `EndpointSeries`): a restart starts them again, and a `loom serve` process answers for its own
 * traffic at this same route.
 */
export const endpointStatsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/endpoints/:model/stats',
    {
      schema: {
        tags: ['endpoints'],
        summary: "A model's traffic here: requests/s, error rate, p50 and p99 latency over time",
        description:
          'Counted by the model server of this process as it answers `/v2/models/:model/infer` (no other process’s traffic): per 10-second slot over the last hour (`range=1h`) or per minute over the last day (`range=1d`). 404 for a model the registry does not have; 503 when this server runs no model server (`LOOM_MODEL_SERVER=off`).',
        params: EndpointParamsSchema,
        querystring: EndpointStatsQuerySchema,
        response: { 200: EndpointStatsSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { model } = request.params;
      const metrics = app.modelServingMetrics;
      if (metrics === undefined) {
        return reply.code(503).send({
          error: 'no-model-server',
          message: 'this server runs no model server (LOOM_MODEL_SERVER=off): ask the `loom serve` process',
        });
      }
      if (app.store.getModel(model) === undefined) {
        return reply.code(404).send({ error: 'not-found', message: `no model "${model}"` });
      }
      const points = metrics.series(model, request.query.range ?? '1h', Date.now());
      return { ...points, model, start: new Date(points.start).toISOString(), end: new Date(points.end).toISOString() };
    },
  );
};
