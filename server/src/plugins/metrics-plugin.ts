import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one Loom server, on a registry of its own (never prom-client's global one,
 * so two apps in one process, as in tests, do not share or clash).
 */
export interface LoomMetrics {
  /** Everything `/metrics` serves. */
  readonly registry: Registry;
  /**
   * Records a finished step attempt in `loom_step_duration_seconds`.
   * @example fastify.loomMetrics.observeStep('core.read_json', 'succeeded', 125);
   */
  observeStep(type: string, status: string, durationMs: number): void;
  /** Counts a started run in `loom_runs_started_total`. */
  runStarted(): void;
}

/** Step durations span milliseconds (a cached read) to hours (a training run). */
const STEP_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

/**
 * `loom-metrics`: `fastify.loomMetrics`. Counts of runs and steps by status and queue depths are read
 * at scrape time (from the store and `fastify.runs`), so they are right after a restart and cost
 * nothing between scrapes; step durations and started runs are recorded as they happen.
 */
export const metricsPlugin = fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });

    new Gauge({
      name: 'loom_runs',
      help: 'Runs in the store, by status.',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [status, count] of Object.entries(fastify.store.runCountsByStatus())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'loom_steps',
      help: 'Steps of all runs in the store, by status.',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [status, count] of Object.entries(fastify.store.stepCountsByStatus())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'loom_queue_jobs',
      help: 'Step jobs waiting, active or delayed, by backend queue.',
      labelNames: ['backend', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        // Registered after this plugin (it depends on it); absent only in an app built without runs.
        if (!fastify.hasDecorator('runs')) return;
        let depths: Awaited<ReturnType<typeof fastify.runs.queueDepths>>;
        try {
          depths = await fastify.runs.queueDepths();
        } catch (cause) {
          // Redis down: the scrape still serves every other metric; the health check reports the outage.
          fastify.log.warn({ err: cause }, 'could not read queue depths for /metrics');
          return;
        }
        for (const [backend, depth] of Object.entries(depths)) {
          for (const [state, count] of Object.entries(depth)) this.set({ backend, state }, count);
        }
      },
    });
    const stepDuration = new Histogram({
      name: 'loom_step_duration_seconds',
      help: 'Duration of finished step attempts, by node type and final status.',
      labelNames: ['type', 'status'],
      buckets: STEP_DURATION_BUCKETS,
      registers: [registry],
    });
    const runsStarted = new Counter({
      name: 'loom_runs_started_total',
      help: 'Runs started since the server started.',
      registers: [registry],
    });

    const metrics: LoomMetrics = {
      registry,
      observeStep: (type, status, durationMs) => stepDuration.observe({ type, status }, durationMs / 1000),
      runStarted: () => runsStarted.inc(),
    };
    fastify.decorate('loomMetrics', metrics);
  },
  { name: 'loom-metrics', fastify: '5.x', dependencies: ['loom-config', 'loom-store'] },
);
