import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NodeError, type TrafficWindowRequest } from '@loom/sdk';
import { cancelledOutcome, errorMessage, errorOutcome, formatMs, timeoutOutcome } from '../attempt-outcomes.ts';
import type { AttemptHooks, AttemptOutcome, AttemptRequest } from '../execute-attempt.ts';
import {
  type HostDeployRequest,
  type ModelRegistryHost,
  NO_MODEL_REGISTRY,
  NO_MODEL_REGISTRY_FOR_TRAFFIC,
} from '../model-registry-host.ts';
import type { FromChildMessage, MessageBatch, StepRunnerChildConfig, ToChildMessage } from './step-runner-messages.ts';

export interface StepRunnerPoolOptions {
  /**
   * Absolute file path or URL of a module exporting `createRegistry(options?): NodeRegistry |
   * Promise<NodeRegistry>`; each child imports it once.
   */
  registryModule: string;
  /** Passed to `createRegistry` in each child (plain JSON, e.g. where to find plugins). */
  registryOptions?: unknown;
  /** Root of the `LocalArtifactStore` the children read inputs from and write outputs to. */
  storeRoot: string;
  /** Relative paths in parameters resolve against it. */
  baseDir: string;
  /** Folders `ctx.resolvePath` is confined to. @default unconfined */
  dataRoots?: readonly string[];
  /** Child processes at most, and so attempts at once: each child runs one attempt at a time. */
  size: number;
  /**
   * How long past a step's timeout (or past a cancel) its process may take to answer before it is
   * killed. @default 5000
   */
  killGraceMs?: number;
  /** Where the children's stdout and stderr are copied besides the attempt's log. @default process.stderr */
  output?: NodeJS.WritableStream | null;
  /**
   * The model registry the children's `ctx.models` calls reach, relayed over their IPC channel.
   * @default none: a deploy or traffic read fails its step, saying where the registry is offered
   */
  models?: ModelRegistryHost;
}

/** The smallest JavaScript heap a step runner gets, whatever its node declares. */
const MIN_HEAP_MB = 64;
/** How much of a child's stderr is kept to explain how it died. */
const STDERR_TAIL = 8192;
/** Printed by a child whose node code calls `process.exit`, so the parent can say so. */
const EXIT_MARKER = 'loom step runner: node code called process.exit(';

interface Running {
  id: number;
  request: AttemptRequest;
  hooks: AttemptHooks;
  resolve(outcome: AttemptOutcome): void;
  sentAt: number;
  timers: NodeJS.Timeout[];
  onAbort(): void;
}

interface Waiting {
  request: AttemptRequest;
  hooks: AttemptHooks;
  heapMb: number;
  resolve(outcome: AttemptOutcome): void;
  onAbort(): void;
}

interface Runner {
  process: ChildProcess;
  heapMb: number;
  ready: boolean;
  /** Messages sent before the child listened. */
  backlog: ToChildMessage[];
  /** The one attempt running in it, if any. */
  attempt: Running | undefined;
  /** Set once the runner is being stopped: its attempt was resolved and it takes no more. */
  gone: boolean;
  /** Stop it once its attempt ends (the code it loaded is out of date). */
  retireWhenIdle: boolean;
  stderrTail: string;
  /** Partial lines of output, per stream, until their newline arrives. */
  partial: { stdout: string; stderr: string };
}

const childEntry = fileURLToPath(new URL('./step-runner-child.ts', import.meta.url));
// Resolved from this package, so children start whatever the worker's working directory is.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Runs each attempt in a child process of its own (children are reused, one attempt at a time), so
 * that node code can neither block the caller's event loop (a worker's BullMQ lock renewal, a server's
 * requests) nor take anything else down with it:
 * - a step past `timeoutMs + killGraceMs` (or past a cancel) that ignores its abort signal has its
 *   process killed;
 * - a child's JavaScript heap is capped at the step's `resources.memoryMb`, so a leak ends that step;
 * - a node that calls `process.exit` or crashes its process fails only its own step;
 * - whatever the node prints goes to its step's log.
 * Attempts beyond `size` wait their turn. `run` never rejects.
 *
 * @example
 * const pool = new StepRunnerPool({ registryModule: '/srv/loom/registry.ts', storeRoot: '.loom', baseDir: '.', size: 4 });
 * const outcome = await pool.run(request, hooks);
 */
