import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JsonValue } from '@loom/graph';
import { asDefinition, runNode } from '@loom/sdk/testing';
import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { defineNode } from './define-node.ts';
import { input, output } from './ports.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const echoParams = defineNode({
  type: 'test.echo_params',
  version: '1.0.0',
  title: 'Echo params',
  description: 'Returns its parameters.',
  category: 'utility',
  params: Type.Object({
    name: Type.String({ minLength: 1 }),
    count: Type.Integer({ default: 3, minimum: 1 }),
    options: Type.Object({ verbose: Type.Boolean({ default: false }) }, { default: {} }),
    note: Type.Optional(Type.String()),
  }),
  outputs: { params: output('json') },
  async run(ctx) {
    return { params: ctx.params };
  },
});

const reporter = defineNode({
  type: 'test.reporter',
  version: '2.1.0',
  title: 'Reporter',
  description: 'Reports everything a step can report.',
  category: 'utility',
  outputs: { report: output('text'), blob: output('file') },
  async run(ctx) {
    ctx.log.info('starting', { epochs: 2 });
    ctx.log.debug('detail');
    ctx.progress(0.5, 'half way');
    ctx.metric('loss', 0.9, { step: 1 });
    ctx.metric('loss', 0.4, { step: 2 });
    ctx.metric('accuracy', 0.8);
    ctx.progress(1);
    ctx.log.warn('done with a warning');
    ctx.log.error('and an error');
    const blob = await ctx.artifacts.write('hello artifacts', { mediaType: 'text/plain' });
    return {
      report: `${ctx.step.nodeType}@${ctx.step.nodeVersion} ${ctx.step.runId}/${ctx.step.stepId}#${ctx.step.attempt}`,
      blob,
    };
  },
});

const combine = defineNode({
  type: 'test.combine',
  version: '1.0.0',
  title: 'Combine',
  description: 'Counts its inputs.',
  category: 'utility',
  inputs: {
    one: input('json'),
    many: input('metrics', { multiple: true }),
    maybe: input('text', { required: false }),
  },
  outputs: { summary: output('json') },
  async run(ctx) {
    return { summary: { one: ctx.inputs.one, many: ctx.inputs.many.length, maybe: ctx.inputs.maybe ?? null } };
  },
});

