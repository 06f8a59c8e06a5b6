import { isIP } from 'node:net';

/*
 * What a browser may ask of a Loom server. `loom start` on loopback needs no token, so the browser is
 * the only gate between a web page the user visits and the user's pipelines: these checks keep pages of
 * other sites out, as Jupyter and Vite's dev server do.
 * - DNS rebinding: a page of `evil.example` whose name is made to resolve to 127.0.0.1 is same-origin
 *   with the server as far as the browser knows, but its requests name `Host: evil.example`. So a
 *   request must name a host this server knows it is (see {@link isAllowedHost}).
 * - Cross-site requests: a page may send "simple" requests (a form post, a bodiless `fetch`) to any
 *   address without asking first. So a request whose `Origin` is not the server's own, or that the
 *   browser marks as cross-site, is refused, and a request with a body must be `application/json`,
 *   which no page of another site can send without a preflight that this server does not grant.
 */

/** How the server decides; `resolveConfig` builds it from the options. */
export interface RequestPolicy {
  /**
   * Names requests may address beside loopback names and IP addresses: an exact name, `.example.com`
   * for that domain and every name under it, or `*` for any name.
   */
  allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`, as `URL.origin` writes them) whose pages may call the API. */
  allowedOrigins: readonly string[];
}

/** What a check looks at: the method, the path and the headers (names lower-case, as Node gives them). */
export interface GuardedRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type RequestVerdict =
  | { ok: true }
  | {
      ok: false;
      status: 403 | 415;
      error: 'host-not-allowed' | 'origin-not-allowed' | 'unsupported-media-type';
      message: string;
    };

/** Methods that change state and carry a body: they must send JSON. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Paths any host may read: a health check names the container or pod (`server:8080`) and reveals nothing. */
const OPEN_TO_ANY_HOST = new Set(['/healthz', '/v2/health/live', '/v2/health/ready']);

/**
 * Checks one request against the policy, in this order: the `Host`, then the `Origin` (or, without one,
 * the browser's `Sec-Fetch-Site`), then the content type of a request with a body.
 *
 * @example
 * checkRequest({ method: 'POST', url: '/api/runs/1/cancel', headers: { host: '127.0.0.1:8080', origin: 'http://evil.example' } }, policy);
 * // → { ok: false, status: 403, error: 'origin-not-allowed', message: 'refused a request from the page at http://evil.example …' }
 */
export function checkRequest(request: GuardedRequest, policy: RequestPolicy): RequestVerdict {
  const path = request.url.split('?', 1)[0] ?? '';
  const host = single(request.headers.host);
  if (host !== undefined && !OPEN_TO_ANY_HOST.has(path)) {
    const hostname = hostnameOf(host);
    if (hostname === undefined || !isAllowedHost(hostname, policy.allowedHosts)) {
      return {
        ok: false,
        status: 403,
        error: 'host-not-allowed',
        message:
          `refused a request for host ${JSON.stringify(hostname ?? host)}: this server answers only to loopback names, IP addresses and the names in LOOM_ALLOWED_HOSTS ` +
          '(a guard against DNS rebinding); to reach it by this name, add the name to LOOM_ALLOWED_HOSTS (comma-separated)',
      };
    }
  }

  const method = request.method.toUpperCase();
  const origin = single(request.headers.origin);
  if (origin !== undefined) {
    if (!(host !== undefined && isSameOrigin(origin, host)) && !policy.allowedOrigins.includes(origin)) {
      return {
        ok: false,
        status: 403,
        error: 'origin-not-allowed',
        message:
          `refused a request from the page at ${origin} to ${method} ${path}: only this server's own pages may call it. ` +
          'To let pages of that origin call this API, add the origin to LOOM_ALLOWED_ORIGINS (comma-separated)',
      };
    }
  } else {
    // Browsers send no Origin on some cross-site requests (an <img>, a <script>, a GET link), but mark
    // every one with Sec-Fetch-Site. Only following a link (a top-level GET) may come from elsewhere.
    const site = single(request.headers['sec-fetch-site']);
    const navigation =
      single(request.headers['sec-fetch-mode']) === 'navigate' && (method === 'GET' || method === 'HEAD');
    if ((site === 'cross-site' || site === 'same-site') && !navigation) {
      return {
        ok: false,
        status: 403,
        error: 'origin-not-allowed',
        message: `refused a ${site} request to ${method} ${path}: only this server's own pages may call it`,
      };
    }
  }

  if (BODY_METHODS.has(method)) {
    const type = mediaType(single(request.headers['content-type']));
    if (type !== 'application/json') {
      return {
        ok: false,
        status: 415,
        error: 'unsupported-media-type',
        message: `${method} ${path} takes a JSON body: send "Content-Type: application/json" (this request sent ${type === undefined ? 'no content type' : JSON.stringify(type)}); a request without a body may send the header with no body`,
      };
    }
  }
  return { ok: true };
}

