/**
 * `Status` bodies exactly as the real API server writes them for its errors, so that clients which
 * branch on `reason`, `code` or `details.causes` behave as they would against a cluster.
 */
import type { ResourceType } from './resources.ts';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error that the HTTP layer turns into its `Status` body and status code. */
export class ApiError extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  });
}

/** `jobs.batch`, or `pods` for the core group: how the API server names a resource in messages. */
export function qualifiedResource(resource: ResourceType): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

function resourceDetails(resource: ResourceType, name?: string): StatusDetails {
  return {
    ...(name === undefined ? {} : { name }),
    ...(resource.group === '' ? {} : { group: resource.group }),
    kind: resource.plural,
  };
}

export function notFound(resource: ResourceType, name: string): ApiError {
  return failure(
    404,
    'NotFound',
    `${qualifiedResource(resource)} "${name}" not found`,
    resourceDetails(resource, name),
  );
}

export function alreadyExists(resource: ResourceType, name: string): ApiError {
  return failure(
    409,
    'AlreadyExists',
    `${qualifiedResource(resource)} "${name}" already exists`,
    resourceDetails(resource, name),
  );
}

/** The optimistic-concurrency conflict of an update with a stale `resourceVersion`. */
export function modifiedConflict(resource: ResourceType, name: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    resourceDetails(resource, name),
  );
}

/** Server-side apply conflicts; `causes` carry one `.spec.x` field each. */
export function applyConflict(message: string, causes: StatusCause[]): ApiError {
  return failure(409, 'Conflict', message, { causes });
}

export function invalid(resource: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const listed = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return failure(
    422,
    'Invalid',
    `${resource.kind}${resource.group === '' ? '' : `.${resource.group}`} "${name}" is invalid: ${listed}`,
    {
      name,
      ...(resource.group === '' ? {} : { group: resource.group }),
      kind: resource.kind,
      causes,
    },
  );
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(
  user: string,
  verb: string,
  resource: ResourceType,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): ApiError {
  const named = name === undefined ? qualifiedResource(resource) : `${qualifiedResource(resource)} "${name}"`;
  const target = subresource === undefined ? resource.plural : `${resource.plural}/${subresource}`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  return failure(
    403,
    'Forbidden',
    `${named} is forbidden: User "${user}" cannot ${verb} resource "${target}" in API group "${resource.group}" ${scope}`,
    resourceDetails(resource, name),
  );
}

/** The watch error for a `resourceVersion` older than the retained history. */
export function expired(requested: string, oldest: number): ApiError {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

/** A patch whose `Content-Type` is none of the patch formats the server accepts. */
export function unsupportedMediaType(): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
  );
}

export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource');
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function successStatus(resource: ResourceType, name: string, uid: string): ApiStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { ...resourceDetails(resource, name), uid },
    code: 200,
  };
}
