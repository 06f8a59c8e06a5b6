/**
 * Entry of a step runner process (forked by {@link StepRunnerPool}): builds the artifact store and the
 * node registry once, then runs the attempts its parent sends with `executeAttempt`, forwarding hooks
 * and outcomes over IPC. CPU-bound node code blocks only this process, never a worker's lock renewal.
 */
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeployResult, NodeRegistry } from '@loom/sdk';
import { NodeError } from '@loom/sdk';
import { LocalArtifactStore } from '../artifact-store.ts';
import { errorMessage, errorOutcome } from '../attempt-outcomes.ts';
import { type AttemptEnvironment, type AttemptOutcome, executeAttempt } from '../execute-attempt.ts';
import type { HostTrafficWindow, ModelRegistryHost } from '../model-registry-host.ts';
import type {
  AttemptRequestData,
  FromChildMessage,
  MessageBatch,
  StepRunnerChildConfig,
  ToChildMessage,
} from './step-runner-messages.ts';

let environment: Promise<AttemptEnvironment> | undefined;
let offersModels = false;
const controllers = new Map<number, AbortController>();
/** `ctx.models` calls waiting for the parent's answer, by call number (each resolves with its own kind's result). */
const registryCalls = new Map<number, { resolve(result: never): void; reject(cause: Error): void }>();
let nextCall = 0;

let outbox: FromChildMessage[] = [];

/**
 * Queues a message; the messages queued before the next microtask checkpoint go to the parent in one
 * write. A microtask, not the next turn: node code that blocks the event loop right after an `await`
 * (a CPU-bound step) must not hold back what was said before it, `started` above all.
 */
function send(message: FromChildMessage): void {
  if (!process.connected) return;
  outbox.push(serialisable(message));
  if (outbox.length > 1) return;
  queueMicrotask(() => {
    const messages = outbox;
    outbox = [];
    if (!process.connected || messages.length === 0) return;
    process.send?.({ kind: 'batch', messages } satisfies MessageBatch<FromChildMessage>);
  });
}

/** Log fields that JSON cannot carry (a BigInt, a cycle) would sink the whole batch: the line goes without them. */
function serialisable(message: FromChildMessage): FromChildMessage {
  if (message.kind !== 'log' || message.fields === undefined) return message;
  try {
    JSON.stringify(message.fields);
    return message;
  } catch {
    const { fields: _dropped, ...rest } = message;
    return { ...rest, message: `${rest.message} (fields not serialisable)` };
  }
}

async function loadEnvironment(config: StepRunnerChildConfig): Promise<AttemptEnvironment> {
  const specifier = isAbsolute(config.registryModule)
    ? pathToFileURL(config.registryModule).href
    : config.registryModule;
  const module = (await import(specifier)) as {
    createRegistry?: (options?: unknown) => NodeRegistry | Promise<NodeRegistry>;
  };
  if (typeof module.createRegistry !== 'function') {
    throw new Error(`${config.registryModule} does not export createRegistry()`);
  }
  const registry = await module.createRegistry(config.registryOptions);
  const store = new LocalArtifactStore(config.storeRoot);
  const built: AttemptEnvironment = { registry, store, baseDir: config.baseDir, machine: `host ${hostname()}` };
  if (config.dataRoots !== undefined) built.dataRoots = config.dataRoots;
  return built;
}

/** The parent's registry, reached over the channel on behalf of attempt `id`. */
function relayedModels(id: number): ModelRegistryHost {
  const ask = <T>(message: (call: number) => FromChildMessage) =>
    new Promise<T>((resolve, reject) => {
      const call = ++nextCall;
      registryCalls.set(call, { resolve: resolve as (result: never) => void, reject });
      send(message(call));
    });
  return {
    deploy: (request) => ask<DeployResult>((call) => ({ kind: 'deploy', id, call, request })),
    traffic: (request) => ask<HostTrafficWindow>((call) => ({ kind: 'traffic', id, call, request })),
  };
}

async function run(id: number, request: AttemptRequestData): Promise<void> {
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    send({ kind: 'outcome', id, outcome: await attempt(id, request, controller.signal) });
  } finally {
    controllers.delete(id);
  }
}

async function attempt(id: number, request: AttemptRequestData, signal: AbortSignal): Promise<AttemptOutcome> {
  let env: AttemptEnvironment;
  try {
    if (environment === undefined) throw new Error('the step runner was not initialised');
    env = await environment;
  } catch (cause) {
    return errorOutcome(`could not load the node registry: ${errorMessage(cause)}`, false);
  }
  return executeAttempt(
    { ...request, signal },
    {
      started: () => send({ kind: 'started', id }),
      progress: (fraction, message) =>
        send(message === undefined ? { kind: 'progress', id, fraction } : { kind: 'progress', id, fraction, message }),
      log: (level, message, fields) =>
        send(fields === undefined ? { kind: 'log', id, level, message } : { kind: 'log', id, level, message, fields }),
      metric: (name, value, step) =>
        send(step === undefined ? { kind: 'metric', id, name, value } : { kind: 'metric', id, name, value, step }),
    },
    offersModels ? { ...env, models: relayedModels(id) } : env,
  );
}

process.on('message', (batch: MessageBatch<ToChildMessage>) => {
  for (const message of batch.messages) receive(message);
});

function receive(message: ToChildMessage): void {
  switch (message.kind) {
    case 'init':
      offersModels = message.config.models === true;
      environment ??= loadEnvironment(message.config);
      // Reported per attempt; an unobserved rejection must not end the process.
      environment.catch(() => undefined);
      return;
    case 'run':
      void run(message.id, message.request);
      return;
    case 'abort':
      controllers.get(message.id)?.abort();
      return;
    case 'deployed':
    case 'traffic-read':
      registryCalls.get(message.call)?.resolve(message.result as never);
      registryCalls.delete(message.call);
      return;
    case 'registry-failed':
      registryCalls.get(message.call)?.reject(new NodeError(message.message, { retryable: message.retryable }));
      registryCalls.delete(message.call);
      return;
  }
}

// A node that ends the process fails its own step (the parent sees the exit); saying so on stderr
// first lets the parent tell the step's log who did it. The marker is read by StepRunnerPool.
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  const stack = new Error('process.exit').stack?.split('\n').slice(2, 6).join('\n') ?? '';
  process.stderr.write(`loom step runner: node code called process.exit(${code ?? ''})\n${stack}\n`);
  return exit(code);
}) as typeof process.exit;

// The parent went away (exited, crashed, closed the pool): nothing can receive results any more.
process.on('disconnect', () => exit(0));

// A node that ignored its signal may reject long after its attempt ended; that must not take down
// the other attempts running here.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`loom step runner: unhandled rejection: ${errorMessage(reason)}\n`);
});

send({ kind: 'ready' });
