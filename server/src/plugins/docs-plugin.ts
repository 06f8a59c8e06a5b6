import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/**
 * `loom-docs`: OpenAPI built from the route schemas, as JSON at `/docs/json` and as Swagger UI at
 * `/docs`. Registered before the routes, since it collects them as they are added. Shared schemas
 * (`Error`, `Diagnostic`, `Problem`) appear once, under their `$id`, in `components.schemas`.
 */
export const docsPlugin = fp(
  async (fastify) => {
    const tokenRequired = fastify.config.apiToken !== undefined && fastify.config.apiToken !== '';
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Loom API',
          version: '0.1.0',
          description: 'Pipelines, the node catalog, compilation, runs and their events, and artifacts.',
        },
        tags: [
          { name: 'nodes', description: 'The node catalog' },
          { name: 'pipelines', description: 'Saved pipeline documents and their versions; compilation' },
          { name: 'runs', description: 'Runs of pipelines, their steps, logs and events' },
          { name: 'triggers', description: 'Schedules and webhooks that start runs, and their fires' },
          { name: 'artifacts', description: 'Content-addressed blobs that steps wrote' },
          { name: 'models', description: 'The model registry: models, versions, aliases and their history' },
          { name: 'endpoints', description: 'Which alias of a model its endpoint serves, and the traffic split' },
          {
            name: 'monitors',
            description:
              'Endpoint monitors: drift against the training baseline per window, rules, alerts and their actions',
          },
          { name: 'inference', description: 'The model server: Open Inference Protocol v2 under /v2' },
          { name: 'health', description: 'Liveness and queue health' },
          { name: 'metrics', description: 'Prometheus metrics' },
          { name: 'docs', description: "The repository's guides (docs/*.md), as Markdown" },
        ],
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
        ...(tokenRequired ? { security: [{ bearerAuth: [] }] } : {}),
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, index) =>
          typeof json.$id === 'string' ? json.$id : `def-${index}`,
      },
    });
    await fastify.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'loom-docs', fastify: '5.x', dependencies: ['loom-config'] },
);
