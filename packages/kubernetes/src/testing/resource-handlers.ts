/**
 * The verbs on resources: create, get, list, replace, patch (apply, merge, strategic, JSON) and delete,
 * each checking and shaping what it stores as the real API server does.
 */
import { randomUUID } from 'node:crypto';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IPod } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import {
  badRequest,
  invalid,
  methodNotAllowed,
  modifiedConflict,
  successStatus,
  unsupportedMediaType,
} from './api-status.ts';
import { applyDefaults } from './defaulting.ts';
import type { JobController, PropagationPolicy } from './job-controller.ts';
import { randomSuffix } from './job-controller.ts';
import { clone, type KubeObject, metaOf, type ObjectStore } from './object-store.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patches.ts';
import { groupVersion, type ResourceType } from './resources.ts';
import { fieldSelectorMatcher, labelSelectorMatcher } from './selectors.ts';
import { recordUpdate, serverSideApply } from './server-side-apply.ts';
import { validateObject } from './validation.ts';

export interface HandlerContext {
  store: ObjectStore;
  jobs: JobController;
  /** Manager name for non-apply writes without `fieldManager`, from the User-Agent as the real server does. */
  defaultManager: string;
}

export interface ResourceRequest {
  resource: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

export interface HandlerResult {
  code: number;
  body: unknown;
}

/** Parses a JSON (or, for apply, YAML) body; malformed input is a 400 as in the real server. */
export function parseBody(request: ResourceRequest, yaml = false): unknown {
  try {
    return yaml ? parseYaml(request.body) : JSON.parse(request.body);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : error}`);
  }
}

function asObject(value: unknown): KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the object provided is unrecognized (must be of type map)');
  }
  return value as KubeObject;
}

function checkTypeMeta(resource: ResourceType, object: KubeObject): void {
  const expected = groupVersion(resource);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (object.kind !== undefined && object.kind !== resource.kind) {
    throw badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${resource.kind})`);
  }
  object.apiVersion = expected;
  object.kind = resource.kind;
}

function checkNamespace(request: ResourceRequest, object: KubeObject): void {
  object.metadata ??= {};
  const given = object.metadata.namespace;
  if (given !== undefined && given !== '' && given !== request.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (request.resource.namespaced) object.metadata.namespace = request.namespace ?? 'default';
}

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
] as const;

function dryRun(request: ResourceRequest): boolean {
  return request.query.getAll('dryRun').includes('All');
}

function manager(context: HandlerContext, request: ResourceRequest): string {
  return request.query.get('fieldManager') ?? context.defaultManager;
}

/** Validates, defaults and stores a new object. */
function createObject(
  context: HandlerContext,
  request: ResourceRequest,
  object: KubeObject,
  written: KubeObject,
  managedBy?: string,
): KubeObject {
  const { resource } = request;
  const metadata = object.metadata ?? {};
  for (const field of SERVER_METADATA) if (field !== 'managedFields' || managedBy === undefined) delete metadata[field];
  if ((metadata.name === undefined || metadata.name === '') && metadata.generateName !== undefined) {
    metadata.name = `${metadata.generateName}${randomSuffix()}`;
  }
  delete (object as { status?: unknown }).status;
  const problem = validateObject(resource, object);
  if (problem !== undefined) throw problem;
  metadata.uid = randomUUID();
  applyDefaults(resource.kind, object, metadata.uid);
  if (managedBy === undefined) recordUpdate(undefined, written, object, manager(context, request));
  if (dryRun(request)) return object;
  return context.store.create(resource, object);
}

/** Validates, defaults and stores a changed object, keeping what only the server may set. */
function updateObject(
  context: HandlerContext,
  request: ResourceRequest,
  live: KubeObject,
  next: KubeObject,
  record?: (next: KubeObject) => void,
): KubeObject {
  const { resource } = request;
  const liveMeta = metaOf(live);
  next.metadata ??= {};
  for (const field of SERVER_METADATA) {
    if (field === 'managedFields') continue;
    const value = liveMeta[field];
    if (value === undefined) delete next.metadata[field];
    else (next.metadata as Record<string, unknown>)[field] = value;
  }
  next.metadata.name = liveMeta.name;
  if (liveMeta.namespace !== undefined) next.metadata.namespace = liveMeta.namespace;
  if (request.subresource === 'status') {
    const status = (next as { status?: unknown }).status;
    next = { ...clone(live), status } as KubeObject;
  } else if ('status' in live) {
    (next as { status?: unknown }).status = (live as { status?: unknown }).status;
  }
  checkTypeMeta(resource, next);
  const problem = validateObject(resource, next);
  if (problem !== undefined) throw problem;
  applyDefaults(resource.kind, next, liveMeta.uid ?? '');
  if (request.subresource === undefined) record?.(next);
  if (dryRun(request)) return next;
  return context.store.update(resource, next);
}

export function createResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const object = asObject(parseBody(request));
  checkTypeMeta(request.resource, object);
  checkNamespace(request, object);
  return { code: 201, body: createObject(context, request, object, clone(object)) };
}

export function getResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  return { code: 200, body: context.store.require(request.resource, request.namespace, request.name ?? '') };
}

