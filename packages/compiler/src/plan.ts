import type { RetryPolicy } from '@loom/sdk';

/** Where a step input comes from: another step's output port. */
export interface PlanInputRef {
  step: string;
  port: string;
}

/** One node of the document, ready to run. */
export interface PlanStep {
  /** The node id in the document. */
  id: string;
  type: string;
  version: string;
  /** The node's label in the designer, or its id. */
  title: string;
  /** Parameters with defaults applied and pipeline parameter references replaced by their values. */
  params: Record<string, unknown>;
  /** For each connected input port, its sources in edge order (several only for `multiple` ports). */
  inputs: Record<string, PlanInputRef[]>;
  /** Output port name → port type. */
  outputs: Record<string, string>;
  /** Ids of the steps whose outputs this one reads, sorted. */
  dependsOn: string[];
  backend: 'cpu' | 'gpu' | 'kubernetes';
  /** `gpu` as the node type declares it, filled in (`memoryMb` 0 asks for whole devices). */
  resources: { cpu: number; memoryMb: number; gpu: { count: number; memoryMb: number; cpuFallback: boolean } };
  retry: RetryPolicy;
  timeoutMs: number;
  cacheable: boolean;
  /** Hash of the code that runs the node (from the registry); part of the cache key. */
  implementationHash: string;
  /**
   * The plugin that provides the node, as `name@version` (the registry's `source`): a worker without it
   * says which plugin to install. Absent in plans stored before plugins.
   */
  source?: string;
  /**
   * sha256 of the node type, version, implementation hash, canonical parameters and the cache keys of
   * the steps feeding each input: unchanged exactly when nothing upstream or in this step changed. The
   * runtime refines it into a content key with the inputs' actual content hashes.
   */
  cacheKey: string;
}

/** A compiled pipeline: steps in topological order. Serialisable; the same input gives the same bytes. */
export interface Plan {
  planVersion: 1;
  pipeline: string;
  /** Pipeline parameter values the plan was resolved with. */
  parameters: Record<string, string | number | boolean>;
  steps: PlanStep[];
}
