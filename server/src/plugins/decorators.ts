/*
 * Every decorator the Loom app puts on its Fastify instance, declared once here so that a route or a
 * plugin reading `fastify.store` is type-checked without each plugin re-declaring what it adds.
 * The plugin named beside each decorator provides it; a plugin that reads one lists that name in its
 * `dependencies`, so a missing or misordered registration fails at startup, not at the first request.
 */
import type { LocalArtifactStore } from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import type { InferenceFacts, ServingMetrics } from '../model-server/serving-metrics.ts';
import type { ServingTable } from '../model-server/serving-table.ts';
import type { MonitorService } from '../monitors/monitor-service.ts';
import type { NodeRegistrySource } from '../node-registry-source.ts';
import type { RunManager } from '../runs/run-manager.ts';
import type { LoomStore } from '../store/loom-store.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import type { ResolvedServerOptions } from './config-plugin.ts';
import type { LoomMetrics } from './metrics-plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The server options with every default filled in (`loom-config`). */
    config: ResolvedServerOptions;
    /** The node types this server lists and compiles against now (`loom-config`); see `nodeRegistry`. */
    readonly registry: NodeRegistry;
    /** Where `registry` comes from, with its revision and news of each replacement (`loom-config`). */
    nodeRegistry: NodeRegistrySource;
    /** Pipelines, runs, events and logs in SQLite at `<home>/loom.db` (`loom-store`). */
    store: LoomStore;
    /** Content-addressed blobs under `<home>/artifacts` (`loom-artifacts`). */
    artifacts: LocalArtifactStore;
    /** The Prometheus metrics served at `/metrics` (`loom-metrics`). */
    loomMetrics: LoomMetrics;
    /** Starts, watches and cancels runs (`loom-runs`). */
    runs: RunManager;
    /** Schedules, webhooks and the runs they (and alert actions, through `startRun`) start (`loom-triggers`). */
    triggers: TriggerService;
    /**
     * What the model server serves (`loom-model-server`); absent when it is off. Call `notify()` after
     * changing aliases, endpoints or versions, so it switches at once rather than at its next poll.
     */
    modelServing?: ServingTable;
    /** Evaluates endpoint monitors window by window and runs their alerts' actions (`loom-monitors`). */
    monitors: MonitorService;
    /** What the model server answered: its Prometheus counts and each endpoint's series (`loom-model-server`); absent when it is off. */
    modelServingMetrics?: ServingMetrics;
  }

  interface FastifyRequest {
    /**
     * On the model server's infer routes (`loom-model-server`): the model version chosen and what its
     * inference took, for the metrics counted when the reply is sent; null before a version is chosen.
     */
    loomInference: InferenceFacts | null;
  }
}