/**
 * The host name of a `Host` header, lower-case, without port, brackets or a trailing dot; `undefined`
 * when it is not a host name at all.
 *
 * @example
 * hostnameOf('[::1]:8080'); // '::1'
 * hostnameOf('LocalHost.:80'); // 'localhost'
 */
export function hostnameOf(hostHeader: string): string | undefined {
  const text = hostHeader.trim().toLowerCase();
  let name: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1) return undefined;
    name = text.slice(1, end);
    if (isIP(name) !== 6) return undefined;
    return name;
  }
  const colon = text.indexOf(':');
  name = colon === -1 ? text : text.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(name) ? name : undefined;
}

/**
 * Whether a request may address `hostname`. IP addresses always may: a page can only send an address
 * as `Host` when the browser itself went to that address, so the page is the server's own. Loopback
 * names may (`localhost` and `*.localhost`, which browsers resolve to loopback themselves), and so may
 * the names of `allowed`.
 *
 * @example
 * isAllowedHost('evil.example', []); // false
 * isAllowedHost('loom.example.com', ['.example.com']); // true
 */
export function isAllowedHost(hostname: string, allowed: readonly string[]): boolean {
  if (isIP(hostname) !== 0) return true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  for (const rule of allowed) {
    if (rule === '*' || rule === hostname) return true;
    if (rule.startsWith('.') && (hostname === rule.slice(1) || hostname.endsWith(rule))) return true;
  }
  return false;
}

/**
 * Whether a page at `origin` is the server the request reached (by the `Host` the browser sent, so the
 * designer's development server, which forwards requests and keeps their `Host`, is its own origin too).
 * The scheme is not compared: behind a proxy that ends TLS, the page is https while the server hears http.
 */
export function isSameOrigin(origin: string, hostHeader: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file:// page) and anything malformed
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  let host = hostHeader.trim().toLowerCase();
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  if (host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  return url.host === host;
}

/**
 * Checks and normalises configured origins: each must be `scheme://host[:port]` and nothing more.
 *
 * @throws naming the first entry that is not an origin.
 * @example
 * parseAllowedOrigins(['https://Dashboard.example.com:443']); // ['https://dashboard.example.com']
 */
export function parseAllowedOrigins(origins: readonly string[]): string[] {
  return origins.map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.pathname !== '/' ||
      url.search !== '' ||
      url.hash !== '' ||
      url.username !== ''
    ) {
      throw new Error(
        `allowed origin ${JSON.stringify(entry)} is not an origin: write it as scheme://host[:port], e.g. https://dashboard.example.com`,
      );
    }
    return url.origin;
  });
}

/**
 * Checks and normalises configured host names (lower-case, no port).
 *
 * @throws naming the first entry that is not a host name, `.domain` or `*`.
 */
export function parseAllowedHosts(hosts: readonly string[]): string[] {
  return hosts.map((entry) => {
    const rule = entry.trim().toLowerCase();
    if (rule === '*') return rule;
    const name = rule.startsWith('.') ? rule.slice(1) : rule;
    if (name.includes(':') || hostnameOf(name) !== name) {
      throw new Error(
        `allowed host ${JSON.stringify(entry)} is not a host name: write a name (loom.example.com), a domain with its subdomains (.example.com) or * for any, without a port`,
      );
    }
    return rule;
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === '' ? undefined : type;
}
