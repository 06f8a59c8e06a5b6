import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary folder to write plugin packages into. */
export class PluginFolders {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  static async create(): Promise<PluginFolders> {
    return new PluginFolders(await mkdtemp(join(tmpdir(), 'loom-plugins-')));
  }

  /** Writes `files` (path → contents; objects as JSON) under `dir`, returning its absolute path. */
  async write(dir: string, files: Record<string, string | object>): Promise<string> {
    const base = join(this.root, dir);
    for (const [path, contents] of Object.entries(files)) {
      const file = join(base, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, typeof contents === 'string' ? contents : JSON.stringify(contents, null, 2));
    }
    return base;
  }

  remove(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

/** A package.json of a valid plugin providing `nodes`. */
export function pluginManifest(name: string, nodes: string[], extra: Record<string, unknown> = {}): object {
  return {
    name,
    version: '1.0.0',
    type: 'module',
    loom: { apiVersion: 1, entry: './src/index.ts', nodes },
    peerDependencies: { '@loom/sdk': '^0.1.0' },
    ...extra,
  };
}

/** An entry module defining one text-output node per `type@version`. */
export function pluginEntry(refs: string[], output = 'hello'): string {
  const definitions = refs.map((ref, index) => {
    const [type, version] = ref.split('@');
    return `export const node${index} = defineNode({
  type: '${type}', version: '${version}', title: 'Node ${index}', description: 'A test node.', category: 'testing',
  outputs: { text: output('text') },
  async run() { return { text: '${output}' }; },
});`;
  });
  return `import { defineNode, output } from '@loom/sdk';\n${definitions.join('\n')}\nexport const nodes = [${refs.map((_, i) => `node${i}`).join(', ')}];\n`;
}
