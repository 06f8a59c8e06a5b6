import { basename, dirname, sep } from 'node:path';
import { loadPluginRegistry, type PluginRegistry, type PluginSources } from '@loom/plugins';
import type { ReplaceableRegistrySource } from '@loom/server';
import { type FSWatcher, watch } from 'chokidar';

export interface PluginDevLoopOptions {
  sources: PluginSources;
  /** The server's registry, replaced after each successful reload. */
  registry: ReplaceableRegistrySource;
  /** The plugins loaded at start: their folders are watched. */
  loaded: PluginRegistry;
  /** Told of each reload: the new registry, or why the plugins could not be loaded (the old ones stay). */
  onReload(result: { ok: true; registry: PluginRegistry; changed: string[] } | { ok: false; error: unknown }): void;
  /** How long changes must settle before reloading (an editor saves several files at once). @default 150 */
  settleMs?: number;
}

/**
 * `loom start --dev`: watches the plugins folder, the configuration file and every non-built-in
 * plugin's package, and reloads the plugins when one changes. A reload imports fresh module graphs of
 * the plugins (see `loadPlugins`' `generation`) and replaces the server's registry, which refreshes the
 * designer's palette and makes the step runners load the new code for the next step. A plugin that fails
 * to load leaves the last good registry serving.
 */
export class PluginDevLoop {
  readonly #options: PluginDevLoopOptions;
  #watcher: FSWatcher | undefined;
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;
  #changed = new Set<string>();
  /** A reload in progress; changes during it schedule another. */
  #reloading: Promise<void> | undefined;
  #closed = false;
  /** The folders and files watched: the plugins folder, the configuration, each plugin package. */
  readonly #watched = new Set<string>();

  constructor(options: PluginDevLoopOptions) {
    this.#options = options;
  }

  /** Resolves once the watcher has scanned what it watches. */
  async start(): Promise<void> {
    const { sources, loaded } = this.#options;
    const paths = [...loaded.discovery.watch];
    if (sources.pluginsDir !== undefined) paths.push(sources.pluginsDir);
    if (sources.configFile !== undefined) paths.push(sources.configFile);
    for (const path of paths) this.#watched.add(path);
    const watcher = watch([...this.#watched], { ignoreInitial: true, ignored: (path) => this.#ignored(path) });
    this.#watcher = watcher;
    watcher.on('all', (_event, path) => this.#noteChange(path));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** Reloads now (also what a change triggers once it settles). */
  reload(): Promise<void> {
    if (this.#reloading !== undefined) {
      // Coalesce: one more reload after the running one covers whatever changed meanwhile.
      return this.#reloading.then(() => this.reload());
    }
    const changed = [...this.#changed];
    this.#changed.clear();
    this.#reloading = this.#reloadOnce(changed).finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#watcher?.close();
    await this.#reloading;
  }

  /**
   * Dependencies and build output are not a plugin's source, and hidden folders are tools' (.git). Only
   * the part below a watched path counts: a project inside a hidden folder is still watched.
   */
  #ignored(path: string): boolean {
    for (const root of this.#watched) {
      if (path !== root && !path.startsWith(`${root}${sep}`)) continue;
      const below = path.slice(root.length).split(sep);
      return below.some((part) => part === 'node_modules' || part === 'dist' || part.startsWith('.'));
    }
    return false;
  }

  #noteChange(path: string): void {
    if (this.#closed) return;
    this.#changed.add(path);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#options.settleMs ?? 150);
  }

  async #reloadOnce(changed: string[]): Promise<void> {
    this.#generation += 1;
    try {
      const registry = await loadPluginRegistry(this.#options.sources, { generation: this.#generation });
      if (this.#closed) return;
      // Watch plugins that appeared (a new folder, a package added to the configuration).
      for (const dir of registry.discovery.watch) {
        if (this.#watched.has(dir)) continue;
        this.#watched.add(dir);
        this.#watcher?.add(dir);
      }
      this.#options.registry.replace(registry.registry);
      this.#options.onReload({ ok: true, registry, changed: changed.map((path) => describePath(path)) });
    } catch (error) {
      if (!this.#closed) this.#options.onReload({ ok: false, error });
    }
  }
}

function describePath(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}
