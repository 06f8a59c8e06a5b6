/**
 * Helpers for the queue tests: plans of fixture steps stored in a throw-away artifact store, attempt
 * requests for them, and hooks that record what they hear.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan, PlanStep } from '@loom/compiler';
import { canonicalJson } from '@loom/graph';
import { LocalArtifactStore } from '../../artifact-store.ts';
import type { AttemptHooks, AttemptRequest } from '../../execute-attempt.ts';
import type { OutputRecord } from '../../output-record.ts';

/** The module the step runner children load their registry from. */
export const testRegistryModule = fileURLToPath(new URL('./test-nodes.ts', import.meta.url));

/** A prefix no other test uses, so that tests sharing a Redis never see each other's keys. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export function testStep(
  id: string,
  type: string,
  params: Record<string, unknown> = {},
  options: { timeoutMs?: number; backend?: PlanStep['backend']; inputs?: string[]; memoryMb?: number } = {},
): PlanStep {
  const inputs = Object.fromEntries(
    (options.inputs ?? []).map((port) => [port, [{ step: 'upstream', port: 'value' }]]),
  );
  return {
    id,
    type,
    version: '1.0.0',
    title: id,
    params,
    inputs,
    outputs: { value: 'json' },
    dependsOn: options.inputs === undefined ? [] : ['upstream'],
    backend: options.backend ?? 'cpu',
    resources: { cpu: 1, memoryMb: options.memoryMb ?? 256, gpu: { count: 0, memoryMb: 0, cpuFallback: false } },
    retry: { retries: 0, backoffMs: 10, maxBackoffMs: 10 },
    timeoutMs: options.timeoutMs ?? 10_000,
    cacheable: true,
    implementationHash: '',
    cacheKey: `key-${id}`,
  };
}

/** A temporary Loom state directory with a store, and plans stored in it. */
export class QueueWorkspace {
  readonly root: string;
  readonly store: LocalArtifactStore;

  private constructor(root: string) {
    this.root = root;
    this.store = new LocalArtifactStore(root);
  }

  static async create(): Promise<QueueWorkspace> {
    return new QueueWorkspace(await mkdtemp(join(tmpdir(), 'loom-queue-')));
  }

  /** Stores a plan of these steps the way the driver does; returns its hash. */
  async storePlan(steps: PlanStep[]): Promise<string> {
    const plan: Plan = { planVersion: 1, pipeline: 'queue-test', parameters: {}, steps };
    return (await this.store.put(canonicalJson(plan))).sha256;
  }

  async storeJson(value: unknown): Promise<OutputRecord> {
    const stored = await this.store.put(canonicalJson(value));
    return { type: 'json', storage: 'json', ...stored, mediaType: 'application/json' };
  }

  async readJson(record: OutputRecord | undefined): Promise<unknown> {
    if (record === undefined) throw new Error('no output record');
    return JSON.parse(Buffer.from(await this.store.read(record.sha256)).toString('utf8'));
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export function attemptRequest(
  step: PlanStep,
  options: {
    runId?: string;
    attempt?: number;
    planSha256?: string;
    inputs?: Record<string, OutputRecord[]>;
    signal?: AbortSignal;
    redispatch?: boolean;
  } = {},
): AttemptRequest {
  const request: AttemptRequest = {
    runId: options.runId ?? 'run-1',
    step,
    attempt: options.attempt ?? 1,
    inputs: options.inputs ?? {},
    contentKey: `content-${step.id}`,
    signal: options.signal ?? new AbortController().signal,
  };
  if (options.planSha256 !== undefined) request.planSha256 = options.planSha256;
  if (options.redispatch === true) request.redispatch = true;
  return request;
}

export type HeardEvent =
  | { kind: 'started' }
  | { kind: 'progress'; fraction: number; message?: string | undefined }
  | { kind: 'log'; level: string; message: string; fields?: Record<string, unknown> | undefined }
  | { kind: 'metric'; name: string; value: number; step?: number | undefined };

/** Hooks that record every call, and a promise for the first `started`. */
export function recordingHooks(): { hooks: AttemptHooks; heard: HeardEvent[]; started: Promise<void> } {
  const heard: HeardEvent[] = [];
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolveStarted) => {
    onStarted = resolveStarted;
  });
  const hooks: AttemptHooks = {
    started: () => {
      heard.push({ kind: 'started' });
      onStarted();
    },
    progress: (fraction, message) => heard.push({ kind: 'progress', fraction, message }),
    log: (level, message, fields) => heard.push({ kind: 'log', level, message, fields }),
    metric: (name, value, step) => heard.push({ kind: 'metric', name, value, step }),
  };
  return { hooks, heard, started };
}

/** Polls until `check` returns true. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolveLater) => setTimeout(resolveLater, 20));
  }
}
