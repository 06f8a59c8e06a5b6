/**
 * Node types for the queue tests, loaded by step runner children through `registryModule` (so this
 * module is imported in another process: it keeps no shared state with the tests).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode, input, NodeRegistry, output, Type } from '@loom/sdk';

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

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(
    [noopNode, sleepNode, spinNode, failNode, echoNode, exitNode].map((definition) => ({
      definition,
      source: 'queue-test-fixtures',
    })),
  );
}
