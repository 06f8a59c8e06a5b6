import { rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { PlanStep } from '@loom/compiler';
import { canonicalJson } from '@loom/graph';
import type {
  AnyNodeDefinition,
  ArtifactAccess,
  ArtifactRef,
  InputPorts,
  LogLevel,
  NodeRegistry,
  PortStorage,
  StepContext,
} from '@loom/sdk';
import { NodeError } from '@loom/sdk';
import type { ArtifactStore } from './artifact-store.ts';
import { type AttemptOutcome, cancelledOutcome, errorMessage, errorOutcome, formatMs } from './attempt-outcomes.ts';
import { installedNode } from './installed-node.ts';
import {
  type ModelRegistryHost,
  NO_MODEL_REGISTRY,
  NO_MODEL_REGISTRY_FOR_TRAFFIC,
  registryRefused,
} from './model-registry-host.ts';
import type { OutputRecord } from './output-record.ts';
import { confinePath } from './path-confinement.ts';
import type { StepFailure } from './run-events.ts';

/** The media type of a `table` artifact (Parquet), as @loom/tables writes it. */
const TABLE_MEDIA_TYPE = 'application/vnd.apache.parquet';

/** Everything needed to run one attempt of one step; serialisable except for the signal. */
export interface AttemptRequest {
  runId: string;
  step: PlanStep;
  attempt: number;
  /** For each connected input port, the records of its sources in edge order. */
  inputs: Record<string, OutputRecord[]>;
  contentKey: string;
  /**
   * sha256 of the run's plan in the artifact store (canonical JSON), so that a queue job can name the
   * step by identifiers alone and a worker on another machine can read its description.
   */
  planSha256?: string;
  /**
   * Set when this attempt was in flight when its run's driver stopped (a server restart) and is
   * dispatched again under the same number: a queue may hold its job already, running or finished.
   */
  redispatch?: boolean;
  signal: AbortSignal;
}

/** What an attempt reports while it runs. */
export interface AttemptHooks {
  started(): void;
  progress(fraction: number, message?: string): void;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  metric(name: string, value: number, step?: number): void;
}

export type { AttemptOutcome } from './attempt-outcomes.ts';

/**
 * Whatever runs attempts for a worker: a {@link StepRunnerPool} of local processes, or a backend that
 * runs each attempt elsewhere (a Kubernetes Job). Never rejects: failures are outcomes.
 */
export interface AttemptRunner {
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome>;
}

export interface AttemptEnvironment {
  registry: NodeRegistry;
  store: ArtifactStore;
  /** Relative paths in parameters resolve against this directory (the pipeline document's folder). */
  baseDir: string;
  /**
   * When set, `ctx.resolvePath` refuses any path outside these folders (symbolic links followed), so a
   * document sent to a server cannot read the server's own files. @default unconfined (the CLI)
   */
  dataRoots?: readonly string[];
  /** How failures name this machine, e.g. `worker gpu-3 (pid 4242)`. @default 'this machine' */
  machine?: string;
  /**
   * The model registry `ctx.models` reaches; each deploy carries the step's provenance.
   * @default none: `ctx.models.deploy` and `ctx.models.traffic` reject, saying where the registry is offered
   */
  models?: ModelRegistryHost;
}

/**
 * Runs one attempt of a step in this process: loads its inputs from the artifact store, calls the
 * node's `run` with a context, enforces the timeout and cancellation, and stores the outputs. An
 * attempt that ignores its abort signal is abandoned: its late results are never recorded. Never
 * rejects: node failures are outcomes, and so is the store failing under it (a retryable internal
 * error), so every transport that runs attempts can rely on that.
 */
export async function executeAttempt(
  request: AttemptRequest,
  hooks: AttemptHooks,
  environment: AttemptEnvironment,
): Promise<AttemptOutcome> {
  try {
    return await attemptOnce(request, hooks, environment);
  } catch (cause) {
    return errorOutcome(`internal error: ${errorMessage(cause)}`, true);
  }
}

async function attemptOnce(
  request: AttemptRequest,
  hooks: AttemptHooks,
  environment: AttemptEnvironment,
): Promise<AttemptOutcome> {
  const startedAt = performance.now();
  const elapsed = () => Math.round((performance.now() - startedAt) * 1000) / 1000;
  const { step } = request;
  const installed = installedNode(step, environment.registry, environment.machine ?? 'this machine');
  if (!installed.ok) {
    hooks.log('error', installed.message);
    return { ok: false, durationMs: 0, failure: { reason: 'error', message: installed.message }, retryable: false };
  }
  const definition = installed.entry.definition;
  if (request.signal.aborted) return cancelledOutcome(0);

  hooks.started();
  let inputs: Record<string, unknown>;
  try {
    inputs = await loadInputs(definition, request.inputs, environment.store);
  } catch (cause) {
    return {
      ok: false,
      durationMs: elapsed(),
      failure: { reason: 'input', message: errorMessage(cause) },
      retryable: false,
    };
  }
  if (request.signal.aborted) return cancelledOutcome(elapsed());

  const timeout = new AbortController();
  const signal = AbortSignal.any([request.signal, timeout.signal]);
  const metrics: Record<string, number> = {};
  let tempDir: string | undefined;
  const artifacts: ArtifactAccess = {
    write: async (bytes, options) => toRef(await environment.store.put(bytes), environment.store, options?.mediaType),
    importFile: async (path, options) =>
      toRef(await environment.store.importFile(path), environment.store, options?.mediaType),
    read: (ref) => environment.store.read(ref.sha256),
    tempDir: async () => {
      tempDir ??= await environment.store.makeTempDir(`${request.runId}-${step.id}-${request.attempt}`);
      return tempDir;
    },
  };
  // Once the attempt has ended (say, timed out while its node ignores the signal), whatever the node
  // still reports belongs to no attempt: passing it on would add events after the step's last one.
  let ended = false;
  const logAt = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (!ended) hooks.log(level, message, fields);
  };
  const context: StepContext<Record<string, unknown>, Record<string, unknown>> = {
    params: structuredClone(step.params),
    inputs,
    sources: Object.fromEntries(
      Object.entries(step.inputs).map(([port, refs]) => [
        port,
        refs.map((ref) => ({ node: ref.step, port: ref.port })),
      ]),
    ),
    signal,
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    progress: (fraction, message) => {
      if (!ended) hooks.progress(Math.min(1, Math.max(0, fraction)), message);
    },
    metric: (name, value, options) => {
      if (ended) return;
      metrics[name] = value;
      hooks.metric(name, value, options?.step);
    },
    artifacts,
    resolvePath: (path) => resolveDocumentPath(environment, path),
    models: {
      deploy: async (deploy) => {
        // A node that ignored its signal must not change what serves after its attempt was given up.
        if (ended || signal.aborted) {
          throw registryRefused(`deploy of model "${deploy.model}" refused: the attempt that asked has ended`);
        }
        if (environment.models === undefined) throw registryRefused(NO_MODEL_REGISTRY);
        return environment.models.deploy({
          ...deploy,
          provenance: { runId: request.runId, stepId: step.id, attempt: request.attempt },
        });
      },
      traffic: async (asked) => {
        if (ended || signal.aborted) {
          throw registryRefused(
            `reading the traffic of model "${asked.model}" refused: the attempt that asked has ended`,
          );
        }
        if (environment.models === undefined) throw registryRefused(NO_MODEL_REGISTRY_FOR_TRAFFIC);
        const window = await environment.models.traffic(asked);
        // Only the sha256 came from the host: the path is where this machine's store keeps the blob.
        if (!(await environment.store.has(window.table.sha256, window.table.size))) {
          throw registryRefused(
            `the traffic table of model "${asked.model}" (${window.table.sha256}) is not in the artifact store of ${environment.machine ?? 'this machine'}: it must share the server’s artifact store`,
          );
        }
        return { ...window, table: await toRef(window.table, environment.store, TABLE_MEDIA_TYPE) };
      },
    },
    step: {
      runId: request.runId,
      stepId: step.id,
      attempt: request.attempt,
      nodeType: step.type,
      nodeVersion: step.version,
    },
  };

  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<StepFailure>((resolveStop) => {
    timer = setTimeout(() => timeout.abort(), step.timeoutMs);
    const onAbort = () =>
      resolveStop(
        timeout.signal.aborted
          ? { reason: 'timeout', message: `timed out after ${formatMs(step.timeoutMs)}` }
          : cancelledFailure(),
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([
      definition.run(context as never).then(
        (value) => ({ kind: 'returned' as const, value: value as unknown }),
        (cause: unknown) => ({ kind: 'threw' as const, cause }),
      ),
      stopped.then((failure) => ({ kind: 'stopped' as const, failure })),
    ]);
    if (result.kind === 'stopped') {
      return {
        ok: false,
        durationMs: elapsed(),
        failure: result.failure,
        retryable: result.failure.reason === 'timeout',
      };
    }
    if (result.kind === 'threw') {
      if (signal.aborted) {
        const failure = timeout.signal.aborted
          ? { reason: 'timeout' as const, message: `timed out after ${formatMs(step.timeoutMs)}` }
          : cancelledFailure();
        return { ok: false, durationMs: elapsed(), failure, retryable: failure.reason === 'timeout' };
      }
      const retryable = !(result.cause instanceof NodeError) || result.cause.retryable;
      const failure: StepFailure = { reason: 'error', message: errorMessage(result.cause) };
      if (result.cause instanceof Error && result.cause.stack !== undefined && !(result.cause instanceof NodeError)) {
        failure.detail = result.cause.stack;
      }
      return { ok: false, durationMs: elapsed(), failure, retryable };
    }
    const stored = await storeOutputs(definition, result.value, environment);
    if (!stored.ok) {
      return {
        ok: false,
        durationMs: elapsed(),
        failure: { reason: 'invalid-output', message: stored.message },
        retryable: false,
      };
    }
    return { ok: true, durationMs: elapsed(), outputs: stored.outputs, metrics };
  } finally {
    ended = true;
    clearTimeout(timer);
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function loadInputs(
  definition: AnyNodeDefinition,
  records: Record<string, OutputRecord[]>,
  store: ArtifactStore,
): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const [port, spec] of Object.entries(definition.inputs as InputPorts)) {
    const values = await Promise.all((records[port] ?? []).map((record) => decodeValue(record, store)));
    inputs[port] = spec.multiple ? values : values[0];
  }
  return inputs;
}

async function decodeValue(record: OutputRecord, store: ArtifactStore): Promise<unknown> {
  switch (record.storage) {
    case 'file':
      return toRef(record, store, record.mediaType);
    case 'text':
      return Buffer.from(await store.read(record.sha256)).toString('utf8');
    case 'json':
      return JSON.parse(Buffer.from(await store.read(record.sha256)).toString('utf8'));
  }
}

async function storeOutputs(
  definition: AnyNodeDefinition,
  value: unknown,
  { store, registry }: AttemptEnvironment,
): Promise<{ ok: true; outputs: Record<string, OutputRecord> } | { ok: false; message: string }> {
  const declared = Object.entries(definition.outputs as Record<string, { type: string }>);
  if (declared.length === 0 && (value === undefined || value === null)) return { ok: true, outputs: {} };
  if (value === null || typeof value !== 'object') {
    return {
      ok: false,
      message: `run() must return an object with outputs ${declared.map(([p]) => `"${p}"`).join(', ')}`,
    };
  }
  const returned = value as Record<string, unknown>;
  const outputs: Record<string, OutputRecord> = {};
  for (const [port, spec] of declared) {
    const portValue = returned[port];
    if (portValue === undefined) return { ok: false, message: `run() returned no value for output "${port}"` };
    const portType = spec.type;
    const storage = storageOf(registry.portType(portType)?.storage, portValue);
    if (storage === 'file') {
      const ref = portValue as Partial<ArtifactRef>;
      if (typeof ref.sha256 !== 'string' || !(await store.has(ref.sha256))) {
        return { ok: false, message: `output "${port}" (${portType}) must be an artifact written with ctx.artifacts` };
      }
      outputs[port] = fileRecord(portType, ref as ArtifactRef);
    } else if (storage === 'text') {
      if (typeof portValue !== 'string')
        return { ok: false, message: `output "${port}" (${portType}) must be a string` };
      const stored = await store.put(portValue);
      outputs[port] = { type: portType, storage, ...stored, mediaType: 'text/plain; charset=utf-8' };
    } else {
      let text: string;
      try {
        text = canonicalJson(portValue);
      } catch (cause) {
        return { ok: false, message: `output "${port}" (${portType}) is not JSON: ${errorMessage(cause)}` };
      }
      const stored = await store.put(text);
      outputs[port] = { type: portType, storage, ...stored, mediaType: 'application/json' };
    }
  }
  return { ok: true, outputs };
}

/** A port type's storage decides the encoding; an `abstract` output (`any`) goes by the value it returns. */
function storageOf(declared: PortStorage | undefined, value: unknown): OutputRecord['storage'] {
  if (declared !== undefined && declared !== 'abstract') return declared;
  const ref = value as Partial<ArtifactRef> | null;
  const isArtifact =
    ref !== null && typeof ref === 'object' && typeof ref.sha256 === 'string' && typeof ref.path === 'string';
  return isArtifact ? 'file' : 'json';
}

function fileRecord(type: string, ref: ArtifactRef): OutputRecord {
  const record: OutputRecord = { type, storage: 'file', sha256: ref.sha256, size: ref.size };
  if (ref.mediaType !== undefined) record.mediaType = ref.mediaType;
  return record;
}

async function toRef(
  stored: { sha256: string; size: number },
  store: ArtifactStore,
  mediaType: string | undefined,
): Promise<ArtifactRef> {
  const ref: ArtifactRef = { sha256: stored.sha256, size: stored.size, path: await store.localPath(stored.sha256) };
  if (mediaType !== undefined) ref.mediaType = mediaType;
  return ref;
}

export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** A document's path as a node sees it: confined to the data roots when the environment has them. */
export function resolveDocumentPath(environment: { baseDir: string; dataRoots?: readonly string[] }, path: string) {
  return environment.dataRoots === undefined
    ? resolvePath(environment.baseDir, path)
    : confinePath(environment.baseDir, environment.dataRoots, path);
}

function cancelledFailure(): StepFailure {
  return { reason: 'cancelled', message: 'cancelled' };
}
