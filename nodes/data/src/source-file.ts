import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type FingerprintContext, NodeError } from '@loom/sdk';

/** The environment variable listing extra folders (separated by `:`) where relative data paths are looked up. */
export const DATA_ROOTS_VARIABLE = 'LOOM_DATA_ROOTS';

/** A data file on this machine, ready for DuckDB, with the name to show the user. */
export interface LocalSource {
  path: string;
  /** The parameter as given, with the resolved path when they differ: what messages name. */
  shown: string;
  size: number;
}

/** Whether a `path` parameter is a URL that the node downloads. */
export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The folders in `LOOM_DATA_ROOTS`, in order. */
export function dataRoots(): string[] {
  return (process.env[DATA_ROOTS_VARIABLE] ?? '').split(':').filter((root) => root !== '');
}

/**
 * Finds a local data file: relative to the pipeline document first, then relative to each folder in
 * `LOOM_DATA_ROOTS`, so one pipeline runs on machines that keep their data in different places.
 * Only regular files pass: DuckDB opening a named pipe or a device could block forever.
 */
export async function locateFile(path: string, resolvePath: (path: string) => string): Promise<LocalSource> {
  const first = resolvePath(path);
  const candidates = [first];
  if (!isAbsolute(path)) for (const root of dataRoots()) candidates.push(resolvePath(resolve(root, path)));
  for (const candidate of candidates) {
    const info = await stat(candidate).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT' || cause.code === 'ENOTDIR') return undefined;
      if (cause.code === 'EACCES')
        throw new NodeError(`permission denied reading ${show(path, candidate)}`, { retryable: false });
      throw cause;
    });
    if (info === undefined) continue;
    const shown = show(path, candidate);
    if (info.isDirectory()) throw new NodeError(`${shown} is a directory, not a file`, { retryable: false });
    if (!info.isFile())
      throw new NodeError(`${shown} is not a regular file (a pipe, socket or device?)`, { retryable: false });
    if (info.size === 0) throw new NodeError(`${shown} is empty`, { retryable: false });
    return { path: candidate, shown, size: info.size };
  }
  const looked = candidates.length === 1 ? '' : ` (looked in ${candidates.join(', ')})`;
  throw new NodeError(`file not found: ${candidates.length === 1 ? show(path, first) : path}${looked}`, {
    retryable: false,
  });
}

function show(path: string, resolved: string): string {
  return path === resolved ? path : `${path} (${resolved})`;
}

/**
 * Downloads a URL into `dir`, keeping the file name's extension (DuckDB reads `.gz` by it). A server's
 * refusal (4xx) cannot be helped by retrying; a 5xx, 429 or a network failure can.
 */
export async function downloadUrl(url: string, dir: string, signal: AbortSignal): Promise<LocalSource> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (cause) {
    signal.throwIfAborted();
    throw new NodeError(`could not download ${url}: ${describeFetchError(cause)}`, { cause });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new NodeError(`could not download ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(), {
      retryable: response.status >= 500 || response.status === 429,
    });
  }
  const path = join(dir, downloadName(url));
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.byteLength;
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), counter, createWriteStream(path), { signal });
  } catch (cause) {
    signal.throwIfAborted();
    throw new NodeError(`download of ${url} broke off: ${describeFetchError(cause)}`, { cause });
  }
  if (size === 0) throw new NodeError(`${url} is empty`, { retryable: false });
  return { path, shown: url, size };
}

/** A local file name for a URL: its last path segment, made safe, or `download`. */
export function downloadName(url: string): string {
  const last = new URL(url).pathname.split('/').pop() ?? '';
  const safe = decodeURIComponentSafe(last).replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? 'download' : safe;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function describeFetchError(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

/** Locates or downloads the file a data node's `path` parameter names. */
export async function obtainSource(
  path: string,
  ctx: { resolvePath(path: string): string; signal: AbortSignal; artifacts: { tempDir(): Promise<string> } },
): Promise<LocalSource> {
  if (isUrl(path)) return downloadUrl(path, await ctx.artifacts.tempDir(), ctx.signal);
  return locateFile(path, (p) => ctx.resolvePath(p));
}

/**
 * What a data node's result depends on outside the pipeline: a local file's content hash; for a URL,
 * the validators a HEAD request returns (ETag, Last-Modified, Content-Length) or, when the server gives
 * neither an ETag nor a Last-Modified date, the hash of the downloaded content.
 */
export async function fingerprintSource(ctx: FingerprintContext<{ path: string }>): Promise<string> {
  const { path } = ctx.params;
  if (!isUrl(path)) {
    const source = await locateFile(path, (p) => ctx.resolvePath(p));
    return `sha256:${await ctx.hashFile(source.path)}`;
  }
  const head = await fetch(path, { method: 'HEAD', signal: ctx.signal, redirect: 'follow' }).catch(() => undefined);
  if (head?.ok) {
    const etag = head.headers.get('etag');
    const modified = head.headers.get('last-modified');
    if (etag !== null || modified !== null) {
      const length = head.headers.get('content-length');
      return `http:${JSON.stringify({ etag, modified, length })}`;
    }
  }
  const response = await fetch(path, { signal: ctx.signal, redirect: 'follow' });
  if (!response.ok || response.body === null) throw new Error(`GET ${path}: HTTP ${response.status}`);
  const hash = createHash('sha256');
  for await (const chunk of Readable.fromWeb(response.body as WebReadableStream)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
