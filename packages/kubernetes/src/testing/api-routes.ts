/**
 * Routing of API requests: authentication (bearer token), the deny-list stand-in for RBAC, discovery,
 * SelfSubjectAccessReviews, and the resource verbs, with every error written as a `Status`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IPod } from 'kubernetes-models/v1';
import type { AccessRules } from './access-rules.ts';
import {
  ApiError,
  type ApiStatus,
  badRequest,
  forbidden,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from './api-status.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.ts';
import type { Kubelet } from './kubelet.ts';
import { serveLog } from './log-handler.ts';
import {
  createResource,
  deleteResource,
  getResource,
  type HandlerContext,
  type HandlerResult,
  listResource,
  patchResource,
  type ResourceRequest,
  replaceResource,
} from './resource-handlers.ts';
import { resourceByKind, resourceByPath } from './resources.ts';
import { fieldSelectorMatcher, labelSelectorMatcher } from './selectors.ts';
import { serveWatch } from './watch-handler.ts';

/** The user every request authenticates as. */
export const TEST_USER = 'loom-test';

export interface RouteContext extends Omit<HandlerContext, 'defaultManager'> {
  token: string;
  access: AccessRules;
  kubelet: Kubelet;
  address: () => string;
  bookmarkMs: number;
}

/** `/api/v1/namespaces/default/jobs/x/status` and friends, split into their parts. */
interface ResourcePath {
  group: string;
  version: string;
  namespace: string | undefined;
  plural: string;
  name: string | undefined;
  subresource: string | undefined;
}

function parseResourcePath(path: string): ResourcePath | undefined {
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (plural === undefined || rest.length > 3) return undefined;
  return { group, version, namespace, plural, name, subresource };
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendStatus(response: ServerResponse, status: ApiStatus): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  sendJson(response, status.code, status);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function verbOf(method: string, path: ResourcePath, query: URLSearchParams): string {
  if (method === 'GET') {
    if (query.get('watch') === 'true' || query.get('watch') === '1') return 'watch';
    return path.name === undefined ? 'list' : 'get';
  }
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return path.name === undefined ? 'deletecollection' : 'delete';
  return method.toLowerCase();
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function authenticate(context: RouteContext, request: IncomingMessage, path: string): void {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (PUBLIC_PATHS.has(path)) return;
    throw unauthorized();
  }
  if (header !== `Bearer ${context.token}`) throw unauthorized();
}

function selfSubjectAccessReview(context: RouteContext, body: string): HandlerResult {
  let review: { spec?: { resourceAttributes?: Record<string, string> } } & Record<string, unknown>;
  try {
    review = JSON.parse(body);
  } catch {
    throw badRequest('the object provided is unrecognized');
  }
  const attributes = review.spec?.resourceAttributes ?? {};
  const allowed = context.access.allows({
    verb: attributes.verb ?? '',
    resource: attributes.resource ?? '',
    ...(attributes.subresource === undefined || attributes.subresource === ''
      ? {}
      : { subresource: attributes.subresource }),
    ...(attributes.namespace === undefined || attributes.namespace === '' ? {} : { namespace: attributes.namespace }),
  });
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: review.spec ?? {},
      status: allowed
        ? {
            allowed: true,
            reason: `RBAC: allowed by ClusterRoleBinding "loom-test" of ClusterRole "cluster-admin" to User "${TEST_USER}"`,
          }
        : { allowed: false },
    },
  };
}

function discovery(context: RouteContext, path: string): unknown {
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') return apiVersions(context.address());
  if (path === '/apis') return apiGroupList();
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'api' && parts.length === 2) return apiResourceList('', parts[1] ?? '');
  if (parts[0] === 'apis' && parts.length === 2) return apiGroup(parts[1] ?? '');
  if (parts[0] === 'apis' && parts.length === 3) return apiResourceList(parts[1] ?? '', parts[2] ?? '');
  return undefined;
}

export async function handleRequest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  try {
    authenticate(context, request, path);
    if (method === 'GET' && ['/healthz', '/livez', '/readyz'].includes(path)) {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (method === 'GET') {
      const found = discovery(context, path);
      if (found !== undefined) {
        sendJson(response, 200, found);
        return;
      }
    }
    const body = await readBody(request);
    if (method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const result = selfSubjectAccessReview(context, body);
      sendJson(response, result.code, result.body);
      return;
    }
    const parsed = parseResourcePath(path);
    const resource = parsed === undefined ? undefined : resourceByPath(parsed.group, parsed.version, parsed.plural);
    if (parsed === undefined || resource === undefined) throw pathNotFound();
    if (parsed.subresource !== undefined && !resource.subresources.includes(parsed.subresource)) throw pathNotFound();
    const verb = verbOf(method, parsed, url.searchParams);
    const namespace = resource.namespaced ? parsed.namespace : undefined;
    const allowed = context.access.allows({
      verb,
      resource: resource.plural,
      ...(parsed.subresource === undefined ? {} : { subresource: parsed.subresource }),
      ...(namespace === undefined ? {} : { namespace }),
    });
    if (!allowed) throw forbidden(TEST_USER, verb, resource, namespace, parsed.name, parsed.subresource);
    const resourceRequest: ResourceRequest = {
      resource,
      namespace,
      name: parsed.name,
      subresource: parsed.subresource,
      query: url.searchParams,
      contentType: request.headers['content-type'] ?? '',
      body,
    };
    const userAgent = request.headers['user-agent'] ?? 'unknown';
    const handlerContext: HandlerContext = { ...context, defaultManager: userAgent.split('/')[0] || 'unknown' };
    if (verb === 'watch') {
      serveWatch(
        context.store,
        {
          resource,
          namespace,
          resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
          matches: combine(url.searchParams, parsed.name),
          allowBookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: url.searchParams.has('timeoutSeconds')
            ? Number(url.searchParams.get('timeoutSeconds'))
            : undefined,
          bookmarkMs: context.bookmarkMs,
        },
        response,
      );
      return;
    }
    if (parsed.subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      const pod = context.store.require<IPod>(resourceByKind('Pod'), namespace, parsed.name ?? '');
      serveLog(context.kubelet, pod, url.searchParams, response);
      return;
    }
    const result = dispatch(handlerContext, verb, resourceRequest);
    sendJson(response, result.code, result.body);
  } catch (error) {
    if (error instanceof ApiError) sendStatus(response, error.status);
    else sendStatus(response, internalError(error instanceof Error ? error.message : String(error)).status);
  }
}

function combine(
  query: URLSearchParams,
  name: string | undefined,
): (object: { metadata?: { name?: string } }) => boolean {
  const labels = labelSelectorMatcher(query.get('labelSelector') ?? undefined);
  const fields = fieldSelectorMatcher(query.get('fieldSelector') ?? undefined);
  return (object) => labels(object) && fields(object) && (name === undefined || object.metadata?.name === name);
}

function dispatch(context: HandlerContext, verb: string, request: ResourceRequest): HandlerResult {
  const named = request.name !== undefined;
  switch (verb) {
    case 'get':
      return getResource(context, request);
    case 'list':
      return listResource(context, request);
    case 'create':
      if (named) throw methodNotAllowed();
      return createResource(context, request);
    case 'update':
      if (!named) throw methodNotAllowed();
      return replaceResource(context, request);
    case 'patch':
      if (!named) throw methodNotAllowed();
      return patchResource(context, request);
    case 'delete':
      return deleteResource(context, request);
    default:
      throw methodNotAllowed();
  }
}
