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
  /** The endpoint's address on the model server, e.g. `http://127.0.0.1:8080/v2/models/iris`. */
  url: string;
}

/**
 * The model registry as a node sees it (`ctx.models`): deploying registers a version and points the
 * model's endpoint at it. The host (the server's step runners, `loom run`, a `loom worker` given the
 * server's address) provides it; where none does, `deploy` rejects saying where deploying works.
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
}
