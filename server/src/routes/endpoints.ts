import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.ts';
import { EndpointBodySchema, EndpointListSchema, EndpointParamsSchema, EndpointSchema } from '../schemas/models.ts';
import { answerRefusals } from './model-registry-reply.ts';

const noEndpoint = (model: string) => ({ error: 'not-found', message: `model "${model}" has no endpoint` });

/**
 * Endpoints: which alias of a model its endpoint serves, and the traffic split over versions while a
 * canary runs. The model server serves them (`/v2`); each change notifies it.
 */
export const endpointRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/endpoints',
    {
      schema: {
        tags: ['endpoints'],
        summary: 'Lists endpoints',
        response: { 200: EndpointListSchema, ...errorResponses(401) },
      },
    },
    async () => ({ endpoints: app.store.listEndpoints() }),
  );

  app.get(
    '/api/endpoints/:model',
    {
      schema: {
        tags: ['endpoints'],
        summary: "A model's endpoint and where its requests go now",
        params: EndpointParamsSchema,
        response: { 200: EndpointSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { model } = request.params;
      const endpoint = app.store.getEndpoint(model);
      if (endpoint !== undefined) return endpoint;
      if (app.store.getModel(model) === undefined) {
        return reply.code(404).send({ error: 'not-found', message: `no model "${model}"` });
      }
      return reply.code(404).send(noEndpoint(model));
    },
  );

  app.put(
    '/api/endpoints/:model',
    {
      schema: {
        tags: ['endpoints'],
        summary: "Creates or replaces a model's endpoint",
        description:
          'The alias must exist; every version of the split must exist and the percents must sum to 100 (400 naming the field otherwise).',
        params: EndpointParamsSchema,
        body: EndpointBodySchema,
        response: { 200: EndpointSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const endpoint = app.store.setEndpoint(request.params.model, request.body);
        // Answered once the embedded model server has loaded what the endpoint now routes to and
        // switched (or kept the old routes, when a version fails to load).
        await app.modelServing?.sync();
        return endpoint;
      }),
  );

  app.delete(
    '/api/endpoints/:model',
    {
      schema: {
        tags: ['endpoints'],
        summary: "Removes a model's endpoint",
        params: EndpointParamsSchema,
        response: { 204: { type: 'null', description: 'Removed.' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { model } = request.params;
      if (!app.store.removeEndpoint(model)) return reply.code(404).send(noEndpoint(model));
      await app.modelServing?.sync();
      return reply.code(204).send();
    },
  );
};
