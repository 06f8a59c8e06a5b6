/**
 * Node types for the queue tests, loaded by step runner children through `registryModule` (so this
 * module is imported in another process: it keeps no shared state with the tests).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode, input, type NodeError, NodeRegistry, output, Type } from '@loom/sdk';

/** Emits `{ ok: true }` and a log line, a progress report and a metric. */
export const noopNode = defineNode({
  type: 'test.noop',
  version: '1.0.0',
  title: 'No-op',
  description: 'Returns at once.',
  category: 'utility',
  outputs: { value: output('json') },
  async run(ctx) {
    ctx.log.info('noop ran', { pid: process.pid, attempt: ctx.step.attempt });
    ctx.progress(0.5, 'half way');
    ctx.metric('answer', 42);
    return { value: { ok: true } };
  },
});

/** Waits `ms`, stopping at once when its signal is aborted. */
export const sleepNode = defineNode({
  type: 'test.sleep',
  version: '1.0.0',
  title: 'Sleep',
  description: 'Sleeps, honouring its abort signal.',
  category: 'utility',
  params: Type.Object({ ms: Type.Integer({ minimum: 0 }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    await sleep(ctx.params.ms, undefined, { signal: ctx.signal });
    return { value: ctx.params.ms };
  },
});

/** Busy-loops for `ms` without ever yielding: its signal cannot even be delivered. */
export const spinNode = defineNode({
  type: 'test.spin',
  version: '1.0.0',
  title: 'Spin',
  description: 'Burns CPU, ignoring its abort signal.',
  category: 'utility',
  params: Type.Object({ ms: Type.Integer({ minimum: 0 }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    const until = Date.now() + ctx.params.ms;
    let spins = 0;
    while (Date.now() < until) spins += 1;
    return { value: spins };
  },
});

/** Throws a plain error. */
export const failNode = defineNode({
  type: 'test.fail',
  version: '1.0.0',
  title: 'Fail',
  description: 'Throws.',
  category: 'utility',
  params: Type.Object({ message: Type.String({ default: 'the test node failed' }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    throw new Error(ctx.params.message);
  },
});

/** Passes its input on. */
export const echoNode = defineNode({
  type: 'test.echo',
  version: '1.0.0',
  title: 'Echo',
  description: 'Returns its input.',
  category: 'utility',
  inputs: { value: input('json') },
  outputs: { value: output('json') },
  async run(ctx) {
    return { value: ctx.inputs.value };
  },
});

/** Ends its whole process with exit code `code`: a crashing step runner. */
export const exitNode = defineNode({
  type: 'test.exit',
  version: '1.0.0',
  title: 'Exit',
  description: 'Exits the process it runs in.',
  category: 'utility',
  params: Type.Object({ code: Type.Integer({ default: 3 }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    process.exit(ctx.params.code);
  },
});

/** Keeps every array it allocates until its heap is full: a leaking step. */
export const leakNode = defineNode({
  type: 'test.leak',
  version: '1.0.0',
  title: 'Leak',
  description: 'Allocates memory it never frees.',
  category: 'utility',
  outputs: { value: output('json') },
  async run() {
    const kept: number[][] = [];
    for (;;) {
      kept.push(Array.from({ length: 100_000 }, (_, i) => i * 1.5));
      // Yields now and then, as real code between awaits does.
      if (kept.length % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  },
});

/** Writes to stdout and stderr the way a library it uses might. */
export const printNode = defineNode({
  type: 'test.print',
  version: '1.0.0',
  title: 'Print',
  description: 'Prints a line on stdout and one on stderr.',
  category: 'utility',
  params: Type.Object({ text: Type.String({ default: 'hello' }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    console.log(`out: ${ctx.params.text}`);
    console.error(`err: ${ctx.params.text}`);
    // Output travels on its own pipe: give it a moment to arrive before the outcome does.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { value: ctx.params.text };
  },
});

/**
 * Deploys a stand-in model through `ctx.models`, after busy-looping `spinMs` (so that an abort cannot
 * reach it before it asks); what the call came to is appended to the file `notePath` when one is given.
 */
export const deployNode = defineNode({
  type: 'test.deploy',
  version: '1.0.0',
  title: 'Deploy',
  description: 'Deploys a stand-in model.',
  category: 'deploy',
  params: Type.Object({
    model: Type.String(),
    spinMs: Type.Integer({ minimum: 0, default: 0 }),
    notePath: Type.String({ default: '' }),
  }),
  outputs: { endpoint: output('endpoint') },
  async run(ctx) {
    const onnx = await ctx.artifacts.write(`stand-in onnx of ${ctx.params.model}`);
    const until = Date.now() + ctx.params.spinMs;
    while (Date.now() < until) {
      // CPU-bound on purpose: the abort message waits behind this loop.
    }
    const note = (text: string) =>
      ctx.params.notePath === '' ? Promise.resolve() : appendFile(ctx.params.notePath, `${text}\n`);
    try {
      const deployed = await ctx.models.deploy({
        model: ctx.params.model,
        alias: 'production',
        onnx,
        trafficPercent: 100,
      });
      await note(`deployed version ${deployed.version}`);
      return {
        endpoint: { url: deployed.url, model: deployed.model, version: deployed.version, alias: deployed.alias },
      };
    } catch (error) {
      await note(
        `${(error as Error).name}: ${(error as Error).message} (retryable: ${(error as NodeError).retryable})`,
      );
      throw error;
    }
  },
});

/** Reads an endpoint's traffic through `ctx.models` and outputs the window, with the table's text. */
export const trafficNode = defineNode({
  type: 'test.traffic',
  version: '1.0.0',
  title: 'Traffic',
  description: 'Reads an endpoint’s traffic.',
  category: 'monitor',
  params: Type.Object({ model: Type.String(), seconds: Type.Integer({ default: 60 }) }),
  outputs: { window: output('json') },
  async run(ctx) {
    const { table, ...window } = await ctx.models.traffic({ model: ctx.params.model, seconds: ctx.params.seconds });
    const text = await readFile(table.path, 'utf8');
    return { window: { ...window, table: { sha256: table.sha256, text } } };
  },
});

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(
    [noopNode, sleepNode, spinNode, failNode, echoNode, exitNode, leakNode, printNode, deployNode, trafficNode].map(
      (definition) => ({
        definition,
        source: 'queue-test-fixtures',
      }),
    ),
  );
}
