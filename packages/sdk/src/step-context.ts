import type { ModelRegistryAccess } from './model-registry-access.ts';
import type { ArtifactRef } from './port-types.ts';

/** The levels of {@link StepLogger}, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured logger: a message and optional fields, kept with the step's run. */
export interface StepLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Reads and writes content-addressed artifacts; a node never sees where they are stored. */
export interface ArtifactAccess {
  /** Stores bytes and returns their reference. */
  write(bytes: Uint8Array | string, options?: { mediaType?: string }): Promise<ArtifactRef>;
  /** Moves a file the step produced (e.g. under {@link ArtifactAccess.tempDir}) into the store. */
  importFile(path: string, options?: { mediaType?: string }): Promise<ArtifactRef>;
  /** Reads an artifact's bytes. */
  read(ref: ArtifactRef): Promise<Uint8Array>;
  /** A directory private to this attempt, removed when it ends, for files before they are imported. */
  tempDir(): Promise<string>;
}

/** Who and where a step is; for logs and for nodes that name things after their run. */
export interface StepIdentity {
  runId: string;
  /** The node's id in the pipeline document. */
  stepId: string;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  attempt: number;
  nodeType: string;
  nodeVersion: string;
}

/** Where an input value came from: the upstream node's id in the pipeline document and its output port. */
export interface InputSource {
  node: string;
  port: string;
}

/** What a node's `fingerprint` may use to describe the outside state its result depends on. */
export interface FingerprintContext<P> {
  /** The step's parameters, defaults filled in, as `run` will get them. */
  params: P;
  /** Resolves a path the way the step will (relative paths against the pipeline document's folder). */
  resolvePath(path: string): string;
  /** The sha256 of a file's contents. */
  hashFile(path: string): Promise<string>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

/** What `run(ctx)` receives. A node's code never touches the queue, the store or HTTP directly. */
export interface StepContext<P, I> {
  /** The parameters, checked against the node's schema with defaults filled in; typed from `params`. */
  params: P;
  /** The values on the input ports, typed from `inputs`: see {@link InputValue}. */
  inputs: I;
  /**
   * Where each connected input's values came from, in the order `inputs` holds them (several only for
   * a `multiple` port): e.g. to name merged values after the node that made them. An unconnected input
   * has no entry.
   */
  sources: Record<string, InputSource[]>;
  /** Aborted on cancellation and on timeout; long loops should check it and stop. */
  signal: AbortSignal;
  /** Structured logs, kept with the step's run. */
  log: StepLogger;
  /** Reports progress: `fraction` from 0 to 1, with an optional short message. */
  progress(fraction: number, message?: string): void;
  /** Records a named number; `step` makes it a series (e.g. loss per epoch). */
  metric(name: string, value: number, options?: { step?: number }): void;
  /** Where file outputs are written: return the {@link ArtifactRef} it gives for a `file`-stored port. */
  artifacts: ArtifactAccess;
  /** Resolves a path given in a parameter: relative paths are taken against the pipeline document's folder. */
  resolvePath(path: string): string;
  /** Which run, step and attempt this is. */
  step: StepIdentity;
  /**
   * The model registry: `deploy` registers an ONNX model as a version and points its endpoint at it;
   * `traffic` reads what an endpoint answered lately, as a table. Offered by the host; where there is
   * none, each call rejects saying where the registry is offered.
   */
  models: ModelRegistryAccess;
}
