import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeCatalog, NodeParamsUpgrade } from '@loom/sdk';
import type {
  Alert,
  AlertList,
  AliasMove,
  ArtifactPreview,
  CreatedTrigger,
  EndpointList,
  EndpointStats,
  MetricPoint,
  ModelEventList,
  ModelList,
  ModelVersionList,
  Monitor,
  MonitorCreate,
  MonitorCreated,
  MonitorList,
  MonitorPatch,
  MonitorWindowList,
  NewTrigger,
  PipelineList,
  PipelineVersion,
  PipelineVersionList,
  RunDefinition,
  RunRequest,
  RunSummary,
  SavedPipeline,
  StepLog,
  StoredRun,
  Trigger,
  TriggerFireList,
  TriggerList,
  TriggerPatch,
  WindowDriftReport,
} from '@loom/server/api-types';
import type { InferRowsReply, InferRowsRequest } from './inference-types.ts';

/** The header of `GET /api/nodes` naming the registry revision the catalog comes from (see the server's routes/nodes.ts). */
const CATALOG_REVISION_HEADER = 'x-loom-catalog-revision';

/** The header of a model server's reply naming the version that answered (see the server's model-server routes). */
const MODEL_VERSION_HEADER = 'x-loom-model-version';

/** What else an error reply may say, beside its status, code and message. */
export interface ApiErrorDetails {
  /** Where in the request body the problem is, e.g. `rows[0].sepal_length` (the model server's 400s). */
  path?: string;
  /** How long the server asks to wait before trying again (its `Retry-After`, on a 503). */
  retryAfterSeconds?: number;
}

/** Where a request was wrong, as a 400's `problems` say: the part (`body`, …), a JSON Pointer into it, and what. */
export interface ApiProblem {
  in: string;
  path: string;
  message: string;
}

/** An error reply from the server, with its diagnostics when the server compiled something. */
export class ApiError extends Error {
  readonly path: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    details: ApiErrorDetails = {},
    /** A 400's `problems`, e.g. `[{ in: 'body', path: '/rules/0/threshold', … }]`; empty when it has none. */
    readonly problems: readonly ApiProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.path = details.path;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** A model server's answer to a row-form request, with what the browser saw of it. */
export interface InferRowsResult {
  reply: InferRowsReply;
  /** The version that answered, from the reply's header (or its body when the header is missing). */
  version: string;
  /** From sending the request to having the whole reply, measured in the browser. */
  latencyMs: number;
}

/** Where the server is and how to authenticate; the designer is served by the server, so same origin. */
export interface ApiOptions {
  /** @default '' (same origin) */
  baseUrl?: string;
  /** Sent as a bearer token when the server requires one (`LOOM_API_TOKEN`). */
  token?: string;
}

/**
 * The designer's only way to the server: one method per route it uses, typed by the server's own
 * reply schemas.
 */
export class LoomApi {
  readonly baseUrl: string;
  readonly #token: string | undefined;

  constructor(options: ApiOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.#token = options.token;
  }

  /** The node catalog, and the registry revision it was built from (undefined from a server that does not say). */
  async catalog(): Promise<{ catalog: NodeCatalog; revision: number | undefined }> {
    const { body, headers } = await this.#exchange<NodeCatalog>('GET', '/api/nodes');
    const revision = headers.get(CATALOG_REVISION_HEADER);
    return { catalog: body, revision: revision !== null && /^\d+$/.test(revision) ? Number(revision) : undefined };
  }

  /** The URL of the catalog's event stream: `catalog` events with `{ revision }`, the current one first. */
  catalogEventsUrl(): string {
    return `${this.baseUrl}/api/nodes/events`;
  }

  /** A node's parameters carried from `from` up to `to` (default: the latest installed) by the plugins' migrations. */
  upgradeNode(request: {
    type: string;
    from: string;
    to?: string;
    params: Record<string, unknown>;
  }): Promise<NodeParamsUpgrade> {
    return this.#request('POST', '/api/nodes/upgrade', request);
  }

  /** Files under the server's data folders, as paths a pipeline can name. */
  dataFiles(): Promise<{ files: Array<{ path: string; size: number }>; truncated: boolean }> {
    return this.#request('GET', '/api/data-files');
  }

  /** Whether a run on the server would find these files, and the look-alikes of those it would not. */
  checkDataFiles(paths: readonly string[]): Promise<{
    folders: string[];
    results: Array<{ path: string; found: boolean; looked?: string[]; suggestions?: string[] }>;
  }> {
    return this.#request('POST', '/api/data-files/check', { paths });
  }

