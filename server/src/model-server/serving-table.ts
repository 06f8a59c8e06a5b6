import { type OnnxModelInfo, readOnnxModelInfo } from '@loom/onnx';
import type { ArtifactStore } from '@loom/runtime';
import {
  type InferencePool,
  type InferOptions,
  ModelLoadError,
  modelMetadata,
  type OipModelMetadata,
  type Tensors,
} from '@loom/serving';
import type { LoomStore } from '../store/loom-store.ts';
import type { TrafficShare } from '../store/store-types.ts';
import { chooseVersion } from './traffic-choice.ts';

/** What the table reads from the store: endpoints, versions and the revision it polls. */
export type ServingStore = Pick<LoomStore, 'listEndpoints' | 'getModel' | 'getModelVersion' | 'servingRevision'>;

/** Where log lines go; a pino logger (`app.log`) fits. */
export interface ServingLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options for {@link ServingTable}. */
export interface ServingTableOptions {
  store: ServingStore;
  /** Where the versions' ONNX files are, by sha256. */
  artifacts: Pick<ArtifactStore, 'read'>;
  /**
   * Makes the inference pool, on the first version to load: a server with no endpoint starts no
   * inference threads.
   */
  createPool: () => InferencePool;
  /**
   * How often to look for changes made by other processes (`loom run`, the API of another server on
   * the same home), in ms; 0: only when {@link ServingTable.notify} is called. @default 500
   */
  pollIntervalMs?: number;
  log?: ServingLog;
}

/** One version loaded in the pool, ready to answer. */
export interface ServedVersion {
  model: string;
  version: number;
  /** Its pool key, `${model}@${version}`. */
  key: string;
  /** What its ONNX file says about itself: inputs, task, classes. */
  info: OnnxModelInfo;
  /** Its Open Inference Protocol metadata (`versions`: this one). */
  metadata: OipModelMetadata;
  /** Seconds its load took: reading the ONNX file, then loading and warming it in every inference thread. */
  loadSeconds: number;
}

/** A version that could not be loaded: it takes no traffic. */
export interface LoadFailure {
  version: number;
  message: string;
}

/** What one endpoint serves now. */
export interface EndpointServing {
  model: string;
  /** The alias the routes came from. */
  alias: string;
  /** Where requests go now; every version in it is loaded. Empty when nothing could be loaded yet. */
  routes: TrafficShare[];
  /**
   * The routes the store asks for, when they are not serving yet because a version failed to load
   * (then `routes` are the ones that served before).
   */
  wanted?: TrafficShare[];
  /** Why `wanted` is not serving: the versions that failed to load. */
  failures: LoadFailure[];
}

/** Why a request cannot be answered: the HTTP status, a stable code and a message naming why. */
export interface Refusal {
  ok: false;
  status: 404 | 503;
  error: 'not-found' | 'not-ready' | 'load-failed';
  message: string;
}

/** Where a request goes, or why it cannot go anywhere. */
export type Resolution = { ok: true; served: ServedVersion } | Refusal;

interface Failed extends LoadFailure {
  /** A model onnxruntime rejected fails again; a file that could not be read may be there next time. */
  permanent: boolean;
}

/**
 * Keeps an {@link InferencePool} serving what the store's endpoints ask for. Each {@link sync} reads
 * the endpoints and loads (and warms) every version their routes name BESIDE the versions serving now;
 * only once every version of an endpoint's new routes has loaded does the endpoint switch to them, and
 * versions no longer routed are unloaded after the switch (their requests in flight finish first). So
 * a new version takes over with no failed request, and a version whose ONNX cannot load never takes
 * traffic: its endpoint keeps its previous routes and the failure is kept for `/v2` to show; an
 * endpoint with no previous routes answers 503 naming it. Syncs run one at a time; calls while one
 * runs are coalesced into one more.
 *
 * @example
 * const table = new ServingTable({ store, artifacts, createPool: () => new InferencePool() });
 * table.start(); // first sync now, then a poll every 500 ms
 * const where = table.resolve('iris', undefined, 'order-42');
 */
