import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { compile } from '@loom/compiler';
import { sha256 } from '@loom/runtime';
import { errorResponses } from '../schemas/common.ts';
import { CompileBodySchema, CompileReplySchema } from '../schemas/compile.ts';

/**
 * `POST /api/compile`: a document (and parameter values) → its plan, or the compiler's diagnostics.
 * Compiling is what the request asks for, so a broken document is a 200 with `ok: false`, not an error.
 */
export const compileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/compile',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Compiles a pipeline document into a plan, or reports every problem in it',
        body: CompileBodySchema,
        response: { 200: CompileReplySchema, ...errorResponses(400, 401, 413) },
      },
    },
    async (request) => {
      const { document, parameters } = request.body;
      const result = compile(
        document,
        app.registry,
        parameters === undefined ? { hash: sha256 } : { parameters, hash: sha256 },
      );
      return result.ok
        ? { ok: true as const, plan: result.plan, diagnostics: result.diagnostics }
        : { ok: false as const, diagnostics: result.diagnostics };
    },
  );
};
