import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Puts files in place whole or not at all: bytes go to a temporary file first, then one rename moves
 * them to their final path, so a crash never leaves half a file where a reader would trust it.
 * The temporary directory must be on the same device as the targets.
 *
 * It remembers the directories it has made (each shard directory is created once, not once per
 * write) and, should one have been removed since (say, `rm -rf .loom`), makes it again and retries once.
 */
export class AtomicFiles {
  readonly #tmp: string;
  readonly #madeDirs = new Set<string>();

  constructor(tmpDir: string) {
    this.#tmp = tmpDir;
  }

  /** Writes `data` to `target` atomically. */
  async write(target: string, data: Uint8Array | string): Promise<void> {
    const temp = join(this.#tmp, randomUUID());
    try {
      await this.#againIfDirGone(async () => {
        await this.#ensureDir(this.#tmp);
        await writeFile(temp, data);
        await this.#ensureDir(dirname(target));
        await rename(temp, target);
      });
    } catch (cause) {
      await rm(temp, { force: true });
      throw cause;
    }
  }

  /** Renames a finished file to `target`, making `target`'s directory when needed. */
  async moveIn(from: string, target: string): Promise<void> {
    await this.#againIfDirGone(async () => {
      await this.#ensureDir(dirname(target));
      await rename(from, target);
    });
  }

  async #againIfDirGone(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      this.#madeDirs.clear();
      await work();
    }
  }

  async #ensureDir(dir: string): Promise<void> {
    if (this.#madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#madeDirs.add(dir);
  }
}
