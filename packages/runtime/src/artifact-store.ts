import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AtomicFiles } from './atomic-files.ts';

/** A stored blob: its content hash and size. */
export interface StoredArtifact {
  sha256: string;
  size: number;
}

/**
 * Content-addressed blob storage. Writes are atomic: a blob is visible under its hash only once all of
 * its bytes are, so an interrupted step never leaves a half-written artifact that a later run reuses.
 *
 * Deliberately left out here: metadata beyond hash and size (cache records and run records carry it),
 * deletion and garbage collection (a later `loom gc`).
 */
export interface ArtifactStore {
  /** Stores bytes; storing the same bytes twice is cheap and returns the same hash. */
  put(bytes: Uint8Array | string): Promise<StoredArtifact>;
  /** Moves (or copies, across devices) a finished file into the store. */
  importFile(path: string): Promise<StoredArtifact>;
  /** Whether the blob is stored (at `size` bytes, when given: a truncated blob does not count). */
  has(sha256: string, size?: number): Promise<boolean>;
  read(sha256: string): Promise<Uint8Array>;
  /** A local path from which the blob can be read. */
  localPath(sha256: string): Promise<string>;
  /** A fresh directory for a step attempt's scratch files, on the same device as the store. */
  makeTempDir(label: string): Promise<string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The default store: files under `<root>/artifacts/sha256/<first two hex digits>/<hash>`.
 *
 * @example
 * const store = new LocalArtifactStore('.loom');
 * const { sha256 } = await store.put('hello');
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly #blobs: string;
  readonly #tmp: string;
  readonly #files: AtomicFiles;

  /** @param root the Loom state directory. @default '.loom' */
  constructor(root = '.loom') {
    this.root = root;
    this.#blobs = join(root, 'artifacts', 'sha256');
    this.#tmp = join(root, 'tmp');
    this.#files = new AtomicFiles(this.#tmp);
  }

  async put(bytes: Uint8Array | string): Promise<StoredArtifact> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const sha256 = createHash('sha256').update(data).digest('hex');
    const target = this.#blobPath(sha256);
    // A blob already there is trusted only at its full size: a truncated one (a disk that filled up,
    // a copy cut short) is replaced.
    if ((await sizeOf(target)) === data.byteLength) return { sha256, size: data.byteLength };
    await this.#files.write(target, data);
    return { sha256, size: data.byteLength };
  }

  async importFile(path: string): Promise<StoredArtifact> {
    const { sha256, size } = await hashFile(path);
    const target = this.#blobPath(sha256);
    if ((await sizeOf(target)) !== size) {
      try {
        await this.#files.moveIn(path, target);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'EXDEV') throw cause;
        // Another device: copy through our temp directory, so the final step is still an atomic rename.
        await this.#files.write(target, await readFile(path));
      }
    } else if (resolve(path) !== resolve(target)) {
      // The bytes are here already; the file still goes, as it would have had they not been.
      await rm(path, { force: true });
    }
    return { sha256, size };
  }

  async has(sha256: string, size?: number): Promise<boolean> {
    if (!SHA256_HEX.test(sha256)) return false;
    const found = await sizeOf(this.#blobPath(sha256));
    return found !== undefined && (size === undefined || found === size);
  }

  async read(sha256: string): Promise<Uint8Array> {
    const path = this.#checkedPath(sha256);
    // Small blobs (a step's JSON output) are read at once: going through the thread pool costs more
    // in waiting than reading them, and a chain of steps waits on every one.
    const size = await sizeOf(path);
    return size !== undefined && size <= SMALL_BLOB_BYTES ? readFileSync(path) : readFile(path);
  }

  async localPath(sha256: string): Promise<string> {
    return this.#checkedPath(sha256);
  }

  async makeTempDir(label: string): Promise<string> {
    const dir = join(this.#tmp, `${label.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomUUID()}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  #checkedPath(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 artifact id: "${sha256}"`);
    return this.#blobPath(sha256);
  }

  #blobPath(sha256: string): string {
    return join(this.#blobs, sha256.slice(0, 2), sha256);
  }
}

/** Streams a file through sha256. */
export async function hashFile(path: string): Promise<StoredArtifact> {
  // Opening a named pipe or a device could block a thread for good (and then the process could not
  // even exit): only regular files are hashed.
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Blobs up to this size are read synchronously. */
const SMALL_BLOB_BYTES = 256 * 1024;

/**
 * The size of a file, or undefined when there is none. Synchronous on purpose: a `stat` of a local file
 * takes microseconds, while the thread-pool round trip of the async one adds a wait to every step.
 */
async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
