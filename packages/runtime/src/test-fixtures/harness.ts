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
    formatVersion: 1,
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
        found.push({ name: `${prefix}/${name}`, sha256: `${prefix}/${createHash('sha256').update(bytes).digest('hex')}` });
      }
    }
    return found;
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

/** Each step's terminal events (there must be exactly one per step). */
export function terminalEvents(events: readonly RunEvent[]): Map<string, RunEventKind[]> {
  const terminal = new Map<string, RunEventKind[]>();
  for (const event of events) {
    if (!TERMINAL.has(event.kind) || !('stepId' in event)) continue;
    terminal.set(event.stepId, [...(terminal.get(event.stepId) ?? []), event.kind]);
  }
  return terminal;
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
