import { createHash } from 'node:crypto';
import { loadDocument } from '@loom/graph';
import { describe, expect, it } from 'vitest';
import { type CompileOptions, compile } from './compile.ts';
import { sha256Hex } from './hash.ts';
import type { Plan, PlanStep } from './plan.ts';
import { document, edge, mlPipeline, node, type RawDocument, reverseKeys } from './test-fixtures/documents.ts';
import { testRegistry } from './test-fixtures/nodes.ts';

const registry = testRegistry();
const withEpochs: CompileOptions = { parameters: { epochs: 3 } };

function planOf(raw: unknown, options: CompileOptions = withEpochs, reg = registry): Plan {
  const result = compile(raw, reg, options);
  if (!result.ok) throw new Error(`expected a plan: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

function step(plan: Plan, id: string): PlanStep {
  const found = plan.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

function keys(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.steps.map((s) => [s.id, s.cacheKey]));
}

describe('compile: a node sent to another backend', () => {
  const withBackend = (id: string, backend: string) => {
    const raw = mlPipeline() as { nodes: { id: string; backend?: string }[] };
    for (const n of raw.nodes) if (n.id === id) n.backend = backend;
    return raw;
  };

  it('runs where the document says, under the same cache key', () => {
    const plan = planOf(withBackend('train', 'kubernetes'));
    expect(step(plan, 'train').backend).toBe('kubernetes');
    expect(step(plan, 'split').backend).toBe('cpu');
    expect(keys(plan)).toEqual(keys(planOf(mlPipeline())));
  });

  it('refuses to send a GPU node to the CPU backend, naming the node', () => {
    const result = compile(withBackend('train', 'cpu'), registry, withEpochs);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'node.backend', severity: 'error', nodeId: 'train' }),
    );
  });

  it('rejects a backend that does not exist', () => {
    const result = compile(withBackend('train', 'tpu'), registry, withEpochs);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result.diagnostics)).toContain('backend');
  });
});

describe('compile: the plan', () => {
  it('describes each step completely', () => {
    const plan = planOf(mlPipeline());
    expect(plan.planVersion).toBe(1);
    expect(plan.pipeline).toBe('test');
    expect(step(plan, 'train')).toEqual({
      id: 'train',
      type: 'test.train',
      version: '1.0.0',
      title: 'train',
      params: { epochs: 3, lr: 0.01 },
      inputs: { train: [{ step: 'split', port: 'train' }] },
      outputs: { model: 'model', history: 'metrics' },
      dependsOn: ['split'],
      backend: 'gpu',
      resources: { cpu: 1, memoryMb: 4096, gpu: { count: 1, memoryMb: 0, cpuFallback: false } },
      retry: { retries: 2, backoffMs: 1000, maxBackoffMs: 60_000 },
      timeoutMs: 3_600_000,
      cacheable: true,
      implementationHash: 'impl-test.train@1.0.0',
      source: 'test-fixtures',
      cacheKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('orders steps so that each comes after the steps it depends on', () => {
    const plan = planOf(mlPipeline());
    expect(plan.steps.map((s) => s.id)).toEqual(['load', 'split', 'train', 'evaluate', 'merge']);
    const position = new Map(plan.steps.map((s, i) => [s.id, i]));
    for (const s of plan.steps) {
      for (const dependency of s.dependsOn) expect(position.get(dependency)).toBeLessThan(position.get(s.id) ?? -1);
    }
  });

  it('orders steps by dependency, not by their place in the document', () => {
    const raw = mlPipeline();
    raw.nodes.reverse();
    const plan = planOf(raw);
    expect(plan.steps.map((s) => s.id)).toEqual(['load', 'split', 'train', 'evaluate', 'merge']);
  });

  it('keeps document order between independent steps', () => {
    const raw = document(
      [node('c', 'test.pass'), node('a', 'test.pass'), node('b', 'test.pass')],
      [edge('c.out', 'b.in')],
    );
    expect(planOf(raw, {}).steps.map((s) => s.id)).toEqual(['c', 'a', 'b']);
  });

  it('lists fan-in sources in edge order and sorted, de-duplicated dependencies', () => {
    const plan = planOf(mlPipeline());
    expect(step(plan, 'merge').inputs).toEqual({
      metrics: [
        { step: 'evaluate', port: 'metrics' },
        { step: 'train', port: 'history' },
      ],
    });
    expect(step(plan, 'merge').dependsOn).toEqual(['evaluate', 'train']);
    expect(step(plan, 'evaluate').dependsOn).toEqual(['split', 'train']);
    const twice = document(
      [node('s', 'test.source', { path: 'p' }), node('m', 'test.merge')],
      [edge('s.stats', 'm.metrics'), edge('s.stats', 'm.metrics')],
    );
    expect(step(planOf(twice, {}), 'm').dependsOn).toEqual(['s']);
  });

  it('uses the label as the title and the node overrides of retries and timeout', () => {
    const raw = mlPipeline();
    raw.nodes[2] = {
      ...(raw.nodes[2] as RawDocument['nodes'][number]),
      retries: 0,
      timeoutMs: 60_000,
      ui: { label: 'Fit' },
    };
    const train = step(planOf(raw), 'train');
    expect(train.title).toBe('Fit');
    expect(train.retry).toEqual({ retries: 0, backoffMs: 1000, maxBackoffMs: 60_000 });
    expect(train.timeoutMs).toBe(60_000);
  });

  it('carries cacheable: false and the cpu backend defaults', () => {
    const raw = document(
      [node('s', 'test.source', { path: 'p' }), node('r', 'test.report')],
      [edge('s.stats', 'r.data')],
    );
    const plan = planOf(raw, {});
    expect(step(plan, 'r')).toMatchObject({
      cacheable: false,
      backend: 'cpu',
      outputs: {},
      params: { title: 'Report' },
    });
    expect(step(plan, 's').resources).toEqual({
      cpu: 1,
      memoryMb: 512,
      gpu: { count: 0, memoryMb: 0, cpuFallback: false },
    });
  });

  it('compiles an empty pipeline to an empty plan', () => {
    expect(planOf(document([], []), {})).toEqual({ planVersion: 1, pipeline: 'test', parameters: {}, steps: [] });
  });

  it('gives back the loaded document', () => {
    const raw = mlPipeline();
    const result = compile(raw, registry, withEpochs);
    expect(result.ok && result.document).toEqual(raw);
  });
});

describe('compile: parameters in the plan', () => {
  it('replaces references with given values, falls back to defaults, and applies schema defaults', () => {
    const plan = planOf(mlPipeline(), { parameters: { epochs: 8 } });
    expect(plan.parameters).toEqual({ epochs: 8, fraction: 0.25 });
    expect(step(plan, 'split').params).toEqual({ fraction: 0.25, seed: 7 });
    expect(step(plan, 'train').params).toEqual({ epochs: 8, lr: 0.01 });
    expect(step(plan, 'load').params).toEqual({ path: 'data.parquet', rows: 100 });
    expect(step(plan, 'merge').params).toEqual({ on_conflict: 'number' });
  });

  it('lets a given value override a default', () => {
    const plan = planOf(mlPipeline(), { parameters: { epochs: 1, fraction: 0.5 } });
    expect(plan.parameters).toEqual({ epochs: 1, fraction: 0.5 });
    expect(step(plan, 'split').params.fraction).toBe(0.5);
  });

  it('replaces references nested in objects and arrays', () => {
    const raw = document(
      [
        node('s', 'test.split', { stratify: { column: { $param: 'column' } } }),
        node('l', 'test.source', { path: 'p' }),
      ],
      [edge('l.table', 's.data')],
      { column: { type: 'string', default: 'label' } },
    );
    expect(step(planOf(raw, {}), 's').params).toEqual({ fraction: 0.2, stratify: { column: 'label', bins: 10 } });
  });

  it('lists the parameters in name order', () => {
    const plan = planOf(mlPipeline(), { parameters: { epochs: 2 } });
    expect(Object.keys(plan.parameters)).toEqual(['epochs', 'fraction']);
  });

  it('does not write defaults or values into the document', () => {
    const raw = mlPipeline();
    const before = JSON.stringify(raw);
    const result = compile(raw, registry, withEpochs);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(raw)).toBe(before);
    if (result.ok) expect(JSON.stringify(result.document)).toBe(before);
  });
});

describe('compile: determinism', () => {
  it('gives byte-identical plans for the same input', () => {
    const a = compile(mlPipeline(), registry, withEpochs);
    const b = compile(mlPipeline(), testRegistry(), withEpochs);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('gives the same plan when the document object keys are written in another order', () => {
    const raw = mlPipeline();
    const reversed = reverseKeys(raw);
    expect(Object.keys(reversed)).toEqual([...Object.keys(raw)].reverse());
    expect(JSON.stringify(planOf(reversed))).toBe(JSON.stringify(planOf(raw)));
  });

  it('gives the same plan for params written in another key order', () => {
    const one = mlPipeline();
    const two = mlPipeline();
    (one.nodes[1] as { params: Record<string, unknown> }).params = {
      seed: 7,
      fraction: 0.3,
      stratify: { bins: 4, column: 'y' },
    };
    (two.nodes[1] as { params: Record<string, unknown> }).params = {
      stratify: { column: 'y', bins: 4 },
      fraction: 0.3,
      seed: 7,
    };
    expect(JSON.stringify(planOf(one))).toBe(JSON.stringify(planOf(two)));
  });

  it('gives the same plan through a JSON round trip of the loaded document', () => {
    const loaded = loadDocument(mlPipeline());
    if (!loaded.ok) throw new Error('fixture does not load');
    expect(planOf(JSON.parse(JSON.stringify(loaded.document)))).toEqual(planOf(mlPipeline()));
  });
});

describe('compile: cache keys', () => {
  const baseline = keys(planOf(mlPipeline()));

  it('differ between steps', () => {
    expect(new Set(Object.values(baseline)).size).toBe(5);
  });

  it('change for a step whose params change, and for every step downstream of it', () => {
    const raw = mlPipeline();
    (raw.nodes[2] as { params: Record<string, unknown> }).params = { epochs: { $param: 'epochs' }, lr: 0.1 };
    const changed = keys(planOf(raw));
    expect(changed.load).toBe(baseline.load);
    expect(changed.split).toBe(baseline.split);
    expect(changed.train).not.toBe(baseline.train);
    expect(changed.evaluate).not.toBe(baseline.evaluate);
    expect(changed.merge).not.toBe(baseline.merge);
  });

  it('change when a pipeline parameter value changes what a step receives', () => {
    const changed = keys(planOf(mlPipeline(), { parameters: { epochs: 4 } }));
    expect(changed.split).toBe(baseline.split);
    expect(changed.train).not.toBe(baseline.train);
  });

  it('do not change when a default is written out explicitly', () => {
    const raw = mlPipeline();
    (raw.nodes[2] as { params: Record<string, unknown> }).params = { epochs: 3, lr: 0.01 };
    expect(keys(planOf(raw))).toEqual(baseline);
  });

  it('change downstream when an upstream step params change', () => {
    const raw = mlPipeline();
    (raw.nodes[0] as { params: Record<string, unknown> }).params = { path: 'other.parquet' };
    const changed = keys(planOf(raw));
    for (const id of ['load', 'split', 'train', 'evaluate', 'merge']) expect(changed[id]).not.toBe(baseline[id]);
  });

  it('change with the node version', () => {
    const raw = mlPipeline();
    (raw.nodes[1] as { version: string }).version = '1.1.0';
    const changed = keys(planOf(raw));
    expect(changed.load).toBe(baseline.load);
    expect(changed.split).not.toBe(baseline.split);
    expect(changed.train).not.toBe(baseline.train);
  });

  it('change with the implementation hash', () => {
    const changed = keys(planOf(mlPipeline(), withEpochs, testRegistry({ 'test.train@1.0.0': 'new code' })));
    expect(changed.split).toBe(baseline.split);
    expect(changed.train).not.toBe(baseline.train);
    expect(changed.merge).not.toBe(baseline.merge);
  });

  it('change when an input comes from another port or step', () => {
    const raw = mlPipeline();
    raw.edges[3] = edge('split.train', 'evaluate.test', 'e4');
    const changed = keys(planOf(raw));
    expect(changed.train).toBe(baseline.train);
    expect(changed.evaluate).not.toBe(baseline.evaluate);
  });

  it('change when the fan-in order changes', () => {
    const raw = mlPipeline();
    raw.edges.reverse();
    expect(keys(planOf(raw)).merge).not.toBe(baseline.merge);
  });

  it('do not change for an edit downstream or beside a step', () => {
    const raw = mlPipeline();
    (raw.nodes[4] as { params?: Record<string, unknown> }).params = { on_conflict: 'last' };
    raw.nodes.push(node('extra', 'test.report'), node('more', 'test.source', { path: 'x' }));
    raw.edges.push(edge('train.history', 'extra.data'));
    const changed = keys(planOf(raw));
    for (const id of ['load', 'split', 'train', 'evaluate']) expect(changed[id]).toBe(baseline[id]);
    expect(changed.merge).not.toBe(baseline.merge);
  });

  it('do not change for ui, labels, ids of edges, retries or timeouts', () => {
    const raw = mlPipeline();
    raw.description = 'now described';
    raw.nodes = raw.nodes.map((n, i) => ({
      ...n,
      ui: { position: { x: i, y: 0 }, label: `Step ${i}`, color: '#f00' },
      retries: 1,
      timeoutMs: 5,
    }));
    raw.edges = raw.edges.map(({ from, to }) => ({ from, to }));
    const plan = planOf(raw);
    expect(keys(plan)).toEqual(baseline);
    expect(step(plan, 'train').title).toBe('Step 2');
  });

  it('never change for canvas notes, nor does anything else in the plan', () => {
    const plain = planOf(mlPipeline());
    const raw = mlPipeline();
    raw.notes = [
      { id: 'why', text: 'Split before normalising.', position: { x: 0, y: -80 }, size: { width: 200, height: 60 } },
      // A note may sit on a node and mention ids and parameters: it is still only text.
      { id: 'train_note', text: 'train uses { "$param": "epochs" }', position: { x: 10, y: 10 }, color: '#fde68a' },
    ];
    const noted = planOf(raw);
    expect(keys(noted)).toEqual(baseline);
    expect(noted).toEqual(plain);
    expect(JSON.stringify(noted)).toBe(JSON.stringify(plain));

    const edited = mlPipeline();
    edited.notes = [{ id: 'why', text: 'Reworded, moved and resized.', position: { x: 500, y: 500 } }];
    expect(JSON.stringify(planOf(edited))).toBe(JSON.stringify(plain));
  });

  it('are the same for a format version 1 document as for version 2', () => {
    expect(keys(planOf({ ...mlPipeline(), formatVersion: 1 }))).toEqual(baseline);
  });

  it('do not change with the position of nodes in the document', () => {
    const raw = mlPipeline();
    raw.nodes.reverse();
    expect(keys(planOf(raw))).toEqual(baseline);
  });

  it('are the same with an injected node:crypto sha256', () => {
    const calls: string[] = [];
    const nativeHash = (text: string) => {
      calls.push(text);
      return createHash('sha256').update(text, 'utf8').digest('hex');
    };
    const injected = planOf(mlPipeline(), { ...withEpochs, hash: nativeHash });
    expect(calls.length).toBeGreaterThan(0);
    expect(JSON.stringify(injected)).toBe(JSON.stringify(planOf(mlPipeline())));
  });

  it('come from the hash that is injected', () => {
    const plan = planOf(mlPipeline(), { ...withEpochs, hash: (text) => `len:${text.length}` });
    expect(plan.steps.every((s) => s.cacheKey.startsWith('len:'))).toBe(true);
  });
});

describe('sha256Hex', () => {
  it('matches node:crypto, for non-ASCII text too', () => {
    for (const text of ['', 'abc', 'ünïcødé → ✓ 🧵', 'x'.repeat(10_000)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
