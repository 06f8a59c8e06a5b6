import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The `error` codes of 4xx replies that are not answered more specifically below. */
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** A byte count as people write it: `10 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * `loom-errors`: one error handler and one not-found handler for the whole app, so every failure has
 * the shape `{ error, message, … }` (see `ErrorSchema`):
 * - request validation → 400 `bad-request` with `problems` naming the part, the path and the fault;
 * - unknown routes → 404 `not-found` (unknown ids are answered by the routes themselves);
 * - a body over the limit → 413 `payload-too-large` naming the limit;
 * - other client errors (malformed JSON, an unsupported content type) → their status with a code;
 * - anything else → 500 `internal`, logged with the request id; the process goes on serving.
 */
export const errorsPlugin = fp(
  async (fastify) => {
    fastify.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
    );
    fastify.setErrorHandler((error: FastifyError, request, reply) => replyToError(error, request, reply));
  },
  { name: 'loom-errors', fastify: '5.x', dependencies: ['loom-config'] },
);

function replyToError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation !== undefined) {
    const part = error.validationContext ?? 'body';
    const problems = error.validation.map((problem) => ({
      in: part,
      path: problem.instancePath,
      message: problem.message ?? 'is invalid',
    }));
    const summary = problems.map((p) => `${p.in}${p.path}: ${p.message}`).join('; ');
    return reply.code(400).send({ error: 'bad-request', message: `invalid request: ${summary}`, problems });
  }
  const status = error.statusCode ?? 500;
  if (status === 413) {
    const limit = request.routeOptions.bodyLimit ?? request.server.config.bodyLimit;
    return reply.code(413).send({
      error: 'payload-too-large',
      message: `the request body is larger than the limit of ${formatBytes(limit)} (${limit} bytes)`,
    });
  }
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: CLIENT_ERROR_CODES[status] ?? 'bad-request', message: error.message });
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .code(500)
    .send({ error: 'internal', message: `internal error (request ${request.id}): ${error.message}` });
}
