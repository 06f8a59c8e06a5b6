/**
 * Fails when imports form a cycle or break the package layering (see .dependency-cruiser.cjs), and
 * when workspace package.json dependencies form a cycle between packages.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function workspacePackages(): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const packageDirs: string[] = ['server', 'designer', 'bench', 'e2e'];
  for (const group of ['packages', 'nodes', 'apps']) {
    try {
      packageDirs.push(...readdirSync(join(root, group)).map((dir) => join(group, dir)));
    } catch {}
  }
  for (const dir of packageDirs) {
    let manifest: { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const deps = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([, range]) => range.startsWith('workspace:'))
      .map(([name]) => name);
    packages.set(manifest.name, deps);
  }
  return packages;
}

function findPackageCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dep of graph.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of graph.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

const cycle = findPackageCycle(workspacePackages());
if (cycle) {
  console.error(`workspace packages depend on each other in a cycle: ${cycle.join(' → ')}`);
  process.exit(1);
}

try {
  execFileSync(
    join(root, 'node_modules/.bin/depcruise'),
    [
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err',
      'packages',
      'nodes',
      'server',
      'scripts',
      'bench',
      'examples/plugins',
    ],
    { cwd: root, stdio: 'inherit' },
  );
} catch {
  process.exit(1);
}
console.log('no import cycles; package layering holds');
