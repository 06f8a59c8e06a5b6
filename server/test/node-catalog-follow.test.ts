/**
 * `GET /api/nodes` and `GET /api/nodes/events` on a server whose registry is replaced while it serves
 * (what `loom start --dev` does when plugin code changes).
 */

import { defineNode, type NodeRegistry, output } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplaceableRegistrySource } from '../src/node-registry-source.ts';
import { CATALOG_REVISION_HEADER } from '../src/routes/nodes.ts';
import { createTestApp, type TestApp, testRegistry } from '../src/test-fixtures/test-app.ts';
import { eventBlocks } from './event-blocks.ts';

const addedNode = defineNode({
  type: 'test.added',
  version: '1.0.0',
  title: 'Added',
  description: 'Appears after a reload.',
  category: 'utility',
  outputs: { value: output('json') },
  run: async () => ({ value: null }),
});

/** The test registry plus `test.added`, as a reloaded plugin would bring it. */
function reloadedRegistry(): NodeRegistry {
  const registry = testRegistry();
  registry.add({ definition: addedNode, source: 'test-fixtures' });
  return registry;
}

/** A replaceable source that counts who listens to it. */
class CountedSource extends ReplaceableRegistrySource {
  listeners = 0;

  override subscribe(listener: (revision: number) => void): () => void {
    this.listeners += 1;
    const unsubscribe = super.subscribe(listener);
    let subscribed = true;
    // Idempotent, as the real one is (it deletes from a set).
    return () => {
      if (subscribed) this.listeners -= 1;
      subscribed = false;
      unsubscribe();
    };
  }
}

let source: CountedSource;
let test: TestApp;
beforeEach(async () => {
  source = new CountedSource(testRegistry());
  test = await createTestApp({ registry: source });
});
afterEach(() => test.close());

const types = (body: { nodes: Array<{ type: string; version: string }> }) =>
  body.nodes.map((node) => `${node.type}@${node.version}`);

describe('GET /api/nodes on a replaceable registry', () => {
  it('follows each replacement and names the revision in a header', async () => {
    const first = await test.app.inject({ url: '/api/nodes' });
    expect(first.headers[CATALOG_REVISION_HEADER]).toBe('0');
    expect(types(first.json())).not.toContain('test.added@1.0.0');

    source.replace(reloadedRegistry());
    const second = await test.app.inject({ url: '/api/nodes' });
    expect(second.headers[CATALOG_REVISION_HEADER]).toBe('1');
    expect(types(second.json())).toContain('test.added@1.0.0');

    source.replace(testRegistry());
    const third = await test.app.inject({ url: '/api/nodes' });
    expect(third.headers[CATALOG_REVISION_HEADER]).toBe('2');
    expect(types(third.json())).toEqual(types(first.json()));
  });

  it('builds the catalog once per revision', async () => {
    const a = await test.app.inject({ url: '/api/nodes' });
    const b = await test.app.inject({ url: '/api/nodes' });
    expect(b.body).toBe(a.body);
  });
});

/** An open catalog event stream: the events read so far, and a way to wait for more. */
interface CatalogStream {
  status: number;
  contentType: string | null;
  revisions: number[];
  comments: number;
  waitFor(count: number): Promise<void>;
  close(): void;
}

async function openStream(base: string, headers: Record<string, string> = {}): Promise<CatalogStream> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/nodes/events`, { headers, signal: controller.signal });
  const stream: CatalogStream = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    revisions: [],
    comments: 0,
    waitFor: async () => {},
    close: () => controller.abort(),
  };
  if (!response.ok || response.body === null) return stream;
  const waiters: Array<() => void> = [];
  void (async () => {
    try {
      for await (const block of eventBlocks(response.body as ReadableStream<Uint8Array>)) {
        if (block.startsWith(':')) stream.comments += 1;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: catalog$/m.test(block) && data !== undefined) {
          stream.revisions.push((JSON.parse(data) as { revision: number }).revision);
        }
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // aborted by close()
    }
  })();
  stream.waitFor = async (count) => {
    const deadline = Date.now() + 5_000;
    while (stream.revisions.length < count) {
      if (Date.now() > deadline) throw new Error(`saw revisions ${stream.revisions.join(', ')}, wanted ${count}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return stream;
}

describe('GET /api/nodes/events', () => {
  it('sends the current revision, then one event per replacement, to every listener', async () => {
    const base = await test.app.listen({ host: '127.0.0.1', port: 0 });
    const one = await openStream(base);
    const two = await openStream(base);
    try {
      expect(one.status).toBe(200);
      expect(one.contentType).toMatch(/^text\/event-stream/);
      await one.waitFor(1);
      await two.waitFor(1);
      expect(one.revisions).toEqual([0]);

      source.replace(reloadedRegistry());
      source.replace(testRegistry());
      await one.waitFor(3);
      await two.waitFor(3);
      expect(one.revisions).toEqual([0, 1, 2]);
      expect(two.revisions).toEqual([0, 1, 2]);

      // A client that connects later starts from the revision served now.
      const late = await openStream(base);
      await late.waitFor(1);
      expect(late.revisions).toEqual([2]);
      late.close();
    } finally {
      one.close();
      two.close();
    }
  });

  it('stops listening to the registry when the client hangs up', async () => {
    const base = await test.app.listen({ host: '127.0.0.1', port: 0 });
    const stream = await openStream(base);
    await stream.waitFor(1);
    expect(source.listeners).toBe(1);
    stream.close();
    await expect.poll(() => source.listeners).toBe(0);
    source.replace(reloadedRegistry());
    expect((await test.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('needs the API token like the rest of the API', async () => {
    await test.close();
    test = await createTestApp({ registry: source, apiToken: 's3cret' });
    const base = await test.app.listen({ host: '127.0.0.1', port: 0 });
    const refused = await openStream(base);
    expect(refused.status).toBe(401);
    const allowed = await openStream(base, { authorization: 'Bearer s3cret' });
    try {
      expect(allowed.status).toBe(200);
      await allowed.waitFor(1);
    } finally {
      allowed.close();
    }
  });
});
