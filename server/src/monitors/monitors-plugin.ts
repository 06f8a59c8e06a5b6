import fp from 'fastify-plugin';
import { type AlertRunStarter, MonitorService } from './monitor-service.ts';

/**
 * `loom-monitors`: `fastify.monitors`, which evaluates every monitor's windows on the request log under
 * the home and runs its alerts' actions. A retrain run an alert starts records the alert as its trigger.
 * With `monitors: false` nothing is evaluated in this process (another server on the same store may).
 */
export const monitorsPlugin = fp(
  async (fastify) => {
    const settings = fastify.config.monitors;
    const startRun: AlertRunStarter = async (action, { monitor, alert }) => {
      const result = await fastify.triggers.startRun({
        pipelineId: action.pipelineId,
        ...(action.version === undefined ? {} : { version: action.version }),
        parameters: action.parameters ?? {},
        // The run records its cause, so the designer and the API show which alert started the retrain.
        trigger: { kind: 'alert', id: monitor.id, name: monitor.name, alertId: alert.id },
      });
      if (result.kind !== 'started') return { ok: false, message: result.message };
      fastify.log.info(
        { run: result.run.id, alert: alert.id, monitor: monitor.id },
        `alert ${alert.id} started run ${result.run.id}`,
      );
      return { ok: true, runId: result.run.id };
    };
    const service = new MonitorService({
      store: fastify.store,
      home: fastify.config.home,
      startRun,
      logger: fastify.log,
      ...(settings === false || settings === undefined ? {} : settings),
    });
    fastify.decorate('monitors', service);
    if (settings !== false) fastify.addHook('onReady', async () => service.start());
    fastify.addHook('onClose', async () => service.close());
  },
  { name: 'loom-monitors', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-runs', 'loom-triggers'] },
);
