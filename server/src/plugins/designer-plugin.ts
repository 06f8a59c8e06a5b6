import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** First path segments that belong to the server, never to the designer's client-side routes. */
const SERVER_SEGMENTS = new Set(['api', 'docs', 'guides', 'metrics', 'healthz', 'v2']);

/** Vite names everything under `assets/` by its content hash: a changed file gets a new name. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** Everything else (above all `index.html`, which names the current assets) is checked on every load. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Loom: the designer is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The Loom designer is not built</h1>
<p>This server found no <code>index.html</code> where it looks for the designer. Build it with</p>
<pre>pnpm --filter @loom/designer build</pre>
<p>and reload this page, or set <code>LOOM_DESIGNER_DIR</code> to a designer built elsewhere.
The API works meanwhile: see <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/**
 * `loom-designer`: serves the built designer from `config.designerDir` at `/`, through @fastify/static.
 * - a file that exists is sent as is: `assets/*` with a year-long immutable cache, the rest `no-cache`;
 * - `/`, and any other GET that asks for HTML (a reload or a link into a client-side route such as
 *   `/runs/42`), gets `index.html`, `no-cache`;
 * - paths under `/api`, `/docs`, `/guides`, `/metrics`, `/healthz` and `/v2` (the model server) are never the designer's: the app's JSON 404
 *   answers them when no route does;
 * - without an `index.html`, those pages answer 503 with how to build the designer; the API is unaffected.
 *
 * The files need no token: `loom-auth` guards only `/api`, `/v2/models` and `/metrics`, and the designer sends the
 * token with its own API calls. The directory is read on each request, so a designer built after the
 * server started is served without a restart.
 */
export const designerPlugin = fp(
  async (fastify) => {
    const root = fastify.config.designerDir;
    // Encapsulated, so `reply.sendFile` stays this plugin's and cannot clash with another static plugin.
    await fastify.register(async (designer) => {
      await designer.register(fastifyStatic, { root, serve: false, cacheControl: false, dotfiles: 'ignore' });
      designer.get('/*', { schema: { hide: true } }, async (request, reply) => {
        const path = (request.params as { '*': string })['*'];
        const first = path.split('/', 1)[0] ?? '';
        if (SERVER_SEGMENTS.has(first)) return reply.callNotFound();
        if (path !== '' && (await isFile(root, path))) {
          reply.header('cache-control', path.startsWith('assets/') ? ASSET_CACHE : REVALIDATE);
          return reply.sendFile(path);
        }
        if (path !== '' && !acceptsHtml(request)) return reply.callNotFound();
        return sendIndex(root, reply);
      });
    });
  },
  { name: 'loom-designer', fastify: '5.x', dependencies: ['loom-config', 'loom-errors'] },
);

async function sendIndex(root: string, reply: FastifyReply): Promise<FastifyReply> {
  if (!(await isFile(root, 'index.html'))) {
    return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
  }
  reply.header('cache-control', REVALIDATE);
  return reply.sendFile('index.html');
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Whether `path` (decoded, relative) names a file inside `root`. Only a look: @fastify/static, which
 * sends it, applies its own guards again.
 */
async function isFile(root: string, path: string): Promise<boolean> {
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) return false;
  const file = join(root, path);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
