/**
 * @kubernetes/client-node 2.0.1 depends on undici 8, which declares Node >= 22.19 and on Node 20
 * (which Loom still supports) crashes at import time on two missing functions:
 * `zlib.createZstdDecompress` (bound while building its decompression table) and
 * `worker_threads.markAsUncloneable` (called when constructing its CacheStorage), and its fetch uses
 * `Promise.withResolvers` (Node 22). This shim supplies
 * stand-ins: the zstd one fails only if a server answers with `Content-Encoding: zstd` (the test server
 * never does); marking as uncloneable only guards structuredClone of web objects, which nothing here
 * does. Import it before @kubernetes/client-node; it does nothing on Node 22+.
 */
import workerThreads from 'node:worker_threads';
import zlib from 'node:zlib';

const zlibModule = zlib as unknown as Record<string, unknown>;
if (typeof zlibModule.createZstdDecompress !== 'function') {
  zlibModule.createZstdDecompress = () => {
    throw new Error(`zstd decompression needs Node 22.15 or later (this is ${process.version})`);
  };
}
const workerModule = workerThreads as unknown as Record<string, unknown>;
if (typeof workerModule.markAsUncloneable !== 'function') workerModule.markAsUncloneable = () => {};

const promise = Promise as unknown as { withResolvers?: unknown };
if (typeof promise.withResolvers !== 'function') {
  promise.withResolvers = <T>() => {
    let resolve: (value: T) => void = () => {};
    let reject: (reason: unknown) => void = () => {};
    const created = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise: created, resolve, reject };
  };
}
