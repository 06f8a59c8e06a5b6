import { LocalArtifactStore } from '@loom/runtime';
import fp from 'fastify-plugin';

/** `loom-artifacts`: the content-addressed blob store under `<home>` as `fastify.artifacts`. */
export const artifactsPlugin = fp(
  async (fastify) => {
    fastify.decorate('artifacts', new LocalArtifactStore(fastify.config.home));
  },
  { name: 'loom-artifacts', fastify: '5.x', dependencies: ['loom-config'] },
);
