/**
 * Test-only node types for the runtime's tests: each one exercises one way a step can behave
 * (emit, combine, sleep, fail, hang, misbehave, write artifacts). Never registered outside tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AnyNodeDefinition, defineNode, input, type JsonValue, NodeError, output, Type } from '@loom/sdk';

/**
 * What the fixture nodes did, for assertions that events alone cannot make (how many ran at once,
 * whether a node saw its signal aborted). Reset it in `beforeEach`.
 */
export const activity = {
  running: 0,
  maxRunning: 0,
  /** Step ids whose `sleep` attempt saw its signal aborted. */
  aborted: [] as string[],
  /** `stepId#attempt` of every attempt that reached a fixture's `run`, in order. */
  runs: [] as string[],
  /** `ctx.sources` as each `fixture.sum` step saw it, by step id. */
  sources: {} as Record<string, Record<string, Array<{ node: string; port: string }>>>,
  /** What each `fixture.deploy` call came to: the version deployed, or the error's message. */
  deploys: [] as Array<{ version: number } | { error: string; retryable: boolean }>,
  /** What each `fixture.traffic` call came to: the rows read, or the error's message. */
  traffic: [] as Array<{ rows: number } | { error: string; retryable: boolean }>,
};

export function resetActivity(): void {
  activity.running = 0;
  activity.maxRunning = 0;
  activity.aborted = [];
  activity.runs = [];
  activity.sources = {};
  activity.deploys = [];
  activity.traffic = [];
}

function noteRun(ctx: { step: { stepId: string; attempt: number } }): void {
  activity.runs.push(`${ctx.step.stepId}#${ctx.step.attempt}`);
}

/** Emits its `value` param; `label` changes the step's identity but not its output (early cutoff). */
export const emitNode = defineNode({
  type: 'fixture.emit',
  version: '1.0.0',
  title: 'Emit',
  description: 'Emits its value parameter.',
  category: 'utility',
  params: Type.Object({
    value: Type.Unknown(),
    label: Type.String({ default: '' }),
  }),
  outputs: { value: output('json') },
  async run(ctx) {
    noteRun(ctx);
    return { value: (ctx.params.value ?? null) as JsonValue };
  },
});

/** Emits its `text` param as a text output. */
export const emitTextNode = defineNode({
  type: 'fixture.emit_text',
  version: '1.0.0',
  title: 'Emit text',
  description: 'Emits its text parameter.',
  category: 'utility',
  params: Type.Object({ text: Type.String() }),
  outputs: { text: output('text') },
  async run(ctx) {
    noteRun(ctx);
    return { text: ctx.params.text };
  },
});

/** Upper-cases a text input. */
export const upperNode = defineNode({
  type: 'fixture.upper',
  version: '1.0.0',
  title: 'Upper',
  description: 'Upper-cases its text input.',
  category: 'transform',
  inputs: { text: input('text') },
  outputs: { text: output('text') },
  async run(ctx) {
    noteRun(ctx);
    return { text: ctx.inputs.text.toUpperCase() };
  },
});

/** Sums numbers from any number of inputs and passes them on in the order they arrived (edge order). */
export const sumNode = defineNode({
  type: 'fixture.sum',
  version: '1.0.0',
  title: 'Sum',
  description: 'Sums its inputs.',
  category: 'transform',
  inputs: { values: input('json', { multiple: true }) },
  outputs: { total: output('json'), values: output('json') },
  async run(ctx) {
    noteRun(ctx);
    activity.sources[ctx.step.stepId] = ctx.sources;
    const total = ctx.inputs.values.reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0);
    return { total, values: ctx.inputs.values };
  },
});

