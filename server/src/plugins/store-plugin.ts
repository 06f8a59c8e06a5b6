import { join } from 'node:path';
import fp from 'fastify-plugin';
import { LoomStore } from '../store/loom-store.ts';

/** `loom-store`: opens the SQLite store at `<home>/loom.db` as `fastify.store`, and closes it with the app. */
export const storePlugin = fp(
  async (fastify) => {
    const store = LoomStore.open(join(fastify.config.home, 'loom.db'));
    fastify.decorate('store', store);
    // onClose hooks run in reverse order of registration, so plugins registered later (the run manager,
    // which writes events) are done before the database goes.
    fastify.addHook('onClose', async () => store.close());
  },
  { name: 'loom-store', fastify: '5.x', dependencies: ['loom-config'] },
);
