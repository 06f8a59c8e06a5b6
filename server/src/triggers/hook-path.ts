/** The route pattern of webhook deliveries: `loom-auth` lets it through without the API token (the HMAC is its authentication). */
export const HOOK_ROUTE = '/api/hooks/:id';

/** Where a webhook's deliveries go, on this server. */
export function hookPath(id: string): string {
  return `/api/hooks/${encodeURIComponent(id)}`;
}
