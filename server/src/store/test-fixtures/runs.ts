/**
 * Test helpers for the store: small documents and plans, and an event source that numbers and stamps
 * events the way the runtime does.
 */
import type { Plan, PlanStep } from '@loom/compiler';
import type { PipelineDocument } from '@loom/graph';
import type { OutputRecord, RunEvent, RunEventBody } from '@loom/runtime';
import type { NewRun } from '../store-types.ts';

/** A document with one node per step id (no edges: the store does not look at them). */
export function pipelineDocument(name: string, stepIds: readonly string[]): PipelineDocument {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    nodes: stepIds.map((id) => ({ id, type: `test.${id}`, version: '1.0.0' })),
    edges: [],
  };
}

export function planStep(id: string, title = id): PlanStep {
  return {
    id,
    type: `test.${id}`,
    version: '1.0.0',
    title,
    params: {},
    inputs: {},
    outputs: { out: 'json' },
    dependsOn: [],
    backend: 'cpu',
    resources: { cpu: 1, memoryMb: 256, gpu: { count: 0, memoryMb: 0, cpuFallback: false } },
    retry: { retries: 1, backoffMs: 10, maxBackoffMs: 100 },
    timeoutMs: 60_000,
    cacheable: true,
    implementationHash: 'impl',
    cacheKey: `key-${id}`,
  };
}

export function plan(name: string, stepIds: readonly string[]): Plan {
  return { planVersion: 1, pipeline: name, parameters: {}, steps: stepIds.map((id) => planStep(id)) };
}

/** A run of a pipeline named `name` with one step per id; ids like `newRunId` sort by creation time. */
export function newRun(id: string, stepIds: readonly string[], overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    pipelineId: 'pipe',
    pipelineVersion: 1,
    document: pipelineDocument('demo', stepIds),
    plan: plan('demo', stepIds),
    options: { parameters: { epochs: 3 }, noCache: false },
    createdAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  };
}

/** A run id as `newRunId` makes them, for the `n`th second after a fixed instant. */
export const runId = (n: number) =>
  `20260301T12${String(Math.floor(n / 60)).padStart(2, '0')}${String(n % 60).padStart(2, '0')}Z-abc${String(n).padStart(3, '0')}`;

export function output(seed: string): OutputRecord {
  return { type: 'json', storage: 'json', sha256: seed.padEnd(64, '0'), size: seed.length };
}

/** Numbers and stamps events like the runtime: seq from 1, one second apart. */
export class EventSource {
  readonly runId: string;
  #seq: number;

  constructor(runId: string, lastSeq = 0) {
    this.runId = runId;
    this.#seq = lastSeq;
  }

  emit(body: RunEventBody): RunEvent {
    const seq = ++this.#seq;
    const at = new Date(Date.UTC(2026, 2, 1, 12, 0, seq)).toISOString();
    return { ...body, runId: this.runId, seq, at };
  }

  /** The events of a step's successful first attempt, with a progress report, a metric and a log line. */
  succeed(stepId: string, attempt = 1): RunEvent[] {
    return [
      this.emit({ kind: 'step.queued', stepId, attempt }),
      this.emit({ kind: 'step.started', stepId, attempt }),
      this.emit({ kind: 'step.progress', stepId, attempt, fraction: 0.5, message: 'halfway' }),
      this.emit({ kind: 'step.metric', stepId, attempt, name: 'loss', value: 0.1 + 0.2 }),
      this.emit({ kind: 'step.log', stepId, attempt, level: 'info', message: `${stepId} ran`, fields: { attempt } }),
      this.emit({
        kind: 'step.succeeded',
        stepId,
        attempt,
        durationMs: 1500,
        contentKey: `content-${stepId}`,
        outputs: { out: output(stepId) },
        metrics: { loss: 0.25 },
      }),
    ];
  }
}
