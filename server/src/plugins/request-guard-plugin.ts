import fastifyCors from '@fastify/cors';
import fp from 'fastify-plugin';
import { checkRequest } from '../request-guard.ts';

/**
 * `loom-request-guard`: keeps other sites' pages away from this server (see `request-guard.ts`).
 * Every request, the designer's files and the event streams included, must name an allowed `Host`
 * and come from no page or from the server's own (or a page of `allowedOrigins`), else 403; a
 * `POST`, `PUT` or `PATCH` must be `application/json`, else 415. The designer (same origin) and the
 * CLI or `curl` (no `Origin`) pass. It runs before `loom-auth`, so a refused page learns nothing of
 * the token. Pages of `allowedOrigins` also get the CORS answers they need to call the API.
 */
export const requestGuardPlugin = fp(
  async (fastify) => {
    const { requestPolicy } = fastify.config;
    fastify.addHook('onRequest', async (request, reply) => {
      const verdict = checkRequest(request, requestPolicy);
      if (verdict.ok) return;
      request.log.warn({ host: request.headers.host, origin: request.headers.origin }, verdict.message);
      return reply.code(verdict.status).send({ error: verdict.error, message: verdict.message });
    });

    // Routes without a body (cancel, resume, start a run with the defaults) take the JSON content type
    // with nothing after it, so a client can send the one header on every request that changes state.
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser(['application/json', 'text/plain']);
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '') done(null, undefined);
      else parseJson(request, body as string, done);
    });

    if (requestPolicy.allowedOrigins.length > 0) {
      await fastify.register(fastifyCors, {
        origin: [...requestPolicy.allowedOrigins],
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'accept', 'x-request-id'],
        exposedHeaders: ['etag', 'location', 'x-loom-catalog-revision', 'x-loom-model-version', 'x-request-id'],
        maxAge: 600,
      });
    }
  },
  { name: 'loom-request-guard', fastify: '5.x', dependencies: ['loom-config'] },
);