describe('runNode', () => {
  it('applies the schema defaults to the params it is given, nested ones too', async () => {
    const result = await runNode(echoParams, { params: { name: 'x' } });
    cleanups.push(result.cleanup);
    expect(result.outputs.params).toEqual({ name: 'x', count: 3, options: { verbose: false } });
  });

  it('keeps given params over defaults and does not mutate the options', async () => {
    const params = { name: 'x', count: 7, options: { verbose: true } };
    const result = await runNode(echoParams, { params });
    cleanups.push(result.cleanup);
    expect(result.outputs.params).toEqual({ name: 'x', count: 7, options: { verbose: true } });
    expect(params).toEqual({ name: 'x', count: 7, options: { verbose: true } });
    expect(result.outputs.params).not.toBe(params);
  });

  it('throws on invalid params, naming the node and each bad path', async () => {
    await expect(runNode(echoParams, { params: { name: '', count: 0 } })).rejects.toThrow(
      /^test\.echo_params@1\.0\.0: invalid params: .*\/name: .*; .*\/count: /,
    );
    await expect(runNode(echoParams, {})).rejects.toThrow('/name');
    await expect(runNode(echoParams, { params: { name: 'x', note: 5 as unknown as string } })).rejects.toThrow('/note');
  });

  it('records logs, progress and metrics in order, and the last value of each metric', async () => {
    const result = await runNode(reporter);
    cleanups.push(result.cleanup);
    expect(result.logs).toEqual([
      { level: 'info', message: 'starting', fields: { epochs: 2 } },
      { level: 'debug', message: 'detail' },
      { level: 'warn', message: 'done with a warning' },
      { level: 'error', message: 'and an error' },
    ]);
    expect(result.progress).toEqual([{ fraction: 0.5, message: 'half way' }, { fraction: 1 }]);
    expect(result.metricSeries).toEqual([
      { name: 'loss', value: 0.9, step: 1 },
      { name: 'loss', value: 0.4, step: 2 },
      { name: 'accuracy', value: 0.8 },
    ]);
    expect(result.metrics).toEqual({ loss: 0.4, accuracy: 0.8 });
  });

  it('gives the step an identity', async () => {
    const result = await runNode(reporter);
    cleanups.push(result.cleanup);
    expect(result.outputs.report).toBe('test.reporter@2.1.0 test-run/test-step#1');
  });

  it('writes artifacts named by their sha256 that read back, and removes them on cleanup', async () => {
    const result = await runNode(reporter);
    const blob = result.outputs.blob;
    expect(blob).toEqual({
      sha256: createHash('sha256').update('hello artifacts').digest('hex'),
      size: 15,
      path: join(result.artifactDir, blob.sha256),
      mediaType: 'text/plain',
    });
    expect(await readFile(blob.path, 'utf8')).toBe('hello artifacts');
    await result.cleanup();
    await expect(stat(result.artifactDir)).rejects.toThrow();
  });

  it('reads, imports and gives temporary folders through ctx.artifacts', async () => {
    const node = defineNode({
      type: 'test.artifacts',
      version: '1.0.0',
      title: 'Artifacts',
      description: '',
      category: 'utility',
      outputs: { copy: output('file'), text: output('text'), same: output('json') },
      async run(ctx) {
        const dir = await ctx.artifacts.tempDir();
        const file = join(dir, 'made.bin');
        await writeFile(file, new Uint8Array([1, 2, 3]));
        const copy = await ctx.artifacts.importFile(file);
        const again = await ctx.artifacts.write(new Uint8Array([1, 2, 3]));
        const bytes = await ctx.artifacts.read(copy);
        const stillThere = await stat(file).then(
          () => true,
          () => false,
        );
        return {
          copy,
          text: Array.from(bytes).join(','),
          same: { deduplicated: again.sha256 === copy.sha256, stillThere },
        };
      },
    });
    const result = await runNode(node);
    cleanups.push(result.cleanup);
    expect(result.outputs.text).toBe('1,2,3');
    expect(result.outputs.copy.size).toBe(3);
    expect(result.outputs.copy).not.toHaveProperty('mediaType');
    expect(result.outputs.same).toEqual({ deduplicated: true, stillThere: false });
  });

  it('passes inputs, gives an unconnected multiple input an empty array, and an optional one undefined', async () => {
    const result = await runNode(combine, { inputs: { one: { a: 1 } } });
    cleanups.push(result.cleanup);
    expect(result.outputs.summary).toEqual({ one: { a: 1 }, many: 0, maybe: null });
    const full = await runNode(combine, { inputs: { one: 1, many: [{ a: 1 }, { b: 2 }], maybe: 'x' } });
    cleanups.push(full.cleanup);
    expect(full.outputs.summary).toEqual({ one: 1, many: 2, maybe: 'x' });
  });

  it('tells the node where its inputs came from: as given, or named after each port', async () => {
    const sourcesOf = defineNode({
      type: 'test.sources',
      version: '1.0.0',
      title: 'Sources',
      description: 'Returns ctx.sources.',
      category: 'utility',
      inputs: combine.inputs,
      outputs: { sources: output('json') },
      async run(ctx) {
        // InputSource is an interface, which TypeScript does not count as JSON; its fields are strings.
        return { sources: ctx.sources as unknown as JsonValue };
      },
    });
    const named = await runNode(sourcesOf, { inputs: { one: 1, many: [{ a: 1 }, { b: 2 }] } });
    cleanups.push(named.cleanup);
    expect(named.outputs.sources).toEqual({
      one: [{ node: 'one', port: 'out' }],
      many: [
        { node: 'many_1', port: 'out' },
        { node: 'many_2', port: 'out' },
      ],
    });
    const given = await runNode(sourcesOf, {
      inputs: { one: 1, many: [{ a: 1 }] },
      sources: { many: [{ node: 'eval', port: 'metrics' }] },
    });
    cleanups.push(given.cleanup);
    expect(given.outputs.sources).toEqual({
      one: [{ node: 'one', port: 'out' }],
      many: [{ node: 'eval', port: 'metrics' }],
    });
    await expect(runNode(sourcesOf, { inputs: { one: 1, many: [{ a: 1 }] }, sources: { many: [] } })).rejects.toThrow(
      'test.sources@1.0.0: sources.many lists 0 source(s) for 1 value(s)',
    );
  });

  it('throws when a required single input is missing', async () => {
    await expect(runNode(combine, {})).rejects.toThrow('test.combine@1.0.0: input "one" (json) is required');
  });

  it('throws when run() leaves an output without a value', async () => {
    const forgetful = defineNode({
      type: 'test.forgetful',
      version: '1.0.0',
      title: 'Forgetful',
      description: '',
      category: 'utility',
      outputs: { a: output('json'), b: output('json') },
      run: async () => ({ a: 1 }) as unknown as { a: number; b: number },
    });
    await expect(runNode(forgetful)).rejects.toThrow('test.forgetful@1.0.0: run() returned no value for output "b"');
  });

  it('resolves relative paths against baseDir and leaves absolute ones alone', async () => {
    const base = await mkdtemp(join(tmpdir(), 'loom-run-node-test-'));
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    const paths = defineNode({
      type: 'test.paths',
      version: '1.0.0',
      title: 'Paths',
      description: '',
      category: 'utility',
      outputs: { relative: output('text'), absolute: output('text') },
      run: async (ctx) => ({ relative: ctx.resolvePath('data/a.json'), absolute: ctx.resolvePath('/etc/hosts') }),
    });
    const result = await runNode(paths, { baseDir: base });
    cleanups.push(result.cleanup);
    expect(result.outputs).toEqual({ relative: resolve(base, 'data/a.json'), absolute: '/etc/hosts' });
  });

  it('hands the abort signal it is given to the node', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = defineNode({
      type: 'test.aborted',
      version: '1.0.0',
      title: 'Aborted',
      description: '',
      category: 'utility',
      outputs: { aborted: output('json') },
      run: async (ctx) => ({ aborted: ctx.signal.aborted }),
    });
    const result = await runNode(aborted, { signal: controller.signal });
    cleanups.push(result.cleanup);
    expect(result.outputs.aborted).toBe(true);
  });

  describe('ctx.models', () => {
    const deployer = defineNode({
      type: 'test.deployer',
      version: '1.0.0',
      title: 'Deployer',
      description: '',
      category: 'deploy',
      inputs: { onnx: input('onnx') },
      outputs: { endpoint: output('endpoint') },
      run: async (ctx) => {
        const deployed = await ctx.models.deploy({
          model: 'm',
          alias: 'production',
          onnx: ctx.inputs.onnx,
          trafficPercent: 100,
        });
        return {
          endpoint: { url: deployed.url, model: deployed.model, version: deployed.version, alias: 'production' },
        };
      },
    });
    const onnx = { sha256: 'a'.repeat(64), size: 3, path: '/tmp/model.onnx' };

    it('is the registry the test passes', async () => {
      const asked: unknown[] = [];
      const result = await runNode(deployer, {
        inputs: { onnx },
        models: {
          deploy: async (request) => {
            asked.push(request);
            return {
              model: 'm',
              version: 4,
              created: true,
              alias: 'production',
              traffic: [],
              url: 'http://x/v2/models/m',
            };
          },
        },
      });
      cleanups.push(result.cleanup);
      expect(asked).toEqual([{ model: 'm', alias: 'production', onnx, trafficPercent: 100 }]);
      expect(result.outputs.endpoint).toEqual({
        url: 'http://x/v2/models/m',
        model: 'm',
        version: 4,
        alias: 'production',
      });
    });

    it('rejects a deploy, saying to pass one, when the test passes none', async () => {
      await expect(runNode(deployer, { inputs: { onnx } })).rejects.toThrow(
        /test\.deployer@1\.0\.0: ctx\.models\.deploy was called, but runNode was given no model registry: pass options\.models/,
      );
    });

    const watcher = defineNode({
      type: 'test.watcher',
      version: '1.0.0',
      title: 'Watcher',
      description: '',
      category: 'monitor',
      outputs: { rows: output('json') },
      run: async (ctx) => {
        const window = await ctx.models.traffic({ model: 'm', seconds: 60 });
        return { rows: { rows: window.rows, table: window.table.sha256 } };
      },
    });

    it("passes traffic to the test's registry, and a method the test left out rejects", async () => {
      const asked: unknown[] = [];
      const table = { sha256: 'b'.repeat(64), size: 10, path: '/tmp/t.parquet' };
      const result = await runNode(watcher, {
        models: {
          traffic: async (request) => {
            asked.push(request);
            return {
              model: 'm',
              table,
              rows: 7,
              version: 2,
              versions: { '2': 7 },
              start: '2026-01-01T00:00:00.000Z',
              end: '2026-01-01T00:01:00.000Z',
              missingInputs: [],
              predictionColumn: 'prediction',
            };
          },
        },
      });
      cleanups.push(result.cleanup);
      expect(asked).toEqual([{ model: 'm', seconds: 60 }]);
      expect(result.outputs.rows).toEqual({ rows: 7, table: table.sha256 });
      await expect(
        runNode(deployer, { inputs: { onnx }, models: { traffic: async () => ({}) as never } }),
      ).rejects.toThrow(/ctx\.models\.deploy was called, but runNode was given no model registry/);
      await expect(runNode(watcher)).rejects.toThrow(
        /test\.watcher@1\.0\.0: ctx\.models\.traffic was called, but runNode was given no model registry/,
      );
    });
  });

  it('runs an erased definition through asDefinition', async () => {
    const erased = [echoParams][0];
    if (erased === undefined) throw new Error('unreachable');
    const result = await runNode(asDefinition(erased), { params: { name: 'n' } });
    cleanups.push(result.cleanup);
    expect(result.outputs.params).toMatchObject({ name: 'n', count: 3 });
  });
});