/** Waits `ms`, stopping at once when its signal is aborted; counts how many sleep at the same time. */
export const sleepNode = defineNode({
  type: 'fixture.sleep',
  version: '1.0.0',
  title: 'Sleep',
  description: 'Sleeps, honouring its abort signal.',
  category: 'utility',
  inputs: { after: input('any', { required: false }) },
  params: Type.Object({ ms: Type.Integer({ minimum: 0 }), tag: Type.String({ default: '' }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    noteRun(ctx);
    activity.running += 1;
    activity.maxRunning = Math.max(activity.maxRunning, activity.running);
    try {
      await new Promise<void>((resolveSleep, rejectSleep) => {
        const onAbort = () => {
          clearTimeout(timer);
          activity.aborted.push(ctx.step.stepId);
          rejectSleep(new Error('aborted'));
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolveSleep();
        }, ctx.params.ms);
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      activity.running -= 1;
    }
    return { value: ctx.params.ms };
  },
});

/** Fails its first `failures` attempts with a plain (retryable) error, then succeeds with the attempt number. */
export const flakyNode = defineNode({
  type: 'fixture.flaky',
  version: '1.0.0',
  title: 'Flaky',
  description: 'Fails a number of times, then succeeds.',
  category: 'utility',
  params: Type.Object({ failures: Type.Integer({ minimum: 0 }) }),
  outputs: { attempt: output('json') },
  retry: { retries: 3, backoffMs: 5, maxBackoffMs: 20 },
  async run(ctx) {
    noteRun(ctx);
    if (ctx.step.attempt <= ctx.params.failures) {
      // Named per attempt, so a test can tell the failed result holds only the last attempt's metrics.
      ctx.metric(`failed_attempt_${ctx.step.attempt}`, ctx.step.attempt);
      throw new Error(`flaky failure on attempt ${ctx.step.attempt}`);
    }
    return { attempt: ctx.step.attempt };
  },
});

/** Fails with a NodeError that says retrying cannot help. */
export const fatalNode = defineNode({
  type: 'fixture.fatal',
  version: '1.0.0',
  title: 'Fatal',
  description: 'Fails for good.',
  category: 'utility',
  inputs: { after: input('any', { required: false }) },
  outputs: { value: output('json') },
  retry: { retries: 3, backoffMs: 5, maxBackoffMs: 20 },
  async run(ctx) {
    noteRun(ctx);
    throw new NodeError('the input is unusable', { retryable: false });
  },
});

/** Writes an artifact, then fails: what it wrote must never be mistaken for a result. */
export const writeThenFailNode = defineNode({
  type: 'fixture.write_then_fail',
  version: '1.0.0',
  title: 'Write then fail',
  description: 'Writes an artifact and a temp file, then fails.',
  category: 'utility',
  outputs: { file: output('file') },
  async run(ctx) {
    noteRun(ctx);
    await ctx.artifacts.write('partial output');
    await writeFile(join(await ctx.artifacts.tempDir(), 'scratch.bin'), 'scratch');
    throw new NodeError('failed after writing', { retryable: false });
  },
});

/** Never finishes and ignores its signal: only the runtime's timeout can stop it. */
export const hangNode = defineNode({
  type: 'fixture.hang',
  version: '1.0.0',
  title: 'Hang',
  description: 'Hangs forever, ignoring its signal.',
  category: 'utility',
  inputs: { after: input('any', { required: false }) },
  outputs: { value: output('json') },
  async run(ctx) {
    noteRun(ctx);
    return new Promise<never>(() => undefined);
  },
});

/** Ignores its signal and keeps talking after `ms`, long after a short timeout gave up on it. */
export const zombieNode = defineNode({
  type: 'fixture.zombie',
  version: '1.0.0',
  title: 'Zombie',
  description: 'Reports a log line, progress and a metric after its attempt was abandoned.',
  category: 'utility',
  params: Type.Object({ ms: Type.Integer({ minimum: 0 }) }),
  outputs: { value: output('json') },
  async run(ctx) {
    noteRun(ctx);
    await new Promise((resolveLater) => setTimeout(resolveLater, ctx.params.ms));
    ctx.log.info('still here');
    ctx.progress(0.5);
    ctx.metric('late', 1);
    return { value: 'too late' };
  },
});

/**
 * Writes a stand-in ONNX file and deploys it through `ctx.models` after `waitMs`, ignoring its signal
 * meanwhile (so a short timeout ends the attempt before the call), and notes what the call came to.
 */
export const deployNode = defineNode({
  type: 'fixture.deploy',
  version: '1.0.0',
  title: 'Deploy',
  description: 'Deploys a stand-in model through ctx.models.',
  category: 'deploy',
  params: Type.Object({ model: Type.String(), waitMs: Type.Integer({ minimum: 0, default: 0 }) }),
  outputs: { endpoint: output('endpoint') },
  async run(ctx) {
    noteRun(ctx);
    const onnx = await ctx.artifacts.write('stand-in onnx');
    await new Promise((resolveLater) => setTimeout(resolveLater, ctx.params.waitMs));
    try {
      const deployed = await ctx.models.deploy({
        model: ctx.params.model,
        alias: 'production',
        onnx,
        trafficPercent: 100,
      });
      activity.deploys.push({ version: deployed.version });
      return {
        endpoint: { url: deployed.url, model: deployed.model, version: deployed.version, alias: deployed.alias },
      };
    } catch (error) {
      activity.deploys.push({ error: (error as Error).message, retryable: (error as NodeError).retryable ?? true });
      throw error;
    }
  },
});

/**
 * Reads an endpoint's traffic through `ctx.models` after `waitMs` (ignoring its signal meanwhile, like
 * `fixture.deploy`), and outputs the window with the table's text read from the path it was given.
 */
export const trafficNode = defineNode({
  type: 'fixture.traffic',
  version: '1.0.0',
  title: 'Traffic',
  description: 'Reads an endpoint’s traffic through ctx.models.',
  category: 'monitor',
  params: Type.Object({
    model: Type.String(),
    seconds: Type.Integer({ default: 60 }),
    waitMs: Type.Integer({ minimum: 0, default: 0 }),
  }),
  outputs: { window: output('json') },
  async run(ctx) {
    noteRun(ctx);
    await new Promise((resolveLater) => setTimeout(resolveLater, ctx.params.waitMs));
    try {
      const window = await ctx.models.traffic({ model: ctx.params.model, seconds: ctx.params.seconds });
      activity.traffic.push({ rows: window.rows });
      const { table, ...rest } = window;
      const text = await readFile(table.path, 'utf8');
      return { window: { ...rest, table: { sha256: table.sha256, mediaType: table.mediaType ?? null, text } } };
    } catch (error) {
      activity.traffic.push({ error: (error as Error).message, retryable: (error as NodeError).retryable ?? true });
      throw error;
    }
  },
});

/** Returns something other than its declared outputs, in the way `mode` names. */
export const wrongOutputNode = defineNode({
  type: 'fixture.wrong_output',
  version: '1.0.0',
  title: 'Wrong output',
  description: 'Returns outputs that do not match its ports.',
  category: 'utility',
  params: Type.Object({
    mode: Type.Union([
      Type.Literal('missing'),
      Type.Literal('not-object'),
      Type.Literal('not-string'),
      Type.Literal('not-artifact'),
    ]),
  }),
  outputs: { text: output('text'), file: output('file') },
  async run(ctx) {
    noteRun(ctx);
    const file = await ctx.artifacts.write('fine');
    switch (ctx.params.mode) {
      case 'missing':
        return { text: 'no file' } as never;
      case 'not-object':
        return 'not an object' as never;
      case 'not-string':
        return { text: 42, file } as never;
      case 'not-artifact':
        return { text: 'ok', file: { sha256: 'f'.repeat(64), size: 1, path: '/nowhere' } };
    }
  },
});

/** Writes `content` as a file artifact, either with `write` or by importing a file from its temp dir. */
export const writeFileNode = defineNode({
  type: 'fixture.write_file',
  version: '1.0.0',
  title: 'Write file',
  description: 'Writes a file artifact.',
  category: 'utility',
  params: Type.Object({
    content: Type.String(),
    via: Type.Union([Type.Literal('write'), Type.Literal('import')], { default: 'write' }),
  }),
  outputs: { file: output('file') },
  async run(ctx) {
    noteRun(ctx);
    if (ctx.params.via === 'write') {
      return { file: await ctx.artifacts.write(ctx.params.content, { mediaType: 'text/plain' }) };
    }
    const path = join(await ctx.artifacts.tempDir(), 'out.txt');
    await writeFile(path, ctx.params.content);
    return { file: await ctx.artifacts.importFile(path, { mediaType: 'text/plain' }) };
  },
});

/** Reads a file artifact both through `ctx.artifacts` and from its local path. */
export const readFileNode = defineNode({
  type: 'fixture.read_file',
  version: '1.0.0',
  title: 'Read file',
  description: 'Reads a file artifact as text.',
  category: 'utility',
  inputs: { file: input('file') },
  outputs: { text: output('text'), ref: output('json') },
  async run(ctx) {
    noteRun(ctx);
    const viaStore = Buffer.from(await ctx.artifacts.read(ctx.inputs.file)).toString('utf8');
    const viaPath = await readFile(ctx.inputs.file.path, 'utf8');
    if (viaStore !== viaPath) throw new Error('the artifact reads differently through the store and its path');
    const { sha256, size } = ctx.inputs.file;
    return { text: viaStore, ref: { sha256, size, mediaType: ctx.inputs.file.mediaType ?? null } };
  },
});

/** Reports a metric, progress and a log line, then emits. */
export const chattyNode = defineNode({
  type: 'fixture.chatty',
  version: '1.0.0',
  title: 'Chatty',
  description: 'Reports a metric, progress and logs.',
  category: 'utility',
  outputs: { value: output('json') },
  async run(ctx) {
    noteRun(ctx);
    ctx.progress(1.5, 'more than done');
    ctx.log.info('hello', { n: 1 });
    ctx.metric('loss', 0.5, { step: 1 });
    ctx.metric('loss', 0.25, { step: 2 });
    return { value: 'done' };
  },
});

/** Not cacheable: its result depends on the outside world. */
export const uncachedNode = defineNode({
  type: 'fixture.uncached',
  version: '1.0.0',
  title: 'Uncached',
  description: 'Never reused from the cache.',
  category: 'utility',
  outputs: { value: output('json') },
  cacheable: false,
  async run(ctx) {
    noteRun(ctx);
    return { value: 1 };
  },
});

export const fixtureNodes: readonly AnyNodeDefinition[] = [
  emitNode,
  emitTextNode,
  upperNode,
  sumNode,
  sleepNode,
  flakyNode,
  fatalNode,
  writeThenFailNode,
  hangNode,
  zombieNode,
  deployNode,
  trafficNode,
  wrongOutputNode,
  writeFileNode,
  readFileNode,
  chattyNode,
  uncachedNode,
];
