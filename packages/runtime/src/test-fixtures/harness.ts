/**
 * Test helpers: build small pipeline documents, compile them against the fixture nodes, and run
 * them in a throw-away Loom state directory with the inline transport.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, type Plan } from '@loom/compiler';
import { type AnyNodeDefinition, NodeRegistry } from '@loom/sdk';
import { LocalArtifactStore } from '../artifact-store.ts';
import { InlineTransport } from '../inline-transport.ts';
import type { RunEvent, RunEventKind } from '../run-events.ts';
import { type RunPlanOptions, type RunResult, runPlan } from '../run-plan.ts';
import { LocalStepCache } from '../step-cache.ts';
import { fixtureNodes } from './nodes.ts';

export interface DocNode {
  id: string;
  type: string;
  version?: string;
  params?: Record<string, unknown>;
  retries?: number;
  timeoutMs?: number;
}

/** A pipeline document; edges are `['from.port', 'to.port']`, kept in the order given. */
export function pipeline(nodes: DocNode[], edges: Array<[string, string]> = []): Record<string, unknown> {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'test',
    nodes: nodes.map(({ version, ...node }) => ({ version: version ?? '1.0.0', ...node })),
    edges: edges.map(([from, to], index) => {
      const [fromNode = '', fromPort = ''] = from.split('.');
      const [toNode = '', toPort = ''] = to.split('.');
      return { id: `e${index + 1}`, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
    }),
  };
}

export function fixtureRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...fixtureNodes, ...extra].map((definition) => ({ definition, source: 'test-fixtures' })));
}

/** Compiles or throws with the compiler's messages. */
export function compilePlan(document: unknown, registry: NodeRegistry, parameters?: Record<string, unknown>): Plan {
  const compiled = compile(document, registry, parameters === undefined ? {} : { parameters });
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  return compiled.plan;
}

export interface RunOptions extends Partial<Omit<RunPlanOptions, 'transport' | 'onEvent'>> {
  /** @default 4 */
  concurrency?: number;
  onEvent?: (event: RunEvent) => void;
}

/** A temporary folder holding a pipeline's files (`dir`) and its Loom state (`root`). */
export class TestWorkspace {
  readonly dir: string;
  readonly root: string;
  readonly registry: NodeRegistry;
  readonly store: LocalArtifactStore;
  readonly cache: LocalStepCache;

  private constructor(dir: string, registry: NodeRegistry) {
    this.dir = dir;
    this.root = join(dir, '.loom');
    this.registry = registry;
    this.store = new LocalArtifactStore(this.root);
    this.cache = new LocalStepCache(this.root, this.store);
  }

  static async create(registry = fixtureRegistry()): Promise<TestWorkspace> {
    return new TestWorkspace(await mkdtemp(join(tmpdir(), 'loom-runtime-')), registry);
  }

  plan(document: unknown, parameters?: Record<string, unknown>): Plan {
    return compilePlan(document, this.registry, parameters);
  }

  async run(plan: Plan, options: RunOptions = {}): Promise<{ result: RunResult; events: RunEvent[] }> {
    const { concurrency = 4, onEvent, ...rest } = options;
    const events: RunEvent[] = [];
    const transport = new InlineTransport({
      environment: { registry: this.registry, store: this.store, baseDir: this.dir },
      concurrency,
    });
    try {
      const result = await runPlan(plan, {
        registry: this.registry,
        store: this.store,
        cache: this.cache,
        baseDir: this.dir,
        ...rest,
        transport,
        onEvent: (event) => {
          events.push(event);
          onEvent?.(event);
        },
      });
      return { result, events };
    } finally {
      await transport.close();
    }
  }

  /** Decodes a JSON or text output of a finished step from the store. */
  async output(result: RunResult, stepId: string, port: string): Promise<unknown> {
    const record = result.steps.find((s) => s.id === stepId)?.outputs[port];
    if (record === undefined) throw new Error(`step ${stepId} has no output ${port}`);
    const text = Buffer.from(await this.store.read(record.sha256)).toString('utf8');
    return record.storage === 'json' ? JSON.parse(text) : text;
  }

