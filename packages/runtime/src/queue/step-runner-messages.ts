import type { DeployResult, LogLevel, TrafficWindowRequest } from '@loom/sdk';
import type { AttemptOutcome, AttemptRequest } from '../execute-attempt.ts';
import type { HostDeployRequest, HostTrafficWindow } from '../model-registry-host.ts';

/** An attempt as it crosses the process boundary: everything but the signal (abort is a message). */
export type AttemptRequestData = Omit<AttemptRequest, 'signal'>;

/** What a step runner child needs to build its environment once. */
export interface StepRunnerChildConfig {
  registryModule: string;
  /** Handed to the registry module's `createRegistry`. */
  registryOptions?: unknown;
  storeRoot: string;
  baseDir: string;
  dataRoots?: readonly string[];
  /** Whether the parent offers a model registry: `ctx.models` calls are relayed to it (`deploy` and `traffic` messages). */
  models?: boolean;
}

/**
 * What actually crosses the channel: the messages of one turn of the event loop, together. A busy
 * worker sends dozens per turn, and one write each costs more than the messages themselves.
 */
export interface MessageBatch<M> {
  kind: 'batch';
  messages: M[];
}

/** Parent → child. `id` numbers attempts within one child. */
export type ToChildMessage =
  | { kind: 'init'; config: StepRunnerChildConfig }
  | { kind: 'run'; id: number; request: AttemptRequestData }
  | { kind: 'abort'; id: number }
  /** The answer to the `deploy` call numbered `call`. */
  | { kind: 'deployed'; call: number; result: DeployResult }
  /** The answer to the `traffic` call numbered `call`. */
  | { kind: 'traffic-read'; call: number; result: HostTrafficWindow }
  /** A registry call (either kind) numbered `call` failed. */
  | { kind: 'registry-failed'; call: number; message: string; retryable: boolean };

/** Child → parent. `ready` answers once its message handler listens, so nothing sent earlier is lost. */
export type FromChildMessage =
  | { kind: 'ready' }
  | { kind: 'started'; id: number }
  | { kind: 'progress'; id: number; fraction: number; message?: string }
  | { kind: 'log'; id: number; level: LogLevel; message: string; fields?: Record<string, unknown> }
  | { kind: 'metric'; id: number; name: string; value: number; step?: number }
  | { kind: 'outcome'; id: number; outcome: AttemptOutcome }
  /** Attempt `id` calls `ctx.models.deploy`; `call` numbers the registry calls within the child. */
  | { kind: 'deploy'; id: number; call: number; request: HostDeployRequest }
  /** Attempt `id` calls `ctx.models.traffic`; numbered with the deploy calls. */
  | { kind: 'traffic'; id: number; call: number; request: TrafficWindowRequest };