export class ServingTable {
  readonly #store: ServingStore;
  readonly #artifacts: Pick<ArtifactStore, 'read'>;
  readonly #createPool: () => InferencePool;
  readonly #pollIntervalMs: number;
  readonly #log: ServingLog | undefined;
  #pool: InferencePool | undefined;
  readonly #loaded = new Map<string, ServedVersion>();
  readonly #failed = new Map<string, Failed>();
  #endpoints = new Map<string, EndpointServing>();
  #revision: string | undefined;
  #synced = false;
  #markSynced: () => void = () => {};
  readonly #firstSync = new Promise<void>((resolve) => {
    this.#markSynced = resolve;
  });
  #running: Promise<void> | undefined;
  #pending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ServingTableOptions) {
    this.#store = options.store;
    this.#artifacts = options.artifacts;
    this.#createPool = options.createPool;
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#log = options.log;
    if (!Number.isFinite(this.#pollIntervalMs) || this.#pollIntervalMs < 0) {
      throw new RangeError(`pollIntervalMs must be 0 or more milliseconds, not ${options.pollIntervalMs}`);
    }
  }

  /** Starts the first sync and the polling; resolves when the first sync is done. */
  start(): Promise<void> {
    const first = this.sync();
    if (this.#pollIntervalMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#poll(), this.#pollIntervalMs);
      this.#timer.unref();
    }
    return first;
  }

  /** Says that the store changed (an alias moved, an endpoint was set): syncs now instead of at the next poll. */
  notify(): void {
    void this.sync();
  }

  /**
   * Brings the pool and the routes in line with the store. Never rejects: a failure is logged, and
   * the next change or poll tries again. Resolves once a sync that started after this call is done.
   */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running === undefined) return this.#run();
    this.#pending ??= this.#running.then(() => {
      this.#pending = undefined;
      return this.#run();
    });
    return this.#pending;
  }

  /** Resolves once the first sync has read the store and loaded what it could. */
  whenSynced(): Promise<void> {
    return this.#firstSync;
  }

  /** Whether the first sync is done and every endpoint has a version to serve; why not, when not. */
  readiness(): { ready: true } | { ready: false; message: string } {
    if (!this.#synced) return { ready: false, message: 'the model server has not finished loading its models' };
    const down = [...this.#endpoints.values()].filter((endpoint) => endpoint.routes.length === 0);
    if (down.length === 0) return { ready: true };
    return { ready: false, message: down.map((endpoint) => cannotServe(endpoint)).join('; ') };
  }

  /** Every endpoint the table knows, by model name. */
  endpoints(): EndpointServing[] {
    return [...this.#endpoints.values()];
  }

  /** What one endpoint serves now; undefined when the model has no endpoint (or the first sync is not done). */
  endpoint(model: string): EndpointServing | undefined {
    return this.#endpoints.get(model);
  }

  /** Every version loaded in the pool, routed or not (a new one loads beside those serving). */
  loaded(): ServedVersion[] {
    return [...this.#loaded.values()];
  }

  /** A loaded version, whether routed or not. */
  served(model: string, version: number): ServedVersion | undefined {
    return this.#loaded.get(poolKey(model, version));
  }

  /**
   * The version of the endpoint's routes that takes the largest share (the newest of equals): the one
   * whose inputs the model's metadata describes.
   */
  primary(model: string): ServedVersion | undefined {
    const routes = this.#endpoints.get(model)?.routes ?? [];
    const [top] = [...routes].sort((a, b) => b.percent - a.percent || b.version - a.version);
    return top === undefined ? undefined : this.served(model, top.version);
  }

  /**
   * A model's endpoint and the version its metadata describes (see {@link primary}), or why there is
   * none: 503 before the first sync or when no version has loaded, 404 without an endpoint.
   */
  lookup(model: string): { ok: true; endpoint: EndpointServing; primary: ServedVersion } | Refusal {
    const endpoint = this.#endpointOf(model);
    if (!('model' in endpoint)) return endpoint;
    const primary = this.primary(model);
    if (primary === undefined) return { ok: false, status: 503, error: 'load-failed', message: cannotServe(endpoint) };
    return { ok: true, endpoint, primary };
  }

  /**
   * Where a request for `model` goes: the version named (loaded, routed or not), or one of the
   * endpoint's routes chosen by the request id (see `chooseVersion`). Reads the store only to word a 404.
   */
  resolve(model: string, version: number | undefined, requestId: string | undefined): Resolution {
    const endpoint = this.#endpointOf(model);
    if (!('model' in endpoint)) return endpoint;
    if (version !== undefined) return this.#resolveVersion(endpoint, version);
    const chosen = chooseVersion(endpoint.routes, requestId);
    const served = chosen === undefined ? undefined : this.served(model, chosen);
    if (served === undefined) return { ok: false, status: 503, error: 'load-failed', message: cannotServe(endpoint) };
    return { ok: true, served };
  }

  /** Runs one inference on a served version (see `InferencePool.infer`). */
  infer(served: ServedVersion, feeds: Tensors, options: InferOptions = {}): Promise<Tensors> {
    if (this.#pool === undefined) return Promise.reject(new Error('the inference pool has not started'));
    return this.#pool.infer(served.key, feeds, options);
  }

  /** Requests of a served version waiting for an inference thread. */
  queued(served: ServedVersion): number {
    return this.#pool?.queued(served.key) ?? 0;
  }

  /** Stops polling and closes the pool; requests still waiting reject. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    // Closing the pool first fails the loads a running sync waits for, so it ends at once.
    await this.#pool?.close();
    await this.#running;
  }

  #run(): Promise<void> {
    const run = this.#syncOnce()
      .catch((error: Error) => {
        if (!this.#closed) this.#log?.error(`model server: could not sync with the store: ${error.message}`);
      })
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
    return run;
  }

  #poll(): void {
    if (this.#running !== undefined || this.#closed) return;
    let revision: string;
    try {
      revision = this.#store.servingRevision();
    } catch (error) {
      this.#log?.warn(`model server: could not read the store's serving revision: ${(error as Error).message}`);
      return;
    }
    if (revision !== this.#revision) void this.sync();
  }

  async #syncOnce(): Promise<void> {
    // Read before the endpoints, so a change made while this sync runs shows at the next poll.
    const revision = this.#store.servingRevision();
    const endpoints = this.#store.listEndpoints();
    const wanted = new Map<string, { model: string; version: number }>();
    for (const { model, routes } of endpoints) {
      for (const { version } of routes) wanted.set(poolKey(model, version), { model, version });
    }
    for (const [key, failure] of this.#failed) {
      if (!wanted.has(key) || !failure.permanent) this.#failed.delete(key);
    }
    await Promise.all(
      [...wanted]
        .filter(([key]) => !this.#loaded.has(key) && !this.#failed.has(key))
        .map(([key, { model, version }]) => this.#load(key, model, version)),
    );
    if (this.#closed) return;

    const next = new Map<string, EndpointServing>();
    for (const { model, alias, routes } of endpoints) {
      const failures = routes.flatMap(({ version }) => {
        const failed = this.#failed.get(poolKey(model, version));
        return failed === undefined ? [] : [{ version, message: failed.message }];
      });
      if (failures.length === 0) {
        next.set(model, { model, alias, routes, failures });
        continue;
      }
      const previous = this.#endpoints.get(model);
      const held = { model, alias: previous?.alias ?? alias, routes: previous?.routes ?? [], wanted: routes, failures };
      next.set(model, held);
      if (!sameRoutes(previous?.wanted, routes)) {
        this.#log?.warn(
          held.routes.length > 0
            ? `model server: "${model}" keeps serving ${describeRoutes(held.routes)}: ${failureText(failures)}`
            : `model server: "${model}" cannot serve: ${failureText(failures)}`,
        );
      }
    }
    for (const [model, serving] of next) {
      const before = this.#endpoints.get(model)?.routes;
      if (!sameRoutes(before, serving.routes) && serving.routes.length > 0) {
        this.#log?.info(`model server: "${model}" now serves ${describeRoutes(serving.routes)}`);
      }
    }
    this.#endpoints = next;
    this.#revision = revision;
    this.#synced = true;
    this.#markSynced();

    const routed = new Set<string>();
    for (const { model, routes } of next.values())
      for (const { version } of routes) routed.add(poolKey(model, version));
    const unused = [...this.#loaded.keys()].filter((key) => !routed.has(key));
    for (const key of unused) this.#loaded.delete(key);
    // After the switch: requests already queued for these versions finish before their sessions go.
    await Promise.all(unused.map((key) => this.#pool?.unload(key).catch(() => {})));
  }

  async #load(key: string, model: string, version: number): Promise<void> {
    const started = performance.now();
    try {
      const stored = this.#store.getModelVersion(model, version);
      if (stored === undefined) throw new Error(`the registry has no version ${version} of model "${model}"`);
      const sha256 = stored.onnxSha256;
      let bytes: Uint8Array;
      try {
        bytes = await this.#artifacts.read(sha256);
      } catch (error) {
        throw new Error(`cannot read its ONNX file (artifact ${sha256}): ${(error as Error).message}`);
      }
      let info: OnnxModelInfo;
      try {
        info = readOnnxModelInfo(bytes);
      } catch (error) {
        throw new ModelLoadError(
          key,
          `its ONNX file (artifact ${sha256}) is not a Loom ONNX model: ${(error as Error).message}`,
        );
      }
      // Closed while the file was read: no pool may start after close() has closed the last one.
      if (this.#closed) return;
      this.#pool ??= this.#createPool();
      await this.#pool.load(key, bytes);
      const metadata = modelMetadata(model, [String(version)], info);
      const loadSeconds = (performance.now() - started) / 1000;
      this.#loaded.set(key, { model, version, key, info, metadata, loadSeconds });
      this.#log?.info(`model server: loaded version ${version} of "${model}"`);
    } catch (error) {
      if (this.#closed) return;
      // ModelLoadError says which key failed; the failure is kept per version, so only its reason is kept.
      const reason = (error as Error).message.replace(`model '${key}' failed to load: `, '');
      const permanent = error instanceof ModelLoadError;
      this.#failed.set(key, { version, message: `version ${version} failed to load: ${reason}`, permanent });
      this.#log?.error(`model server: version ${version} of "${model}" failed to load: ${reason}`);
    }
  }

  #resolveVersion(endpoint: EndpointServing, version: number): Resolution {
    const { model } = endpoint;
    const served = this.served(model, version);
    if (served !== undefined) return { ok: true, served };
    const failed = this.#failed.get(poolKey(model, version));
    if (failed !== undefined) {
      return { ok: false, status: 503, error: 'load-failed', message: `model "${model}": ${failed.message}` };
    }
    if (this.#store.getModelVersion(model, version) === undefined) {
      return { ok: false, status: 404, error: 'not-found', message: `model "${model}" has no version ${version}` };
    }
    const serving = endpoint.routes.map((share) => share.version).join(', ');
    return {
      ok: false,
      status: 404,
      error: 'not-found',
      message: `version ${version} of model "${model}" is not served: its endpoint serves ${serving === '' ? 'no version' : `version ${serving}`}`,
    };
  }

  #endpointOf(model: string): EndpointServing | Refusal {
    if (!this.#synced) {
      return { ok: false, status: 503, error: 'not-ready', message: 'the model server is still loading its models' };
    }
    return (
      this.#endpoints.get(model) ?? { ok: false, status: 404, error: 'not-found', message: this.#noEndpoint(model) }
    );
  }

  #noEndpoint(model: string): string {
    if (this.#store.getModel(model) === undefined) return `no model "${model}" is served here`;
    return `model "${model}" has no endpoint: set one with PUT /api/endpoints/${model}`;
  }
}

/** The pool key of a model version. */
export function poolKey(model: string, version: number): string {
  return `${model}@${version}`;
}

function cannotServe(endpoint: EndpointServing): string {
  const why = endpoint.failures.length > 0 ? failureText(endpoint.failures) : 'no version has loaded';
  return `model "${endpoint.model}" cannot serve: ${why}`;
}

function failureText(failures: readonly LoadFailure[]): string {
  return failures.map((failure) => failure.message).join('; ');
}

function describeRoutes(routes: readonly TrafficShare[]): string {
  if (routes.length === 1) return `version ${routes[0]?.version}`;
  return routes.map((share) => `version ${share.version} (${share.percent}%)`).join(', ');
}

function sameRoutes(a: readonly TrafficShare[] | undefined, b: readonly TrafficShare[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.length === b.length && a.every((share, i) => share.version === b[i]?.version && share.percent === b[i]?.percent)
  );
}
