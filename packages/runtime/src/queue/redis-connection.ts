import { Redis, type RedisOptions } from 'ioredis';

/** A Redis URL (`redis://host:6379/0`) or ioredis options. */
export type RedisConnection = string | RedisOptions;

/**
 * A new ioredis client that waits through outages instead of failing commands: `maxRetriesPerRequest:
 * null` keeps commands queued while it reconnects (BullMQ workers require it; for the transport it is
 * what lets an attempt wait for Redis instead of failing).
 */
export function openRedis(connection: RedisConnection, overrides: RedisOptions = {}): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every 2 s, for ever.
    retryStrategy: (times) => Math.min(50 * times, 2000),
    ...overrides,
  };
  return typeof connection === 'string' ? new Redis(connection, options) : new Redis({ ...connection, ...options });
}

/** Ends a client politely, or at once when Redis does not answer. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise((resolveLater) => setTimeout(resolveLater, 1000).unref()),
  ]);
  client.disconnect();
}

/** Resolves after `ms`, or as soon as `signal` aborts (at once when it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
