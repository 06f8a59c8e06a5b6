import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const LOOM_BIN = fileURLToPath(new URL('../packages/cli/bin/loom.js', import.meta.url));
const PLUGINS = 20;
const NODES_PER_PLUGIN = 5;
const RELOADS = 7;

/** Writes `count` plugin packages of `NODES_PER_PLUGIN` nodes each into `dir`, each with a helper module. */
async function writePlugins(dir: string, count: number): Promise<void> {
  for (let p = 0; p < count; p++) {
    const refs = Array.from({ length: NODES_PER_PLUGIN }, (_, n) => `bench${p}.node${n}@1.0.0`);
    const root = join(dir, `bench-plugin-${p}`);
    await mkdir(join(root, 'src'), { recursive: true });
    await writeFile(
      join(root, 'package.json'),
      JSON.stringify({
        name: `bench-plugin-${p}`,
        version: '1.0.0',
        type: 'module',
        loom: { apiVersion: 1, entry: './src/index.ts', nodes: refs },
        peerDependencies: { '@loom/sdk': '*' },
      }),
    );
    await writeFile(join(root, 'src', 'greeting.ts'), `export const greeting = 'hello 0';\n`);
    const nodes = refs.map(
      (_, n) => `export const node${n} = defineNode({
  type: 'bench${p}.node${n}', version: '1.0.0', title: 'Node ${n}', description: 'A benchmark node.', category: 'bench',
  params: Type.Object({ factor: Type.Number({ default: 1 }) }),
  outputs: { text: output('text') },
  async run() { return { text: greeting }; },
});`,
    );
    await writeFile(
      join(root, 'src', 'index.ts'),
      `import { defineNode, output, Type } from '@loom/sdk';\nimport { greeting } from './greeting.ts';\n${nodes.join('\n')}\nexport const nodes = [${refs.map((_, n) => `node${n}`).join(', ')}];\n`,
    );
  }
}

/** Wall time of `loom nodes --json` (process start to exit) with the plugins folder `pluginsDir`. */
async function timeNodesCommand(pluginsDir: string): Promise<{ ms: number; nodes: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [LOOM_BIN, 'nodes', '--json'], {
    env: { ...process.env, LOOM_PLUGINS_DIR: pluginsDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`loom nodes exited with ${code}`);
  return { ms: performance.now() - started, nodes: (JSON.parse(output) as unknown[]).length };
}

/** Resolves with the next stderr line of `child` matching `pattern`. */
function nextLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    const onExit = () => reject(new Error('loom start exited'));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (!pattern.test(line)) return;
      lines.close();
      child.off('exit', onExit);
      resolve(line);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * `pnpm bench plugins`: what plugins cost. The wall time of `loom nodes` (a whole CLI process: start,
 * discovery, import, hashing) with the built-ins alone and with 20 plugins of 5 nodes each; and how
 * long `loom start --dev` takes from saving a plugin's helper module to having replaced its registry
 * (the designer follows within one server-sent event), median of 7 saves.
 */
export async function benchPlugins(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-plugins-'));
  let server: ChildProcess | undefined;
  try {
    const empty = join(dir, 'empty');
    const many = join(dir, 'many');
    await mkdir(empty);
    await writePlugins(many, PLUGINS);
    await timeNodesCommand(empty); // warm the file-system cache and tsx's
    const builtins = await timeNodesCommand(empty);
    const withPlugins = await timeNodesCommand(many);

    const project = join(dir, 'project');
    await writePlugins(join(project, 'plugins'), 1);
    server = spawn(process.execPath, [LOOM_BIN, 'start', '--dev', '--port', '0'], {
      cwd: project,
      env: { ...process.env, LOOM_HOME: join(project, '.loom'), LOOM_DATA_ROOTS: project, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await nextLine(server, /dev mode: watching/);
    const reloads: number[] = [];
    for (let i = 1; i <= RELOADS; i++) {
      const reloaded = nextLine(server, /plugins reloaded|plugins not reloaded/);
      const saved = performance.now();
      await writeFile(
        join(project, 'plugins', 'bench-plugin-0', 'src', 'greeting.ts'),
        `export const greeting = 'hello ${i}';\n`,
      );
      const line = await reloaded;
      if (!line.includes('plugins reloaded')) throw new Error(`reload ${i} failed: ${line}`);
      reloads.push(performance.now() - saved);
    }
    const reloadMs = median(reloads);
    return {
      title: `plugin discovery and loading, and the dev loop's reload`,
      rows: [
        ['measure', 'ms', 'node types'],
        ['loom nodes, built-ins only', String(round(builtins.ms, 0)), String(builtins.nodes)],
        [
          `loom nodes, + ${PLUGINS} plugins × ${NODES_PER_PLUGIN} nodes`,
          String(round(withPlugins.ms, 0)),
          String(withPlugins.nodes),
        ],
        [`loom start --dev: save → reloaded (median of ${RELOADS})`, String(round(reloadMs, 0)), ''],
      ],
      figures: {
        nodesCommandBuiltinsMs: round(builtins.ms, 0),
        nodesCommandWithPluginsMs: round(withPlugins.ms, 0),
        pluginNodes: withPlugins.nodes - builtins.nodes,
        devReloadMedianMs: round(reloadMs, 0),
        devReloadMaxMs: round(Math.max(...reloads), 0),
      },
    };
  } finally {
    server?.kill('SIGTERM');
    if (server !== undefined && server.exitCode === null) await new Promise((resolve) => server?.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