  /** The example pipelines bundled with Loom. */
  examples(): Promise<{ examples: Array<{ name: string; title: string; description: string; nodes: number }> }> {
    return this.#request('GET', '/api/examples');
  }

  /** One example, its data paths as the server reads them. */
  example(name: string): Promise<{ name: string; document: unknown }> {
    return this.#request('GET', `/api/examples/${encodeURIComponent(name)}`);
  }

  /** A data file's columns, read by the server as a data node would read it (CSV header, Parquet schema). */
  dataFileColumns(
    path: string,
    csv: { delimiter?: string; header?: boolean } = {},
  ): Promise<{ path: string; columns: Array<{ name: string; type: string; kind: string }> }> {
    const query = new URLSearchParams({ path });
    if (csv.delimiter !== undefined) query.set('delimiter', csv.delimiter);
    if (csv.header !== undefined) query.set('header', String(csv.header));
    return this.#request('GET', `/api/data-files/columns?${query}`);
  }

  listPipelines(): Promise<PipelineList> {
    return this.#request('GET', '/api/pipelines');
  }

  createPipeline(document: PipelineDocument): Promise<SavedPipeline> {
    return this.#request('POST', '/api/pipelines', document);
  }

  savePipeline(id: string, document: PipelineDocument): Promise<SavedPipeline> {
    return this.#request('PUT', `/api/pipelines/${encodeURIComponent(id)}`, document);
  }

  /** Renames a pipeline: the server saves its latest document under the new name as a new version. */
  renamePipeline(id: string, name: string): Promise<SavedPipeline> {
    return this.#request('PATCH', `/api/pipelines/${encodeURIComponent(id)}`, { name });
  }

  /** Deletes a pipeline and its versions; refused (409) while a run of it is queued or running. */
  deletePipeline(id: string): Promise<void> {
    return this.#request('DELETE', `/api/pipelines/${encodeURIComponent(id)}`);
  }

  getPipeline(id: string, version?: number): Promise<PipelineVersion> {
    const path = version === undefined ? '' : `/versions/${version}`;
    return this.#request('GET', `/api/pipelines/${encodeURIComponent(id)}${path}`);
  }

  listVersions(id: string): Promise<PipelineVersionList> {
    return this.#request('GET', `/api/pipelines/${encodeURIComponent(id)}/versions`);
  }

  startRun(pipelineId: string, request: RunRequest): Promise<RunSummary> {
    return this.#request('POST', `/api/pipelines/${encodeURIComponent(pipelineId)}/runs`, request);
  }

  listRuns(query: { pipelineId?: string; limit?: number } = {}): Promise<{ runs: RunSummary[] }> {
    const params = new URLSearchParams();
    if (query.pipelineId !== undefined) params.set('pipelineId', query.pipelineId);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.#request('GET', `/api/runs?${params}`);
  }

  getRun(id: string): Promise<StoredRun> {
    return this.#request('GET', `/api/runs/${encodeURIComponent(id)}`);
  }

  runDefinition(id: string): Promise<RunDefinition> {
    return this.#request('GET', `/api/runs/${encodeURIComponent(id)}/definition`);
  }

  cancelRun(id: string): Promise<RunSummary> {
    return this.#request('POST', `/api/runs/${encodeURIComponent(id)}/cancel`);
  }

  resumeRun(id: string): Promise<RunSummary> {
    return this.#request('POST', `/api/runs/${encodeURIComponent(id)}/resume`);
  }

  stepLogs(runId: string, stepId: string, attempt?: number): Promise<{ logs: StepLog[] }> {
    const query = attempt === undefined ? '' : `?attempt=${attempt}`;
    return this.#request(
      'GET',
      `/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs${query}`,
    );
  }