  /** Every blob in the store, with the sha256 of its bytes. */
  async blobs(): Promise<Array<{ name: string; sha256: string }>> {
    const base = join(this.root, 'artifacts', 'sha256');
    const found: Array<{ name: string; sha256: string }> = [];
    for (const prefix of await listOrEmpty(base)) {
      for (const name of await readdir(join(base, prefix))) {
        const bytes = await readFile(join(base, prefix, name));
        found.push({
          name: `${prefix}/${name}`,
          sha256: `${prefix}/${createHash('sha256').update(bytes).digest('hex')}`,
        });
      }
    }
    return found;
  }

  /** What is wrong with the store: blobs whose bytes do not match their names, scratch files left over. */
  async storeProblems(): Promise<string[]> {
    const problems = (await this.blobs())
      .filter((blob) => blob.sha256 !== blob.name)
      .map((blob) => `blob ${blob.name} holds bytes hashing to ${blob.sha256}`);
    for (const entry of await this.tempEntries()) problems.push(`scratch entry left over: ${entry}`);
    return problems;
  }

  /** What is left in the store's scratch folder. */
  tempEntries(): Promise<string[]> {
    return listOrEmpty(join(this.root, 'tmp'));
  }

  /** Cache record file names, without their prefix folders. */
  async cacheRecords(): Promise<string[]> {
    const base = join(this.root, 'cache');
    const records: string[] = [];
    for (const prefix of await listOrEmpty(base)) records.push(...(await readdir(join(base, prefix))));
    return records.sort();
  }

  cleanup(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

const TERMINAL: ReadonlySet<RunEventKind> = new Set([
  'step.succeeded',
  'step.cached',
  'step.failed',
  'step.skipped',
  'step.cancelled',
]);

/** The kinds of one step's events, in order, leaving out logs, progress and metrics. */
export function stepKinds(events: readonly RunEvent[], stepId: string): RunEventKind[] {
  return events
    .filter((e) => 'stepId' in e && e.stepId === stepId)
    .map((e) => e.kind)
    .filter((kind) => kind !== 'step.log' && kind !== 'step.progress' && kind !== 'step.metric');
}

/**
 * What every run's events must satisfy, as a list of broken rules (empty when all hold): numbered
 * 1..n in order, one run id, `run.started` first and `run.finished` last with the run's status, each
 * step ending in exactly one terminal event that agrees with its result, and nothing after it.
 */
export function eventProblems(result: RunResult, events: readonly RunEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, index) => {
    if (event.seq !== index + 1) problems.push(`event ${index} has seq ${event.seq}`);
    if (event.runId !== result.runId) problems.push(`event ${event.seq} has run id ${event.runId}`);
  });
  const first = events[0];
  if (first?.kind !== 'run.started' || first.stepCount !== result.steps.length) {
    problems.push(`the first event is ${first?.kind}, not run.started with ${result.steps.length} steps`);
  }
  const last = events.at(-1);
  if (last?.kind !== 'run.finished' || last.status !== result.status) {
    problems.push(`the last event is ${last?.kind}, not run.finished with status ${result.status}`);
  }
  if (events.filter((e) => e.kind === 'run.finished').length !== 1) problems.push('run.finished is not emitted once');
  for (const step of result.steps) {
    const own = events.filter((e) => 'stepId' in e && e.stepId === step.id);
    const terminal = own.filter((e) => TERMINAL.has(e.kind));
    if (terminal.length !== 1) {
      problems.push(`step ${step.id} has terminal events [${terminal.map((e) => e.kind).join(', ')}]`);
      continue;
    }
    const end = terminal[0] as RunEvent;
    if (end.kind !== `step.${step.status}`)
      problems.push(`step ${step.id} ended with ${end.kind} but is ${step.status}`);
    const later = own.filter((e) => e.seq > end.seq);
    if (later.length > 0) problems.push(`step ${step.id} has ${later.map((e) => e.kind).join(', ')} after ${end.kind}`);
  }
  return problems;
}

/** The first event of a kind for a step, narrowed to that kind. */
export function findEvent<K extends RunEventKind>(
  events: readonly RunEvent[],
  kind: K,
  stepId?: string,
): Extract<RunEvent, { kind: K }> | undefined {
  return events.find(
    (e): e is Extract<RunEvent, { kind: K }> =>
      e.kind === kind && (stepId === undefined || ('stepId' in e && e.stepId === stepId)),
  );
}
