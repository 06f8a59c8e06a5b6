import ELK from 'elkjs/lib/elk.bundled.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoLayout, disposeAutoLayout, type LayoutInput } from './auto-layout.ts';
import { fromElkGraph, toElkGraph } from './elk-graph.ts';
import type { LayoutRequest, LayoutResponse } from './elk-layout.worker.ts';

/**
 * Stands in for the browser's Worker (Node has none). It answers like elk-layout.worker.ts does, using the
 * same conversion and the real ELK, but holds replies until the test releases them, in any order it likes.
 */
class FakeWorker {
  static instances: FakeWorker[] = [];
  readonly url: string;
  readonly options: WorkerOptions | undefined;
  readonly requests: LayoutRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;

  constructor(url: URL | string, options?: WorkerOptions) {
    this.url = String(url);
    this.options = options;
    FakeWorker.instances.push(this);
  }

  postMessage(request: LayoutRequest): void {
    // Like the real postMessage, the worker sees a structured clone, never the caller's objects.
    this.requests.push(structuredClone(request));
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Lays out request `index` with the real ELK and delivers the reply. */
  async answer(index: number): Promise<void> {
    const request = this.requests[index];
    if (request === undefined) throw new Error(`no request ${index}`);
    const result = await elk.layout(toElkGraph(request.input));
    this.reply({ kind: 'loom-elk-layout', id: request.id, positions: fromElkGraph(result) });
  }

  reply(data: LayoutResponse | Record<string, unknown>): void {
    this.onmessage?.({ data: structuredClone(data) } as MessageEvent<unknown>);
  }
}

const elk = new ELK();

const chain = (...ids: string[]): LayoutInput => ({
  nodes: ids.map((id) => ({ id, width: 120, height: 60, inputs: ['in'], outputs: ['out'] })),
  edges: ids.slice(1).map((id, k) => ({ from: { node: ids[k] ?? '', port: 'out' }, to: { node: id, port: 'in' } })),
});

function only(): FakeWorker {
  expect(FakeWorker.instances).toHaveLength(1);
  const [worker] = FakeWorker.instances;
  if (worker === undefined) throw new Error('no worker');
  return worker;
}

beforeEach(() => {
  FakeWorker.instances = [];
  vi.stubGlobal('Worker', FakeWorker);
});

afterEach(() => {
  disposeAutoLayout();
  vi.unstubAllGlobals();
});

describe('autoLayout', () => {
  it('starts one module worker lazily and reuses it', async () => {
    expect(FakeWorker.instances).toHaveLength(0);
    const first = autoLayout(chain('a', 'b'));
    const worker = only();
    expect(worker.url).toMatch(/elk-layout\.worker\.ts$/);
    expect(worker.options?.type).toBe('module');
    await worker.answer(0);
    expect(await first).toEqual(
      new Map([
        ['a', { x: 0, y: 0 }],
        ['b', { x: 200, y: 0 }],
      ]),
    );

    const second = autoLayout(chain('c'));
    await only().answer(1);
    expect([...(await second).keys()]).toEqual(['c']);
  });

  it('resolves concurrent calls with their own results when replies come back out of order', async () => {
    const first = autoLayout(chain('a', 'b'));
    const second = autoLayout(chain('x', 'y', 'z'));
    const worker = only();
    expect(worker.requests).toHaveLength(2);
    await worker.answer(1);
    await worker.answer(0);
    expect([...(await first).keys()]).toEqual(['a', 'b']);
    expect([...(await second).keys()]).toEqual(['x', 'y', 'z']);
  });

  it('resolves an empty pipeline without starting a worker', async () => {
    expect((await autoLayout({ nodes: [], edges: [] })).size).toBe(0);
    expect(FakeWorker.instances).toHaveLength(0);
  });

  it('rejects only the failed request when the worker reports a layout error', async () => {
    const failing = autoLayout(chain('a'));
    const fine = autoLayout(chain('b'));
    const worker = only();
    worker.reply({ kind: 'loom-elk-layout', id: worker.requests[0]?.id ?? -1, error: 'bad graph' });
    await expect(failing).rejects.toThrow('Auto-layout failed: bad graph');
    await worker.answer(1);
    expect([...(await fine).keys()]).toEqual(['b']);
    expect(worker.terminated).toBe(false);
  });

  it('ignores messages that are not layout responses', async () => {
    const layout = autoLayout(chain('a'));
    const worker = only();
    // What ELK's own embedded dispatcher would post if it ever saw a message.
    worker.reply({ id: worker.requests[0]?.id ?? -1, error: 'not ours' });
    await worker.answer(0);
    expect([...(await layout).keys()]).toEqual(['a']);
  });

  it('rejects every pending layout with a clear error when the worker crashes, then starts afresh', async () => {
    const first = autoLayout(chain('a'));
    const second = autoLayout(chain('b'));
    const crashed = only();
    crashed.onerror?.(Object.assign(new Event('error'), { message: 'Uncaught TypeError: boom' }));
    await expect(first).rejects.toThrow('Auto-layout worker crashed: Uncaught TypeError: boom');
    await expect(second).rejects.toThrow('Auto-layout worker crashed: Uncaught TypeError: boom');
    expect(crashed.terminated).toBe(true);

    const retry = autoLayout(chain('c'));
    expect(FakeWorker.instances).toHaveLength(2);
    await FakeWorker.instances[1]?.answer(0);
    expect([...(await retry).keys()]).toEqual(['c']);
  });

  it('explains a worker that fails to load', async () => {
    const layout = autoLayout(chain('a'));
    only().onerror?.(new Event('error'));
    await expect(layout).rejects.toThrow('Auto-layout worker crashed: the worker script failed to load');
  });

  it('rejects when no worker can be started', async () => {
    vi.stubGlobal(
      'Worker',
      class {
        constructor() {
          throw new Error('Workers are disabled');
        }
      },
    );
    await expect(autoLayout(chain('a'))).rejects.toThrow(
      'Auto-layout could not start its worker: Workers are disabled',
    );
  });

  it('rejects layouts in flight when disposed', async () => {
    const layout = autoLayout(chain('a'));
    disposeAutoLayout();
    await expect(layout).rejects.toThrow('Auto-layout was stopped before it finished');
    expect(only().terminated).toBe(true);
  });
});
