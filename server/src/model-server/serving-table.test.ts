import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '@loom/runtime';
import { InferencePool } from '@loom/serving';
import { irisExample, type TrainedExample } from '@loom/serving/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerOnnxArtifact } from '../models/onnx-registration.ts';
import { LoomStore } from '../store/loom-store.ts';
import { ServingTable, type ServingTableOptions } from './serving-table.ts';

/*
 * The table on a real store, artifact store and inference pool. Artifact reads can be held back
 * (`gate`), so what happens while a version loads is seen without racing the clock.
 */

let iris: TrainedExample;
let home: string;
let store: LoomStore;
let artifacts: LocalArtifactStore;
let tables: ServingTable[];

beforeAll(async () => {
  iris = await irisExample();
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'loom-serving-table-'));
  store = LoomStore.open(join(home, 'loom.db'));
  artifacts = new LocalArtifactStore(home);
  tables = [];
});
afterEach(async () => {
  await Promise.all(tables.map((table) => table.close()));
  store.close();
  await rm(home, { recursive: true, force: true });
});

/** Artifact reads that wait until `open()` is called. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    artifacts: {
      read: async (sha256: string) => {
        await opened;
        return artifacts.read(sha256);
      },
    },
  };
}

function table(options: Partial<ServingTableOptions> = {}): ServingTable {
  const created = new ServingTable({
    store,
    artifacts,
    createPool: () => new InferencePool({ size: 1 }),
    pollIntervalMs: 0,
    ...options,
  });
  tables.push(created);
  return created;
}

async function deployIris(model = 'iris', on: LoomStore = store): Promise<void> {
  const { sha256 } = await artifacts.put(iris.onnx);
  const { version } = await registerOnnxArtifact(on, artifacts, { model, onnx: sha256 });
  on.setAlias(model, 'production', version.version);
  on.setEndpoint(model, { alias: 'production' });
}

describe('ServingTable', () => {
  it('is not ready, and refuses with 503, until its first sync has loaded the endpoints', async () => {
    await deployIris();
    const held = gate();
    const serving = table({ artifacts: held.artifacts });
    const first = serving.start();
    expect(serving.readiness()).toEqual({ ready: false, message: expect.stringContaining('not finished loading') });
    expect(serving.resolve('iris', undefined, undefined)).toMatchObject({ ok: false, status: 503, error: 'not-ready' });
    held.open();
    await first;
    expect(serving.readiness()).toEqual({ ready: true });
    const where = serving.resolve('iris', undefined, 'any');
    expect(where).toMatchObject({ ok: true, served: { model: 'iris', version: 1, key: 'iris@1' } });
  });

  it('starts no inference thread while no endpoint needs one', async () => {
    let pools = 0;
    const serving = table({
      createPool: () => {
        pools++;
        return new InferencePool({ size: 1 });
      },
    });
    await serving.start();
    expect([pools, serving.readiness().ready]).toEqual([0, true]);
    await deployIris();
    await serving.sync();
    expect(pools).toBe(1);
  });

  it('coalesces the syncs asked for while one runs into one more', async () => {
    await deployIris();
    let reads = 0;
    const counting = {
      ...Object.fromEntries(
        (['getModel', 'getModelVersion', 'servingRevision'] as const).map((name) => [name, store[name].bind(store)]),
      ),
      listEndpoints: () => {
        reads++;
        return store.listEndpoints();
      },
    } as ServingTableOptions['store'];
    const held = gate();
    const serving = table({ store: counting, artifacts: held.artifacts });
    const syncs = [serving.sync(), serving.sync(), serving.sync(), serving.sync()];
    held.open();
    await Promise.all(syncs);
    expect(reads).toBe(2);
  });

  it('tries again at the next sync a version whose ONNX file was not there, but not one that cannot load', async () => {
    const { sha256 } = await artifacts.put(iris.onnx);
    const { version } = await registerOnnxArtifact(store, artifacts, { model: 'iris', onnx: sha256 });
    store.setAlias('iris', 'production', version.version);
    store.setEndpoint('iris', { alias: 'production' });
    let missing = true;
    let reads = 0;
    const serving = table({
      artifacts: {
        read: async (hash) => {
          reads++;
          if (missing) throw new Error('no such blob');
          return artifacts.read(hash);
        },
      },
    });
    await serving.start();
    expect(serving.endpoint('iris')).toMatchObject({
      routes: [],
      failures: [{ version: 1, message: expect.stringContaining('cannot read its ONNX file') }],
    });
    missing = false;
    await serving.sync();
    expect(serving.endpoint('iris')).toMatchObject({ routes: [{ version: 1, percent: 100 }], failures: [] });

    const garbage = await artifacts.put(new Uint8Array([1, 2, 3]));
    const { aliases: _a, version: _v, createdAt: _c, ...described } = version;
    const broken = store.registerModelVersion({ ...described, onnxSha256: garbage.sha256 }).version.version;
    store.setAlias('iris', 'production', broken);
    await serving.sync();
    const readsAfterFailure = reads;
    await serving.sync();
    expect(reads).toBe(readsAfterFailure);
    expect(serving.endpoint('iris')).toMatchObject({
      routes: [{ version: 1, percent: 100 }],
      wanted: [{ version: broken, percent: 100 }],
    });
  });

  it('drops an endpoint removed from the store and unloads its versions', async () => {
    await deployIris();
    const serving = table();
    await serving.start();
    expect(serving.served('iris', 1)).toBeDefined();
    store.removeEndpoint('iris');
    await serving.sync();
    expect(serving.endpoint('iris')).toBeUndefined();
    expect(serving.served('iris', 1)).toBeUndefined();
    expect(serving.resolve('iris', undefined, undefined)).toMatchObject({
      status: 404,
      message: 'model "iris" has no endpoint: set one with PUT /api/endpoints/iris',
    });
  });

  it('picks up a change another connection to the store made, by polling its revision', async () => {
    await deployIris();
    const serving = table({ pollIntervalMs: 10 });
    await serving.start();
    const other = LoomStore.open(join(home, 'loom.db'));
    try {
      await deployIris('iris-two', other);
    } finally {
      other.close();
    }
    // Nothing calls sync or notify: the poll must see the new endpoint by itself.
    const deadline = Date.now() + 20_000;
    while (serving.served('iris-two', 1) === undefined) {
      if (Date.now() > deadline) throw new Error('the table never served iris-two');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(serving.endpoint('iris-two')?.routes).toEqual([{ version: 1, percent: 100 }]);
  });
});
