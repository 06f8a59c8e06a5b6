import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cancelledOutcome, errorOutcome, formatMs, timeoutOutcome } from '../attempt-outcomes.ts';
import type { AttemptHooks, AttemptOutcome, AttemptRequest } from '../execute-attempt.ts';
import type { FromChildMessage, MessageBatch, StepRunnerChildConfig, ToChildMessage } from './step-runner-messages.ts';

export interface StepRunnerPoolOptions {
  /**
   * Absolute file path or URL of a module exporting `createRegistry(): NodeRegistry |
   * Promise<NodeRegistry>`; each child imports it once.
   */
  registryModule: string;
  /** Root of the `LocalArtifactStore` the children read inputs from and write outputs to. */
  storeRoot: string;
  /** Relative paths in parameters resolve against it. */
  baseDir: string;
  /** Folders `ctx.resolvePath` is confined to. @default unconfined */
  dataRoots?: readonly string[];
  /** Child processes at most; each runs any number of attempts at once. */
  size: number;
  /**
   * How long past a step's timeout (or past a cancel) its process may take to answer before it is
   * killed. @default 5000
   */
  killGraceMs?: number;
}

interface Running {
  request: AttemptRequest;
  hooks: AttemptHooks;
  resolve(outcome: AttemptOutcome): void;
  sentAt: number;
  timers: NodeJS.Timeout[];
  onAbort(): void;
}

interface Runner {
  process: ChildProcess;
  ready: boolean;
  /** Messages sent before the child listened. */
  backlog: ToChildMessage[];
  /** Set once a message went out this turn: later ones wait in `outbox` until the turn ends. */
  batching: boolean;
  outbox: ToChildMessage[];
  running: Map<number, Running>;
  /** Set once the runner is being stopped: its attempts were resolved and it takes no more. */
  gone: boolean;
}

const childEntry = fileURLToPath(new URL('./step-runner-child.ts', import.meta.url));
// Resolved from this package, so children start whatever the worker's working directory is.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Runs attempts in child processes, so that CPU-bound node code never blocks the worker's event loop
 * (which renews its BullMQ locks) and a step that ignores its abort signal can still be stopped: past
 * `timeoutMs + killGraceMs` its process is killed. Children start lazily and are reused; an attempt
 * goes to the child running the fewest. `run` never rejects.
 *
 * @example
 * const pool = new StepRunnerPool({ registryModule: '/srv/loom/registry.ts', storeRoot: '.loom', baseDir: '.', size: 4 });
 * const outcome = await pool.run(request, hooks);
 */
