import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode, input, NodeRegistry, output, Type } from '@loom/sdk';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { ServerOptions } from '../server-options.ts';

/*
 * A real app (SQLite store and artifact store in a temporary folder) on three test node types, for
 * route tests. The nodes are only listed and compiled here, never run.
 */

const neverRun = async (): Promise<never> => {
  throw new Error('the shell tests never run nodes');
};

export const sourceNode = defineNode({
  type: 'test.source',
  version: '1.0.0',
  title: 'Source',
  description: 'Reads a table.',
  category: 'data',
  params: Type.Object({ path: Type.String({ minLength: 1 }), rows: Type.Integer({ minimum: 1, default: 100 }) }),
  outputs: { table: output('table', { description: 'The rows' }) },
  run: neverRun,
});

export const trainNode = defineNode({
  type: 'test.train',
  version: '1.0.0',
  title: 'Train',
  description: 'Trains a model.',
  category: 'train',
  inputs: { train: input('table') },
  params: Type.Object({ epochs: Type.Integer({ minimum: 1, default: 5 }) }),
  outputs: { history: output('metrics') },
  resources: { gpu: 1 },
  run: neverRun,
});

export const mergeNode = defineNode({
  type: 'test.merge',
  version: '2.0.0',
  title: 'Merge',
  description: 'Merges metrics.',
  category: 'monitor',
  inputs: { reports: input('metrics', { multiple: true }), extra: input('json', { required: false }) },
  outputs: { merged: output('metrics') },
  run: neverRun,
});

/** The older version of `test.merge`, installed side by side. */
export const mergeNodeV1 = defineNode({ ...mergeNode, version: '1.0.0', run: neverRun });

export function testRegistry(): NodeRegistry {
  return new NodeRegistry(
    [sourceNode, trainNode, mergeNode, mergeNodeV1].map((definition) => ({ definition, source: 'test-fixtures' })),
  );
}

/** A document that compiles against {@link testRegistry}: source → train, with a pipeline parameter. */
export function testDocument(name = 'demo'): Record<string, unknown> {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    parameters: { epochs: { type: 'integer', default: 3 } },
    nodes: [
      { id: 'load', type: 'test.source', version: '1.0.0', params: { path: 'data.parquet' } },
      { id: 'train', type: 'test.train', version: '1.0.0', params: { epochs: { $param: 'epochs' } } },
    ],
    edges: [{ from: { node: 'load', port: 'table' }, to: { node: 'train', port: 'train' } }],
  };
}

export interface TestApp {
  app: FastifyInstance;
  home: string;
  close(): Promise<void>;
}

/** Builds an app on a fresh temporary `home`; `close()` closes it and removes the folder. */
export async function createTestApp(options: Partial<ServerOptions> = {}): Promise<TestApp> {
  const home = await mkdtemp(join(tmpdir(), 'loom-shell-'));
  const app = await buildApp({
    registry: testRegistry(),
    home,
    dataRoots: [home],
    host: '127.0.0.1',
    inlineConcurrency: 1,
    ...options,
  });
  await app.ready();
  return {
    app,
    home,
    close: async () => {
      await app.close();
      // Retried: a step still winding down may write into `home` just after the app closed.
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
