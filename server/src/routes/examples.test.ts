import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode, inputFile, NodeRegistry, output, Type } from '@loom/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerOptions } from '../resolve-server-options.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

const readNode = defineNode({
  type: 'test.read',
  version: '1.0.0',
  title: 'Read',
  description: 'Reads a file.',
  category: 'data',
  params: Type.Object({ path: inputFile() }),
  outputs: { table: output('table') },
  run: async () => {
    throw new Error('the examples tests never run nodes');
  },
});

const pipeline = (name: string, path: unknown, parameters: Record<string, unknown> = {}) => ({
  format: 'loom.pipeline',
  formatVersion: 2,
  name,
  description: `The ${name} example.`,
  parameters,
  nodes: [{ id: 'read', type: 'test.read', version: '1.0.0', params: { path } }],
  edges: [],
});

let examples: string;
let data: string;
let test: TestApp;
beforeAll(async () => {
  examples = await mkdtemp(join(tmpdir(), 'loom-examples-'));
  data = await mkdtemp(join(tmpdir(), 'loom-examples-data-'));
  await mkdir(join(examples, 'iris'));
  await writeFile(join(examples, 'iris', 'pipeline.loom.json'), JSON.stringify(pipeline('iris', 'iris.csv')));
  await writeFile(join(examples, 'iris', 'README.md'), 'Intro\n\n# Iris, the classic\n\nText.\n');
  await writeFile(join(examples, 'iris', 'iris.csv'), 'a\n1\n');
  await mkdir(join(examples, 'bound'));
  const bound = pipeline('bound', { $param: 'source' }, { source: { type: 'string', default: 'rows.csv' } });
  await writeFile(join(examples, 'bound', 'pipeline.loom.json'), JSON.stringify(bound));
  await mkdir(join(examples, 'plugins')); // no pipeline: not an example
  await mkdir(join(examples, 'broken'));
  await writeFile(join(examples, 'broken', 'pipeline.loom.json'), '{"format": ');
  test = await createTestApp({
    registry: new NodeRegistry([{ definition: readNode, source: 'test' }]),
    dataRoots: [data],
    examplesDir: examples,
  });
});
afterAll(async () => {
  await test.close();
  await rm(examples, { recursive: true, force: true });
  await rm(data, { recursive: true, force: true });
});

describe('GET /api/examples', () => {
  it('lists each folder holding a valid pipeline, titled by its README’s first heading', async () => {
    const reply = await test.app.inject({ url: '/api/examples' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      examples: [
        { name: 'bound', title: 'bound', description: 'The bound example.', nodes: 1 },
        { name: 'iris', title: 'Iris, the classic', description: 'The iris example.', nodes: 1 },
      ],
    });
  });

  it('finds the bundled examples by default', () => {
    const options = resolveServerOptions({ registry: new NodeRegistry() }, {});
    expect(options.examplesDir).toMatch(/examples$/);
    expect(resolveServerOptions({ registry: new NodeRegistry() }, { LOOM_EXAMPLES_DIR: '/x' }).examplesDir).toBe('/x');
  });
});

describe('GET /api/examples/:name', () => {
  it('sends the pipeline with its files named as this server reads them, and the examples become readable', async () => {
    const reply = await test.app.inject({ url: '/api/examples/iris' });
    expect(reply.statusCode).toBe(200);
    const { document } = reply.json();
    // Outside the data folder: absolute, and the examples folder is a data folder after the configured ones.
    expect(document.nodes[0].params.path).toBe(join(examples, 'iris', 'iris.csv'));
    expect(test.app.config.dataRoots).toEqual([data, examples]);
    const saved = await test.app.inject({ method: 'POST', url: '/api/pipelines', payload: document });
    expect(saved.json().diagnostics).toEqual([]);
  });

  it('rewrites the default of a pipeline parameter a path is bound to', async () => {
    const { document } = (await test.app.inject({ url: '/api/examples/bound' })).json();
    expect(document.nodes[0].params.path).toEqual({ $param: 'source' });
    expect(document.parameters.source.default).toBe(join(examples, 'bound', 'rows.csv'));
  });

  it('writes the path relative to the first data folder when the examples are inside it', async () => {
    const inside = await createTestApp({
      registry: new NodeRegistry([{ definition: readNode, source: 'test' }]),
      dataRoots: [join(examples, '..')],
      examplesDir: examples,
    });
    try {
      const { document } = (await inside.app.inject({ url: '/api/examples/iris' })).json();
      expect(document.nodes[0].params.path).toBe(join(examples.split('/').pop() as string, 'iris', 'iris.csv'));
      expect(inside.app.config.dataRoots).toEqual([join(examples, '..')]);
    } finally {
      await inside.close();
    }
  });

  it('is a 404 naming an unknown example, and a 400 for a name that is a path', async () => {
    const missing = await test.app.inject({ url: '/api/examples/plugins' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no example "plugins"');
    expect((await test.app.inject({ url: '/api/examples/..%2Fetc' })).statusCode).toBe(400);
  });
});

describe('input files of saved pipelines and runs', () => {
  it('reports a missing input file when saving, and refuses to run it, with suggestions', async () => {
    const saved = await test.app.inject({ method: 'POST', url: '/api/pipelines', payload: pipeline('p', 'iris.csv') });
    expect(saved.statusCode).toBe(201);
    const [diagnostic] = saved.json().diagnostics;
    expect(diagnostic).toMatchObject({ code: 'data.file-missing', nodeId: 'read', path: '/nodes/0/params/path' });
    expect(diagnostic.message).toContain(`did you mean "${join(examples, 'iris', 'iris.csv')}"?`);
    const run = await test.app.inject({ method: 'POST', url: `/api/pipelines/${saved.json().id}/runs`, payload: {} });
    expect(run.statusCode).toBe(400);
    expect(run.json().message).toContain('the pipeline cannot run: path "iris.csv" of node "read" names no file');
    expect(run.json().diagnostics).toEqual([diagnostic]);
  });

  it('checks the path a run parameter gives', async () => {
    const bound = pipeline('b', { $param: 'source' }, { source: { type: 'string', default: 'nowhere.csv' } });
    const saved = await test.app.inject({ method: 'POST', url: '/api/pipelines', payload: bound });
    const run = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${saved.json().id}/runs`,
      payload: { parameters: { source: join(examples, 'iris', 'iris.csv') } },
    });
    expect(run.statusCode).toBe(201);
  });
});