export class StepRunnerPool {
  readonly #options: StepRunnerPoolOptions;
  readonly #killGraceMs: number;
  readonly #runners: Runner[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: StepRunnerPoolOptions) {
    this.#options = options;
    this.#killGraceMs = options.killGraceMs ?? 5000;
  }

  /** Attempts running now, over all children. */
  get running(): number {
    return this.#runners.reduce((sum, runner) => sum + runner.running.size, 0);
  }

  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    if (this.#closed) return Promise.resolve(errorOutcome('the step runner pool is closed', true));
    if (request.signal.aborted) return Promise.resolve(cancelledOutcome(0));
    const runner = this.#pick();
    const id = ++this.#nextId;
    const { signal, ...data } = request;
    return new Promise<AttemptOutcome>((resolve) => {
      const running: Running = {
        request,
        hooks,
        resolve,
        sentAt: performance.now(),
        timers: [],
        onAbort: () => {
          this.#send(runner, { kind: 'abort', id });
          // A step busy in CPU-bound code cannot even receive the abort: stop its process.
          running.timers.push(setTimeout(() => this.#kill(runner, id, 'cancelled'), this.#killGraceMs));
        },
      };
      // The child's own timer fires at timeoutMs; this one catches a child too busy to run it.
      running.timers.push(
        setTimeout(() => this.#kill(runner, id, 'timeout'), request.step.timeoutMs + this.#killGraceMs),
      );
      signal.addEventListener('abort', running.onAbort, { once: true });
      runner.running.set(id, running);
      setReferenced(runner.process, true);
      this.#send(runner, { kind: 'run', id, request: data });
    });
  }

  /** Stops every child (their running attempts end as retryable errors). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [...this.#runners].map((runner) => {
        this.#resolveAll(runner, () => 'the step runner pool was closed while it ran');
        return stopProcess(runner.process, this.#killGraceMs);
      }),
    );
  }

  #pick(): Runner {
    let best: Runner | undefined;
    for (const runner of this.#runners) {
      if (best === undefined || runner.running.size < best.running.size) best = runner;
    }
    if (best === undefined || (best.running.size > 0 && this.#runners.length < Math.max(1, this.#options.size))) {
      best = this.#spawn();
    }
    return best;
  }

  #spawn(): Runner {
    const child = fork(childEntry, [], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const runner: Runner = {
      process: child,
      ready: false,
      backlog: [],
      batching: false,
      outbox: [],
      running: new Map(),
      gone: false,
    };
    this.#runners.push(runner);
    const config: StepRunnerChildConfig = {
      registryModule: this.#options.registryModule,
      storeRoot: this.#options.storeRoot,
      baseDir: this.#options.baseDir,
    };
    if (this.#options.dataRoots !== undefined) config.dataRoots = this.#options.dataRoots;
    runner.backlog.push({ kind: 'init', config });
    child.on('message', (batch: MessageBatch<FromChildMessage>) => {
      for (const message of batch.messages) this.#receive(runner, message);
    });
    child.on('exit', (code, signal) => {
      const how = signal === null ? `exited with code ${code}` : `was killed by signal ${signal}`;
      this.#retire(runner, () => `its step runner process ${how}`);
    });
    child.on('error', (cause) => {
      this.#retire(runner, () => `its step runner process failed: ${cause.message}`);
      child.kill('SIGKILL');
    });
    return runner;
  }

  #send(runner: Runner, message: ToChildMessage): void {
    if (runner.gone) return;
    if (!runner.ready) {
      runner.backlog.push(message);
      return;
    }
    // The first message of a turn goes at once (a lone step waits for nothing); the ones after it in
    // the same turn go together when it ends.
    if (runner.batching) {
      runner.outbox.push(message);
      return;
    }
    runner.batching = true;
    this.#write(runner, [message]);
    setImmediate(() => {
      runner.batching = false;
      const messages = runner.outbox.splice(0);
      if (messages.length > 0) this.#write(runner, messages);
    });
  }

  #write(runner: Runner, messages: ToChildMessage[]): void {
    if (runner.gone) return;
    try {
      runner.process.send({ kind: 'batch', messages } satisfies MessageBatch<ToChildMessage>);
    } catch {
      // The channel closed under us: the exit handler resolves the attempts.
    }
  }

  #receive(runner: Runner, message: FromChildMessage): void {
    if (message.kind === 'ready') {
      runner.ready = true;
      for (const queued of runner.backlog.splice(0)) this.#send(runner, queued);
      return;
    }
    const running = runner.running.get(message.id);
    if (running === undefined) return;
    const { hooks } = running;
    switch (message.kind) {
      case 'started':
        hooks.started();
        return;
      case 'progress':
        hooks.progress(message.fraction, message.message);
        return;
      case 'log':
        hooks.log(message.level, message.message, message.fields);
        return;
      case 'metric':
        hooks.metric(message.name, message.value, message.step);
        return;
      case 'outcome':
        this.#finish(runner, message.id, message.outcome);
        return;
    }
  }

  #finish(runner: Runner, id: number, outcome: AttemptOutcome): void {
    const running = runner.running.get(id);
    if (running === undefined) return;
    runner.running.delete(id);
    for (const timer of running.timers) clearTimeout(timer);
    running.request.signal.removeEventListener('abort', running.onAbort);
    if (runner.running.size === 0) setReferenced(runner.process, false);
    running.resolve(outcome);
  }

  /** Kills a child whose attempt `id` did not answer in time; its other attempts end as retryable errors. */
  #kill(runner: Runner, id: number, why: 'timeout' | 'cancelled'): void {
    const running = runner.running.get(id);
    if (running === undefined || runner.gone) return;
    const elapsed = durationSince(running.sentAt);
    const { step } = running.request;
    if (why === 'timeout') {
      const message = `timed out after ${formatMs(step.timeoutMs)} (the step ignored its abort signal and its process was stopped)`;
      this.#finish(runner, id, timeoutOutcome(message, true, elapsed));
    } else {
      this.#finish(runner, id, cancelledOutcome(elapsed));
    }
    this.#retire(
      runner,
      () =>
        `its step runner process was stopped because step "${step.id}" (run ${running.request.runId}) running in it ignored its abort signal`,
    );
    runner.process.kill('SIGKILL');
  }

  /** Takes a runner out of service and resolves what still ran in it; replacements spawn on demand. */
  #retire(runner: Runner, why: () => string): void {
    if (runner.gone) return;
    runner.gone = true;
    const index = this.#runners.indexOf(runner);
    if (index >= 0) this.#runners.splice(index, 1);
    this.#resolveAll(runner, why);
  }

  #resolveAll(runner: Runner, why: () => string): void {
    for (const [id, running] of [...runner.running]) {
      this.#finish(runner, id, errorOutcome(why(), true, durationSince(running.sentAt)));
    }
  }
}

function setReferenced(child: ChildProcess, referenced: boolean): void {
  // An idle pool must not keep its process alive; a busy one must.
  if (referenced) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // A child exits when its channel closes; one stuck in CPU-bound code is killed after the grace.
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function durationSince(start: number): number {
  return Math.round(performance.now() - start);
}
