import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { HOOK_ROUTE } from '../triggers/hook-path.ts';

/**
 * Whether a request path needs the API token: the API, the model server's models (`/v2/models/…`) and
 * the metrics, not health checks or docs.
 */
export function isProtectedPath(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/metrics' ||
    (path.startsWith('/v2/') && !path.startsWith('/v2/health/'))
  );
}

/** Digests have one length, so comparing them takes the same time whatever the token's length or content. */
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether an `Authorization` header carries `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Compared even when the header is missing or malformed, so a bad header takes as long as a wrong token.
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && match !== null;
}

/**
 * `loom-auth`: when `apiToken` is set, every `/api/*`, `/v2/*` (but `/v2/health/*`) and `/metrics`
 * request must carry `Authorization: Bearer <token>` (401 otherwise); `/healthz` and `/docs` stay open, so load balancers
 * and people reading the docs need no secret. Webhook deliveries (`POST /api/hooks/:id`) need no token
 * either: a sender such as GitHub signs the body with the hook's own secret instead, and the route
 * refuses what is not signed. Without a token it adds nothing: `buildApp` has already
 * refused a token-less server on anything but loopback.
 */
export const authPlugin = fp(
  async (fastify) => {
    const token = fastify.config.apiToken;
    if (token === undefined || token === '') return;
    fastify.addHook('onRequest', async (request, reply) => {
      // The matched route pattern as well as the raw URL: the router decodes `%61pi` to `api`, the raw URL does not.
      const route = request.routeOptions.url;
      // Only the matched route opens the way, never a raw path that merely looks like it.
      if (route === HOOK_ROUTE && request.method === 'POST') return;
      const protectedPath = isProtectedPath(request.url) || (route !== undefined && isProtectedPath(route));
      if (!protectedPath || bearerMatches(request.headers.authorization, token)) return;
      return reply.code(401).header('www-authenticate', 'Bearer realm="loom"').send({
        error: 'unauthorized',
        message: 'this server needs an API token: send "Authorization: Bearer <token>"',
      });
    });
  },
  { name: 'loom-auth', fastify: '5.x', dependencies: ['loom-config'] },
);
