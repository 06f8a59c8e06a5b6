import fp from 'fastify-plugin';
import { BullMqScheduler } from './bullmq-scheduler.ts';
import type { ScheduleDriver } from './schedule-driver.ts';
import { SqliteScheduler } from './sqlite-scheduler.ts';
import { TriggerService } from './trigger-service.ts';

/**
 * `loom-triggers`: the {@link TriggerService} as `fastify.triggers`, with the schedule driver the
 * setup calls for: BullMQ job schedulers on Redis when `redisUrl` is set (on the step queues' prefix),
 * the SQLite scheduler otherwise. Ticks start once the app is ready, after the runs that were going
 * have been picked up; ticks missed while no server ran are reported then.
 */
export const triggersPlugin = fp(
  async (fastify) => {
    const { config, store, runs } = fastify;
    const settings = config.triggers ?? {};
    const service = new TriggerService({
      store,
      runs,
      ...(settings.graceMs === undefined ? {} : { graceMs: settings.graceMs }),
    });
    const onDue = (id: string, now: number) => service.tick(id, now);
    const onError = (error: unknown, id: string) => fastify.log.error({ err: error, trigger: id }, 'a schedule failed');
    const driver: ScheduleDriver =
      config.redisUrl === undefined
        ? new SqliteScheduler({
            store: store.triggers,
            onDue,
            onError,
            ...(settings.pollMs === undefined ? {} : { pollMs: settings.pollMs }),
          })
        : new BullMqScheduler({
            store: store.triggers,
            onDue,
            onError,
            connection: config.redisUrl,
            prefix: config.queuePrefix,
          });
    service.useDriver(driver);
    fastify.decorate('triggers', service);
    fastify.addHook('onReady', async () => driver.start());
    fastify.addHook('onClose', async () => driver.close());
  },
  { name: 'loom-triggers', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-runs'] },
);
