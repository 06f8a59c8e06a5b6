import type { ArtifactRef, Metrics } from './port-types.ts';

/**
 * A model name as the registry takes it: it appears in URLs (`/api/models/{name}`,
 * `/v2/models/{name}/infer`) and file names, so letters, digits, `.`, `_` and `-`, starting with a
 * letter or digit, at most 128 characters.
 */
export const MODEL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/**
 * An alias (`production`, `staging`, `canary-eu`): starts with a letter, so it is never mistaken for a
 * version number where either may stand; letters, digits, `_` and `-`, at most 64 characters.
 */
export const ALIAS_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';

/**
 * Where an endpoint runs: `local`, the model server of the Loom server (or a `loom serve` on its home)
 * that follows the alias; `kubernetes`, a Deployment, Service and HorizontalPodAutoscaler of its own
 * that the Loom server applies to its cluster, its pods pinned to the versions the deploy routed.
 */
export const DEPLOY_TARGETS = ['local', 'kubernetes'] as const;

/** One of {@link DEPLOY_TARGETS}. */
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

/** What a node asks {@link ModelRegistryAccess.deploy} to do. */
export interface DeployRequest {
  /** The model (and endpoint) name; see {@link MODEL_NAME_PATTERN}. */
  model: string;
  /** The alias the endpoint serves, e.g. `production`; see {@link ALIAS_PATTERN}. */
  alias: string;
  /** A Loom ONNX file written by `export.onnx`: the version to register (the same file finds its existing version). */
  onnx: ArtifactRef;
  /**
   * The share of the endpoint's requests the version gets, an integer from 1 to 100. 100 moves the alias
   * to it; less, while the alias points at another version, starts a canary: the alias stays, and the
   * endpoint splits its requests between the two.
   */
  trafficPercent: number;
  /** The validation that gated the version, kept with it in the registry. */
  metrics?: Metrics;
  /** The model's description, used when this version is its first. */
  description?: string;
  /**
   * Where the endpoint runs (see {@link DEPLOY_TARGETS}). With `kubernetes` the deploy resolves once the
   * rollout has completed; a failed rollout moves the alias back and rejects (not retryable).
   * @default 'local'
   */
  target?: DeployTarget;
}

/** A share of an endpoint's requests. */
export interface DeployTrafficShare {
  version: number;
  /** An integer from 0 to 100; the shares of an endpoint sum to 100. */
  percent: number;
}

/** What {@link ModelRegistryAccess.deploy} did. */
export interface DeployResult {
  model: string;
  /** The version that holds the ONNX file. */
  version: number;
  /** False when the registry held this ONNX file already: no new version was made. */
  created: boolean;
  alias: string;
  /** The version the alias pointed at before, when it pointed at another one. */
  previousVersion?: number;
  /** Where the endpoint's requests go now. */
  traffic: DeployTrafficShare[];
  /**
   * The endpoint's address on the model server, e.g. `http://127.0.0.1:8080/v2/models/iris`; on
   * Kubernetes its Service's in-cluster address, e.g.
   * `http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris`.
   */
  url: string;
}

/** The longest window {@link ModelRegistryAccess.traffic} reads: 30 days, in seconds. */
export const MAX_TRAFFIC_SECONDS = 2_592_000;

/** What a node asks {@link ModelRegistryAccess.traffic} for. */
export interface TrafficWindowRequest {
  /** The model (and endpoint) name; see {@link MODEL_NAME_PATTERN}. */
  model: string;
  /**
   * How far back from now the window reaches: the rows answered in `[now - seconds, now)`. An integer
   * from 1 to {@link MAX_TRAFFIC_SECONDS}.
   */
  seconds: number;
  /**
   * The version whose rows to read, e.g. the one a `deploy.endpoint` step deployed.
   * @default the version that answered most rows in the window (the newest on a tie), as the endpoint monitors read it
   */
  version?: number;
}

/** What {@link ModelRegistryAccess.traffic} read from the endpoint's request log. */
export interface TrafficWindow {
  model: string;
  /**
   * The rows of {@link version} as a `table` artifact (Parquet): one column per input of that version,
   * named as the model's inputs (those the log holds; see {@link missingInputs}), and the endpoint's
   * answer in {@link predictionColumn}. Without rows, an empty table with every input's column.
   */
  table: ArtifactRef;
  /** Rows in {@link table}. 0 is a window without traffic, never a window without drift. */
  rows: number;
  /** The version read: the one asked for, or the one that answered most; null when none was asked for and none answered. */
  version: number | null;
  /** Rows in the window per version, all versions together, by version number. */
  versions: Record<string, number>;
  /** The window, ISO 8601: `[start, end)`. */
  start: string;
  end: string;
  /** Inputs of the version that no request-log file of the window holds (not in {@link table}). */
  missingInputs: string[];
  /** The column holding the endpoint's answers: `prediction`, or `_prediction` when an input is called that. */
  predictionColumn: string;
}

/**
 * The model registry as a node sees it (`ctx.models`): deploying registers a version and points the
 * model's endpoint at it; `traffic` reads what the endpoint answered. The host (the server's step
 * runners, `loom run`, a `loom worker` given the server's address) provides it; where none does, each
 * call rejects saying where the registry is offered.
 */
export interface ModelRegistryAccess {
  /**
   * Registers `onnx` as a version of `model` (or finds the version that holds it) and routes the
   * endpoint's traffic to it as `trafficPercent` says.
   *
   * @example
   * const deployed = await ctx.models.deploy({ model: 'iris', alias: 'production', onnx: ctx.inputs.onnx, trafficPercent: 100 });
   */
  deploy(request: DeployRequest): Promise<DeployResult>;

  /**
   * Reads the rows `model`'s endpoint answered in the last `seconds` from its request log, as a table.
   * Rejects (not retryable) for a model the registry does not hold or a bad `seconds`; a window without
   * traffic resolves with `rows: 0`.
   *
   * @example
   * const window = await ctx.models.traffic({ model: 'iris', seconds: 3600, version: ctx.inputs.endpoint.version });
   * if (window.rows === 0) ctx.log.warn(`no requests since ${window.start}`);
   */
  traffic(request: TrafficWindowRequest): Promise<TrafficWindow>;
}