export function listResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const labels = labelSelectorMatcher(request.query.get('labelSelector') ?? undefined);
  const fields = fieldSelectorMatcher(request.query.get('fieldSelector') ?? undefined);
  const items = context.store
    .list(request.resource, request.namespace)
    .filter((object) => labels(object) && fields(object))
    .map((object) => {
      const item = clone(object);
      // List items carry no apiVersion/kind of their own, as in the real API.
      delete item.apiVersion;
      delete item.kind;
      return item;
    });
  return {
    code: 200,
    body: {
      kind: `${request.resource.kind}List`,
      apiVersion: groupVersion(request.resource),
      metadata: { resourceVersion: context.store.resourceVersion },
      items,
    },
  };
}

export function replaceResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const { resource } = request;
  const name = request.name ?? '';
  const next = asObject(parseBody(request));
  const live = context.store.require(resource, request.namespace, name);
  if (next.metadata?.name !== undefined && next.metadata.name !== name) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  }
  const expected = next.metadata?.resourceVersion;
  if (expected !== undefined && expected !== '' && expected !== live.metadata?.resourceVersion) {
    throw modifiedConflict(resource, name);
  }
  const written = clone(next);
  const record = (stored: KubeObject) => recordUpdate(live, written, stored, manager(context, request));
  return { code: 200, body: updateObject(context, request, live, next, record) };
}

function applyPatch(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const { resource } = request;
  const name = request.name ?? '';
  const fieldManager = request.query.get('fieldManager');
  if (fieldManager === null || fieldManager === '') {
    throw invalid({ ...resource, kind: 'PatchOptions', group: 'meta.k8s.io' }, '', [
      { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' },
    ]);
  }
  const applied = asObject(parseBody(request, true));
  if (applied.apiVersion === undefined || applied.kind === undefined) {
    throw badRequest("apiVersion and kind must be set in an apply patch (Object 'Kind' is missing)");
  }
  checkTypeMeta(resource, applied);
  checkNamespace(request, applied);
  if (applied.metadata?.name !== undefined && applied.metadata.name !== name) {
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (applied.metadata !== undefined) applied.metadata.name = name;
  delete (applied as { status?: unknown }).status;
  const force = request.query.get('force') === 'true';
  const live = context.store.get(resource, request.namespace, name);
  const merged = serverSideApply({ live, applied, manager: fieldManager, force });
  if (live === undefined) return { code: 201, body: createObject(context, request, merged, applied, fieldManager) };
  return { code: 200, body: updateObject(context, request, live, merged) };
}

export function patchResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const type = request.contentType.split(';')[0]?.trim() ?? '';
  if (type === 'application/apply-patch+yaml') return applyPatch(context, request);
  const patchers: Record<string, (target: unknown, patch: unknown) => unknown> = {
    'application/merge-patch+json': mergePatch,
    'application/strategic-merge-patch+json': strategicMergePatch,
    'application/json-patch+json': jsonPatch,
  };
  const patcher = patchers[type];
  if (patcher === undefined) throw unsupportedMediaType();
  const patch = parseBody(request);
  const live = context.store.require(request.resource, request.namespace, request.name ?? '');
  const next = asObject(patcher(clone(live), patch));
  const written = type === 'application/json-patch+json' ? clone(next) : asObject(patch);
  const record = (stored: KubeObject) => recordUpdate(live, written, stored, manager(context, request));
  return { code: 200, body: updateObject(context, request, live, next, record) };
}

interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
}

function deleteOptions(request: ResourceRequest): DeleteOptions {
  const body = request.body.trim() === '' ? {} : (asObject(parseBody(request)) as DeleteOptions);
  const policy = request.query.get('propagationPolicy') ?? body.propagationPolicy;
  const grace = request.query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const orphan = request.query.get('orphanDependents') ?? body.orphanDependents;
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw invalid({ ...request.resource, kind: 'DeleteOptions', group: '' }, '', [
      {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
        field: 'propagationPolicy',
      },
    ]);
  }
  return {
    ...(policy === undefined ? {} : { propagationPolicy: policy }),
    ...(grace === undefined ? {} : { gracePeriodSeconds: Number(grace) }),
    ...(orphan === undefined ? {} : { orphanDependents: String(orphan) === 'true' }),
  };
}

export function deleteResource(context: HandlerContext, request: ResourceRequest): HandlerResult {
  const { resource, namespace } = request;
  const name = request.name ?? '';
  const live = context.store.require(resource, namespace, name);
  const options = deleteOptions(request);
  const uid = live.metadata?.uid ?? '';
  if (dryRun(request)) return { code: 200, body: successStatus(resource, name, uid) };
  if (resource.kind === 'Job') {
    // batch/v1 Jobs still default to orphaning their pods when deleted through the API.
    const policy = options.propagationPolicy ?? (options.orphanDependents === false ? 'Background' : 'Orphan');
    const result = context.jobs.deleteJob(namespace ?? 'default', name, policy, options.gracePeriodSeconds);
    if (policy === 'Foreground') return { code: 202, body: result as IJob };
    return { code: 200, body: successStatus(resource, name, uid) };
  }
  if (resource.kind === 'Pod') {
    context.jobs.deletePod(live as IPod, options.gracePeriodSeconds);
    const after = context.store.get(resource, namespace, name);
    return { code: 200, body: after ?? live };
  }
  if (resource.kind === 'Node') throw methodNotAllowed();
  context.store.remove(resource, namespace, name);
  return { code: 200, body: successStatus(resource, name, uid) };
}
