import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile, LocalArtifactStore } from './artifact-store.ts';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

let dir: string;
let root: string;
let store: LocalArtifactStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-store-'));
  root = join(dir, '.loom');
  store = new LocalArtifactStore(root);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function tempLeftovers(): Promise<string[]> {
  return readdir(join(root, 'tmp')).catch(() => []);
}

describe('LocalArtifactStore', () => {
  it('stores bytes under their sha256, in a folder named by its first two hex digits', async () => {
    const stored = await store.put('hello');
    expect(stored).toEqual({ sha256: sha256('hello'), size: 5 });
    const path = join(root, 'artifacts', 'sha256', stored.sha256.slice(0, 2), stored.sha256);
    expect(await store.localPath(stored.sha256)).toBe(path);
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect(Buffer.from(await store.read(stored.sha256)).toString('utf8')).toBe('hello');
    expect(await store.has(stored.sha256)).toBe(true);
  });

  it('counts size in bytes, not characters, and hashes strings as UTF-8', async () => {
    const text = 'naïve – ✓';
    const stored = await store.put(text);
    expect(stored).toEqual({ sha256: sha256(Buffer.from(text, 'utf8')), size: Buffer.byteLength(text) });
    expect(await store.put(new TextEncoder().encode(text))).toEqual(stored);
  });

  it('is idempotent: the same bytes give the same id and one blob, even when put at once', async () => {
    const first = await store.put(new Uint8Array([1, 2, 3]));
    const path = await store.localPath(first.sha256);
    const before = await stat(path);
    const again = await Promise.all([1, 2, 3, 4].map(() => store.put(new Uint8Array([1, 2, 3]))));
    expect(again).toEqual([first, first, first, first]);
    expect((await stat(path)).ino).toBe(before.ino);
    expect(await readdir(join(root, 'artifacts', 'sha256', first.sha256.slice(0, 2)))).toEqual([first.sha256]);
    expect(await tempLeftovers()).toEqual([]);
  });

  it('stores empty content', async () => {
    const stored = await store.put('');
    expect(stored).toEqual({ sha256: sha256(''), size: 0 });
    expect(await store.read(stored.sha256)).toHaveLength(0);
  });

  it('moves an imported file into the store', async () => {
    const source = join(dir, 'model.bin');
    await writeFile(source, 'weights');
    const stored = await store.importFile(source);
    expect(stored).toEqual({ sha256: sha256('weights'), size: 7 });
    expect(await exists(source)).toBe(false);
    expect(Buffer.from(await store.read(stored.sha256)).toString('utf8')).toBe('weights');
    expect(await tempLeftovers()).toEqual([]);
  });

  it('moves an imported file away even when the store holds its bytes already', async () => {
    const stored = await store.put('weights');
    const source = join(dir, 'again.bin');
    await writeFile(source, 'weights');
    expect(await store.importFile(source)).toEqual(stored);
    expect(await exists(source)).toBe(false);
    expect(Buffer.from(await store.read(stored.sha256)).toString('utf8')).toBe('weights');
  });

  it('keeps a blob that is imported from its own path', async () => {
    const stored = await store.put('passed through');
    expect(await store.importFile(await store.localPath(stored.sha256))).toEqual(stored);
    expect(await store.has(stored.sha256)).toBe(true);
    expect(Buffer.from(await store.read(stored.sha256)).toString('utf8')).toBe('passed through');
  });

  it('rejects importing a file that does not exist, leaving nothing behind', async () => {
    await expect(store.importFile(join(dir, 'nope.bin'))).rejects.toThrow(/ENOENT/);
    expect(await tempLeftovers()).toEqual([]);
    expect(await readdir(join(root, 'artifacts', 'sha256')).catch(() => [])).toEqual([]);
  });

  it('answers has() for present, absent and malformed ids', async () => {
    const { sha256: id } = await store.put('x');
    expect(await store.has(id)).toBe(true);
    expect(await store.has(sha256('y'))).toBe(false);
    expect(await store.has('not-a-hash')).toBe(false);
    expect(await store.has(id.toUpperCase())).toBe(false);
    expect(await store.has(`../../${id.slice(6)}`)).toBe(false);
  });

  it('rejects ids that are not lower-case sha256 hex instead of touching the file system', async () => {
    for (const bad of ['', 'abc', '../../etc/passwd', 'g'.repeat(64), 'A'.repeat(64), `${'a'.repeat(64)}/`]) {
      await expect(store.read(bad)).rejects.toThrow(`not a sha256 artifact id: "${bad}"`);
      await expect(store.localPath(bad)).rejects.toThrow('not a sha256 artifact id');
    }
  });

  it('fails to read a well-formed id it does not hold', async () => {
    await expect(store.read(sha256('absent'))).rejects.toThrow(/ENOENT/);
  });

  it('makes a fresh scratch directory per call, with a safe name, under the store', async () => {
    const a = await store.makeTempDir('run/1 step:a');
    const b = await store.makeTempDir('run/1 step:a');
    expect(a).not.toBe(b);
    for (const made of [a, b]) {
      expect(made.startsWith(join(root, 'tmp', 'run_1_step_a-'))).toBe(true);
      expect((await stat(made)).isDirectory()).toBe(true);
    }
  });

  it('defaults its root to .loom', () => {
    expect(new LocalArtifactStore().root).toBe('.loom');
  });
});

describe('hashFile', () => {
  it('streams a file through sha256', async () => {
    const path = join(dir, 'big.bin');
    const data = Buffer.alloc(300_000, 7);
    await mkdir(dir, { recursive: true });
    await writeFile(path, data);
    expect(await hashFile(path)).toEqual({ sha256: sha256(data), size: data.byteLength });
  });
});

describe('LocalArtifactStore with a damaged blob', () => {
  it('replaces a truncated blob on the next put, and has() with a size does not count it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loom-truncated-'));
    try {
      const store = new LocalArtifactStore(root);
      const stored = await store.put('{"accuracy":0.94}');
      const path = await store.localPath(stored.sha256);
      await writeFile(path, '{"accur');
      expect(await store.has(stored.sha256)).toBe(true);
      expect(await store.has(stored.sha256, stored.size)).toBe(false);
      await store.put('{"accuracy":0.94}');
      expect(await readFile(path, 'utf8')).toBe('{"accuracy":0.94}');
      expect(await store.has(stored.sha256, stored.size)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
