import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.ts';
import { HookPingSchema, HookStartedSchema, TriggerIdParams } from '../schemas/triggers.ts';
import { HOOK_ROUTE } from '../triggers/hook-path.ts';
import { sendSubmitResult } from './runs.ts';

/**
 * `POST /api/hooks/:id`: a webhook delivery, such as a Git push. Its body must be signed with the
 * hook's secret (`X-Loom-Signature` or GitHub's `X-Hub-Signature-256`: `sha256=<hex HMAC-SHA256 of
 * the body>`); the signature is checked over the body's bytes as they came, so this plugin reads
 * JSON bodies as raw buffers (its own content type parser, within this plugin only).
 */
export const hookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: app.config.bodyLimit },
    (_request, body, done) => done(null, body),
  );

  app.post(
    HOOK_ROUTE,
    {
      schema: {
        tags: ['triggers'],
        summary: 'A webhook delivery: starts a run of the hook’s pipeline',
        description:
          'Needs no API token: the body must be signed with the hook’s secret, in `X-Loom-Signature` or `X-Hub-Signature-256` (`sha256=<hex HMAC-SHA256 of the raw body>`), and sent as `application/json`. A bad or missing signature: 401, and nothing runs. A paused hook: 409. GitHub’s `ping` is answered 200 and runs nothing.',
        params: TriggerIdParams,
        response: {
          200: HookPingSchema,
          202: HookStartedSchema,
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const outcome = await app.triggers.receiveWebhook(request.params.id, { body, headers: request.headers });
      switch (outcome.kind) {
        case 'not-found':
          return reply.code(404).send({ error: 'not-found', message: outcome.message });
        case 'unauthorized':
          return reply.code(401).send({ error: 'unauthorized', message: outcome.message });
        case 'paused':
          return reply.code(409).send({ error: 'conflict', message: outcome.message });
        case 'ping':
          return reply.code(200).send({ message: outcome.message });
        case 'submitted':
          if (outcome.result.kind === 'started') {
            return reply.code(202).send({ run: outcome.result.run, fire: outcome.fire });
          }
          return sendSubmitResult(reply, outcome.result, 202);
      }
    },
  );
};
