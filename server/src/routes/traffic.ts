import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TABLE_MEDIA_TYPE } from '@loom/tables';
import { readModelTraffic } from '../models/traffic.ts';
import { errorResponses } from '../schemas/common.ts';
import { ModelNameParamsSchema } from '../schemas/models.ts';
import { TrafficBodySchema, TrafficWindowSchema } from '../schemas/traffic.ts';
import { answerRefusals } from './model-registry-reply.ts';

/**
 * `POST /api/models/:name/traffic`: writes what the model's endpoint answered lately (its request log)
 * to the artifact store as a table, and answers the artifact. What `monitor.drift` reads, through
 * `ctx.models.traffic`, from a `loom worker` on another machine (`LOOM_API_URL`).
 */
export const trafficRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/models/:name/traffic',
    {
      schema: {
        tags: ['models'],
        summary: 'Writes the endpoint’s recent requests to the artifact store as a table',
        description:
          'Reads the rows the model’s endpoint answered in the last `seconds` from its request log, as the endpoint monitors read their windows: the rows of `version`, or of the version that answered most. The table (Parquet) has one column per input of that version, named as the model’s inputs, and the answers. A window without requests is an empty table with `rows` 0, not an error; rows answered in the last second may not be logged yet.',
        params: ModelNameParamsSchema,
        body: TrafficBodySchema,
        response: { 200: TrafficWindowSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        const window = await readModelTraffic(app.store, app.artifacts, app.config.home, {
          model: request.params.name,
          ...request.body,
        });
        return reply.send({ ...window, table: { ...window.table, mediaType: TABLE_MEDIA_TYPE } });
      }),
  );
};