  /** The curve points of a step's latest attempt, each curve thinned to `maxPoints`. */
  stepMetricPoints(
    runId: string,
    stepId: string,
    maxPoints: number,
  ): Promise<{ points: MetricPoint[]; thinned: boolean }> {
    return this.#request(
      'GET',
      `/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/metric-points?latest=true&maxPoints=${maxPoints}`,
    );
  }

  artifactPreview(sha256: string, rows = 50): Promise<ArtifactPreview> {
    return this.#request('GET', `/api/artifacts/${sha256}/preview?rows=${rows}`);
  }

  /**
   * The URL that downloads an artifact's bytes (a plain link: the browser saves it); with `fileName`,
   * the server names the download (its Content-Disposition), as the link's `download` attribute cannot
   * for every browser.
   */
  artifactUrl(sha256: string, fileName?: string): string {
    const query = fileName === undefined ? '' : `?filename=${encodeURIComponent(fileName)}`;
    return `${this.baseUrl}/api/artifacts/${sha256}${query}`;
  }

  /** Registered models, by name, each with its aliases. */
  listModels(): Promise<ModelList> {
    return this.#request('GET', '/api/models');
  }

  /** A model's versions, newest first: schema, metrics, provenance and the aliases at each. */
  modelVersions(name: string): Promise<ModelVersionList> {
    return this.#request('GET', `/api/models/${encodeURIComponent(name)}/versions`);
  }

  /** A model's history (registrations, alias moves and removals, deletions), newest first. */
  modelEvents(name: string): Promise<ModelEventList> {
    return this.#request('GET', `/api/models/${encodeURIComponent(name)}/events`);
  }

  /** Every endpoint: the alias it serves and where its requests go now. */
  listEndpoints(): Promise<EndpointList> {
    return this.#request('GET', '/api/endpoints');
  }

  /** A model's traffic on this server's model server: per slot over the last hour or day. */
  endpointStats(model: string, range: '1h' | '1d'): Promise<EndpointStats> {
    return this.#request('GET', `/api/endpoints/${encodeURIComponent(model)}/stats?range=${range}`);
  }

  /** Points an alias at a version (creating the alias when it is new). */
  setAlias(model: string, alias: string, version: number): Promise<AliasMove> {
    return this.#request('PUT', `/api/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(alias)}`, {
      version,
    });
  }

  /** Moves an alias back to the version it pointed at before; refused (409) when it has none. */
  rollbackAlias(model: string, alias: string): Promise<AliasMove> {
    return this.#request(
      'POST',
      `/api/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(alias)}/rollback`,
    );
  }

  /** A pipeline's schedules and webhooks, oldest first, each with its next tick and last fire. */
  listTriggers(pipelineId: string): Promise<TriggerList> {
    return this.#request('GET', `/api/triggers?pipelineId=${encodeURIComponent(pipelineId)}`);
  }

  /** Creates a schedule or a webhook; a webhook's secret is in this reply only. */
  createTrigger(trigger: NewTrigger): Promise<CreatedTrigger> {
    return this.#request('POST', '/api/triggers', trigger);
  }

  /** Edits a trigger (name, cron, time zone, parameters, paused); 400 names a bad field. */
  updateTrigger(id: string, patch: TriggerPatch): Promise<Trigger> {
    return this.#request('PATCH', `/api/triggers/${encodeURIComponent(id)}`, patch);
  }

  deleteTrigger(id: string): Promise<void> {
    return this.#request('DELETE', `/api/triggers/${encodeURIComponent(id)}`);
  }

  /** Gives a webhook a new random secret, answered this once. */
  rotateTriggerSecret(id: string): Promise<{ secret: string }> {
    return this.#request('POST', `/api/triggers/${encodeURIComponent(id)}/secret`);
  }

  /** A trigger's fires, newest first. */
  triggerFires(id: string, limit = 20): Promise<TriggerFireList> {
    return this.#request('GET', `/api/triggers/${encodeURIComponent(id)}/fires?limit=${limit}`);
  }

  /** The absolute address webhook senders post to. */
  hookUrl(id: string): string {
    const base = this.baseUrl === '' ? window.location.origin : this.baseUrl;
    return `${base}/api/hooks/${encodeURIComponent(id)}`;
  }

  /** Endpoint monitors, of one model or all. */
  listMonitors(model?: string): Promise<MonitorList> {
    const query = model === undefined ? '' : `?model=${encodeURIComponent(model)}`;
    return this.#request('GET', `/api/monitors${query}`);
  }

  /** Creates a monitor; the reply carries the secret that signs its webhooks, this once. */
  createMonitor(body: MonitorCreate): Promise<MonitorCreated> {
    return this.#request('POST', '/api/monitors', body);
  }

  /** Edits or pauses a monitor; new rules resolve its open alerts. */
  updateMonitor(id: string, patch: MonitorPatch): Promise<Monitor> {
    return this.#request('PATCH', `/api/monitors/${encodeURIComponent(id)}`, patch);
  }

  /** Deletes a monitor with its windows and alerts. */
  deleteMonitor(id: string): Promise<void> {
    return this.#request('DELETE', `/api/monitors/${encodeURIComponent(id)}`);
  }

  /** A monitor's evaluated windows, newest first. */
  monitorWindows(id: string, limit?: number): Promise<MonitorWindowList> {
    const query = limit === undefined ? '' : `?limit=${limit}`;
    return this.#request('GET', `/api/monitors/${encodeURIComponent(id)}/windows${query}`);
  }

  /** The drift report of the window starting at `start` (404 for a window without data). */
  windowReport(id: string, start: string): Promise<WindowDriftReport> {
    return this.#request('GET', `/api/monitors/${encodeURIComponent(id)}/windows/${encodeURIComponent(start)}/report`);
  }

  /** Evaluates the monitor's ended windows now; the reply lists those this call stored. */
  evaluateMonitor(id: string): Promise<MonitorWindowList> {
    return this.#request('POST', `/api/monitors/${encodeURIComponent(id)}/evaluate`);
  }

  /** Alerts, newest first, filtered by status, model or monitor. */
  listAlerts(query: { status?: 'open' | 'resolved'; model?: string; monitor?: string } = {}): Promise<AlertList> {
    const params = new URLSearchParams();
    if (query.status !== undefined) params.set('status', query.status);
    if (query.model !== undefined) params.set('model', query.model);
    if (query.monitor !== undefined) params.set('monitor', query.monitor);
    return this.#request('GET', `/api/alerts?${params}`);
  }

  /** Resolves an open alert by hand (409 when it was resolved already). */
  resolveAlert(id: string): Promise<Alert> {
    return this.#request('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`);
  }

  /** The model server's address for a model's endpoint (Open Inference Protocol v2). */
  inferUrl(model: string): string {
    return `${this.baseUrl}/v2/models/${encodeURIComponent(model)}/infer`;
  }

  /**
   * Sends rows to a model's endpoint in Loom's row form and times the answer. Errors are
   * {@link ApiError}s: 400 naming the input (`path`), 404 for an unknown model, 503 with `retryAfterSeconds`.
   */
  async inferRows(model: string, request: InferRowsRequest): Promise<InferRowsResult> {
    const started = performance.now();
    const { body, headers } = await this.#exchange<InferRowsReply>(
      'POST',
      `/v2/models/${encodeURIComponent(model)}/infer`,
      request,
    );
    const latencyMs = performance.now() - started;
    return { reply: body, version: headers.get(MODEL_VERSION_HEADER) ?? String(body.model_version), latencyMs };
  }

  /** The URL of a run's event stream (server-sent events). */
  runEventsUrl(runId: string, lastEventId: number): string {
    return `${this.baseUrl}/api/runs/${encodeURIComponent(runId)}/events?lastEventId=${lastEventId}`;
  }

  /** Headers every request carries: the API token, when the server needs one. */
  authHeaders(): Record<string, string> {
    return this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` };
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.#exchange<T>(method, path, body)).body;
  }

  async #exchange<T>(method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // The server takes POST and PUT only as JSON, with or without a body (a guard against other sites' forms).
    if (body !== undefined || method === 'POST' || method === 'PUT') headers['content-type'] = 'application/json';
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new ApiError(0, 'network', `cannot reach the Loom server (${(cause as Error).message})`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const reply = (parsed ?? {}) as {
        error?: string;
        message?: string;
        diagnostics?: Diagnostic[];
        path?: unknown;
        problems?: unknown;
      };
      const details: ApiErrorDetails = {};
      if (typeof reply.path === 'string') details.path = reply.path;
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null && /^\d+$/.test(retryAfter)) details.retryAfterSeconds = Number(retryAfter);
      throw new ApiError(
        response.status,
        reply.error ?? 'http',
        reply.message ?? `${method} ${path} answered ${response.status}`,
        reply.diagnostics ?? [],
        details,
        Array.isArray(reply.problems) ? reply.problems.filter(isProblem) : [],
      );
    }
    return { body: parsed as T, headers: response.headers };
  }
}

function isProblem(value: unknown): value is ApiProblem {
  const problem = value as Partial<ApiProblem> | null;
  return (
    typeof problem === 'object' &&
    problem !== null &&
    typeof problem.path === 'string' &&
    typeof problem.message === 'string' &&
    typeof problem.in === 'string'
  );
}