export class StepRunnerPool {
  readonly #options: StepRunnerPoolOptions;
  readonly #killGraceMs: number;
  readonly #runners: Runner[] = [];
  readonly #waiting: Waiting[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: StepRunnerPoolOptions) {
    this.#options = options;
    this.#killGraceMs = options.killGraceMs ?? 5000;
  }

  /** Attempts running now. */
  get running(): number {
    return this.#runners.filter((runner) => runner.attempt !== undefined).length;
  }

  /** Attempts waiting for a free process. */
  get waiting(): number {
    return this.#waiting.length;
  }

  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    if (this.#closed) return Promise.resolve(errorOutcome('the step runner pool is closed', true));
    if (request.signal.aborted) return Promise.resolve(cancelledOutcome(0));
    return new Promise<AttemptOutcome>((resolve) => {
      const waiting: Waiting = {
        request,
        hooks,
        heapMb: Math.max(MIN_HEAP_MB, Math.ceil(request.step.resources.memoryMb)),
        resolve,
        onAbort: () => {
          const index = this.#waiting.indexOf(waiting);
          if (index >= 0) this.#waiting.splice(index, 1);
          resolve(cancelledOutcome(0));
        },
      };
      request.signal.addEventListener('abort', waiting.onAbort, { once: true });
      this.#waiting.push(waiting);
      this.#dispatch();
    });
  }

  /**
   * Starts a child ahead of the first attempt (it takes about a second to load the node registry), so
   * that the first step does not wait for it.
   */
  warm(memoryMb = 512): void {
    if (this.#closed) return;
    const heapMb = Math.max(MIN_HEAP_MB, memoryMb);
    if (this.#runners.length < Math.max(1, this.#options.size) && !this.#runners.some((r) => r.heapMb === heapMb)) {
      this.#spawn(heapMb);
    }
  }

  /**
   * Makes later attempts load the node code afresh (a dev loop changed it): idle children stop now,
   * busy ones once their attempt ends.
   */
  recycle(): void {
    for (const runner of [...this.#runners]) {
      if (runner.attempt === undefined) this.#stop(runner);
      else runner.retireWhenIdle = true;
    }
  }

  /** Stops every child (their running attempts end as retryable errors, waiting ones too). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiting.splice(0)) {
      waiting.request.signal.removeEventListener('abort', waiting.onAbort);
      waiting.resolve(errorOutcome('the step runner pool was closed before the step could start', true));
    }
    await Promise.all(
      [...this.#runners].map((runner) => {
        this.#resolveAttempt(runner, () => 'the step runner pool was closed while it ran');
        runner.gone = true;
        return stopProcess(runner.process, this.#killGraceMs);
      }),
    );
    this.#runners.length = 0;
  }

  /** Gives waiting attempts to idle children with the right heap, starting or replacing children as room allows. */
  #dispatch(): void {
    const size = Math.max(1, this.#options.size);
    for (let i = 0; i < this.#waiting.length; ) {
      const waiting = this.#waiting[i] as Waiting;
      let runner = this.#runners.find((r) => r.attempt === undefined && !r.gone && r.heapMb === waiting.heapMb);
      if (runner === undefined && this.#runners.length >= size) {
        // Full: an idle child with another heap size makes room for one with the size needed.
        const idle = this.#runners.find((r) => r.attempt === undefined);
        if (idle === undefined) return;
        this.#stop(idle);
      }
      runner ??= this.#spawn(waiting.heapMb);
      this.#waiting.splice(i, 1);
      waiting.request.signal.removeEventListener('abort', waiting.onAbort);
      this.#start(runner, waiting);
    }
  }

  #start(runner: Runner, waiting: Waiting): void {
    const { request, hooks, resolve } = waiting;
    const id = ++this.#nextId;
    const { signal, ...data } = request;
    const running: Running = {
      id,
      request,
      hooks,
      resolve,
      sentAt: performance.now(),
      timers: [],
      onAbort: () => {
        this.#send(runner, { kind: 'abort', id });
        // A step busy in CPU-bound code cannot even receive the abort: stop its process.
        running.timers.push(setTimeout(() => this.#kill(runner, 'cancelled'), this.#killGraceMs));
      },
    };
    if (signal.aborted) {
      resolve(cancelledOutcome(0));
      queueMicrotask(() => this.#dispatch());
      return;
    }
    // The child's own timer fires at timeoutMs; this one catches a child too busy to run it.
    running.timers.push(setTimeout(() => this.#kill(runner, 'timeout'), request.step.timeoutMs + this.#killGraceMs));
    signal.addEventListener('abort', running.onAbort, { once: true });
    runner.attempt = running;
    setReferenced(runner.process, true);
    this.#send(runner, { kind: 'run', id, request: data });
  }

  #spawn(heapMb: number): Runner {
    const child = fork(childEntry, [], {
      execArgv: ['--import', tsxLoader, `--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const runner: Runner = {
      process: child,
      heapMb,
      ready: false,
      backlog: [],
      attempt: undefined,
      gone: false,
      retireWhenIdle: false,
      stderrTail: '',
      partial: { stdout: '', stderr: '' },
    };
    this.#runners.push(runner);
    const config: StepRunnerChildConfig = {
      registryModule: this.#options.registryModule,
      storeRoot: this.#options.storeRoot,
      baseDir: this.#options.baseDir,
    };
    if (this.#options.registryOptions !== undefined) config.registryOptions = this.#options.registryOptions;
    if (this.#options.dataRoots !== undefined) config.dataRoots = this.#options.dataRoots;
    if (this.#options.models !== undefined) config.models = true;
    runner.backlog.push({ kind: 'init', config });
    child.stdout?.on('data', (chunk: Buffer) => this.#output(runner, 'stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#output(runner, 'stderr', chunk));
    child.on('message', (batch: MessageBatch<FromChildMessage>) => {
      for (const message of batch.messages) this.#receive(runner, message);
    });
    // `close`, not `exit`: by then its stderr has been read, which may say why it died.
    child.on('close', (code, signal) => this.#retire(runner, () => describeExit(runner, code, signal)));
    child.on('error', (cause) => {
      this.#retire(runner, () => `its step runner process failed: ${cause.message}`);
      child.kill('SIGKILL');
    });
    setReferenced(child, false);
    return runner;
  }

  /** A child's output: copied to `output`, and each line into the log of the attempt it runs. */
  #output(runner: Runner, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = chunk.toString('utf8');
    const destination = this.#options.output === undefined ? process.stderr : this.#options.output;
    destination?.write(text);
    if (stream === 'stderr') runner.stderrTail = (runner.stderrTail + text).slice(-STDERR_TAIL);
    const lines = (runner.partial[stream] + text).split('\n');
    runner.partial[stream] = lines.pop() ?? '';
    const attempt = runner.attempt;
    if (attempt === undefined) return;
    for (const line of lines) {
      if (line.trim() !== '') attempt.hooks.log(stream === 'stderr' ? 'warn' : 'info', line);
    }
  }

  #send(runner: Runner, message: ToChildMessage): void {
    if (runner.gone) return;
    if (!runner.ready) {
      runner.backlog.push(message);
      return;
    }
    try {
      runner.process.send({ kind: 'batch', messages: [message] } satisfies MessageBatch<ToChildMessage>);
    } catch {
      // The channel closed under us: the close handler resolves the attempt.
    }
  }

  #receive(runner: Runner, message: FromChildMessage): void {
    if (message.kind === 'ready') {
      runner.ready = true;
      for (const queued of runner.backlog.splice(0)) this.#send(runner, queued);
      return;
    }
    if (message.kind === 'deploy') {
      void this.#deploy(runner, message.id, message.call, message.request);
      return;
    }
    if (message.kind === 'traffic') {
      void this.#traffic(runner, message.id, message.call, message.request);
      return;
    }
    const running = runner.attempt;
    if (running === undefined || running.id !== message.id) return;
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
        this.#finish(runner, message.outcome);
        if (runner.retireWhenIdle) this.#stop(runner);
        this.#dispatch();
        return;
    }
  }

  /**
   * Answers a child's `ctx.models.deploy`: only for the attempt running in it now, and not once it was
   * cancelled; the provenance is the one this side knows, whatever the child said.
   */
  async #deploy(runner: Runner, id: number, call: number, asked: HostDeployRequest): Promise<void> {
    await this.#answer(
      runner,
      id,
      call,
      `deploy of model "${asked.model}"`,
      NO_MODEL_REGISTRY,
      async (models, request) => ({
        kind: 'deployed',
        call,
        result: await models.deploy({
          ...asked,
          provenance: { runId: request.runId, stepId: request.step.id, attempt: request.attempt },
        }),
      }),
    );
  }

  /** Answers a child's `ctx.models.traffic`, on the same terms as a deploy. */
  async #traffic(runner: Runner, id: number, call: number, asked: TrafficWindowRequest): Promise<void> {
    await this.#answer(
      runner,
      id,
      call,
      `reading the traffic of model "${asked.model}"`,
      NO_MODEL_REGISTRY_FOR_TRAFFIC,
      async (models) => ({ kind: 'traffic-read', call, result: await models.traffic(asked) }),
    );
  }

  /**
   * Runs one registry call of a child's and sends its answer, or its refusal: the attempt that asked
   * must be the one running there now, not cancelled, and the pool must offer a registry.
   */
  async #answer(
    runner: Runner,
    id: number,
    call: number,
    what: string,
    noRegistry: string,
    ask: (models: ModelRegistryHost, request: AttemptRequest) => Promise<ToChildMessage>,
  ): Promise<void> {
    const running = runner.attempt;
    const refuse = (message: string) =>
      this.#send(runner, { kind: 'registry-failed', call, message, retryable: false });
    if (running === undefined || running.id !== id || running.request.signal.aborted) {
      refuse(`${what} refused: the attempt that asked has ended`);
      return;
    }
    const models = this.#options.models;
    if (models === undefined) {
      refuse(noRegistry);
      return;
    }
    try {
      this.#send(runner, await ask(models, running.request));
    } catch (cause) {
      const retryable = !(cause instanceof NodeError) || cause.retryable;
      this.#send(runner, { kind: 'registry-failed', call, message: errorMessage(cause), retryable });
    }
  }

  #finish(runner: Runner, outcome: AttemptOutcome): void {
    const running = runner.attempt;
    if (running === undefined) return;
    runner.attempt = undefined;
    for (const timer of running.timers) clearTimeout(timer);
    running.request.signal.removeEventListener('abort', running.onAbort);
    setReferenced(runner.process, false);
    running.resolve(outcome);
  }

  /** Kills a child whose attempt did not answer in time. */
  #kill(runner: Runner, why: 'timeout' | 'cancelled'): void {
    const running = runner.attempt;
    if (running === undefined || runner.gone) return;
    const elapsed = durationSince(running.sentAt);
    const { step } = running.request;
    if (why === 'timeout') {
      const message = `timed out after ${formatMs(step.timeoutMs)} (the step ignored its abort signal and its process was stopped)`;
      running.hooks.log('error', message);
      this.#finish(runner, timeoutOutcome(message, true, elapsed));
    } else {
      this.#finish(runner, cancelledOutcome(elapsed));
    }
    this.#stop(runner);
    this.#dispatch();
  }

  /** Takes a runner out of service and stops its process. */
  #stop(runner: Runner): void {
    if (runner.gone) return;
    runner.gone = true;
    this.#remove(runner);
    this.#resolveAttempt(runner, () => 'its step runner process was stopped');
    runner.process.kill('SIGKILL');
  }

  /** A runner whose process ended: its attempt fails with the reason; replacements spawn on demand. */
  #retire(runner: Runner, why: () => string): void {
    this.#remove(runner);
    if (!runner.gone) {
      runner.gone = true;
      this.#resolveAttempt(runner, why);
    }
    if (!this.#closed) this.#dispatch();
  }

  #remove(runner: Runner): void {
    const index = this.#runners.indexOf(runner);
    if (index >= 0) this.#runners.splice(index, 1);
  }

  #resolveAttempt(runner: Runner, why: () => string): void {
    const running = runner.attempt;
    if (running === undefined) return;
    const message = why();
    running.hooks.log('error', message);
    this.#finish(runner, errorOutcome(message, true, durationSince(running.sentAt)));
  }
}

/** Why a child ended, in the terms of the node that ran in it. */
function describeExit(runner: Runner, code: number | null, signal: NodeJS.Signals | null): string {
  const tail = runner.stderrTail;
  if (/JavaScript heap out of memory|Reached heap limit/.test(tail)) {
    return `ran out of memory: the step's JavaScript heap reached its limit of ${runner.heapMb} MB (raise resources.memoryMb if the node needs more)`;
  }
  const exitCall = tail.lastIndexOf(EXIT_MARKER);
  if (exitCall >= 0) {
    const called = tail.slice(exitCall + EXIT_MARKER.length).match(/^[^)]*/)?.[0] ?? String(code);
    return `the node's code called process.exit(${called}), which ended its step runner process (throw an error to fail a step)`;
  }
  return signal === null
    ? `its step runner process exited with code ${code}`
    : `its step runner process was killed by signal ${signal}`;
}

function setReferenced(child: ChildProcess, referenced: boolean): void {
  // An idle pool must not keep its process alive; a busy one must.
  const streams = [child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>;
  if (referenced) {
    child.ref();
    child.channel?.ref();
    for (const stream of streams) stream?.ref?.();
  } else {
    child.unref();
    child.channel?.unref();
    for (const stream of streams) stream?.unref?.();
  }
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Referenced while it is waited for: an idle child is unreferenced, and once the kill timer has fired
  // nothing else may hold the event loop, which would then end with this wait unsettled (exit code 13).
  setReferenced(child, true);
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
