import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

/** This repository's `docs/` folder, found from this file, so `loom start` finds it wherever it runs. */
export const GUIDES_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

const GuideParamsSchema = Type.Object({
  name: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]*$',
    maxLength: 100,
    description: 'The guide, e.g. `plugins` for `docs/plugins.md`.',
  }),
});

/**
 * `GET /guides/:name`: the Markdown of `docs/<name>.md` (the plugin guide, the SDK reference) as
 * plain text, read-only, so the designer's Help menu reaches the guides without a network. The
 * name is one lower-case word (no paths), and only `.md` files of that folder are ever read. Like
 * `/docs`, it needs no token: these are the same pages that ship with the source.
 */
export const guideRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/guides/:name',
    {
      schema: {
        tags: ['docs'],
        summary: "A guide from the repository's docs folder, as Markdown text",
        security: [],
        params: GuideParamsSchema,
        response: {
          200: {
            description: 'The Markdown source.',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const file = join(GUIDES_DIR, `${name}.md`);
      const found = await stat(file).then(
        (info) => info.isFile(),
        () => false,
      );
      if (!found) {
        return reply.code(404).send({ error: 'not-found', message: `no guide "${name}" in ${GUIDES_DIR}` });
      }
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(await readFile(file, 'utf8'));
    },
  );
};
