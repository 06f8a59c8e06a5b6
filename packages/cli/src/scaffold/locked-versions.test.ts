import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockedClosure, loomLockedClosure } from './locked-versions.ts';
import { PLUGIN_DEV_TOOLS } from './package-files.ts';

/** A pnpm 9-format lockfile after pnpm's own document, as pnpm 12 writes it. */
const LOCKFILE = `---
lockfileVersion: '9.0'
importers:
  .:
    packageManagerDependencies:
      pnpm: { specifier: 12.4.2, version: 12.4.2 }
---
lockfileVersion: '9.0'
importers:
  .:
    devDependencies:
      vitest:
        specifier: 4.1.12
        version: 4.1.12(@types/node@20.19.43)
      typescript:
        specifier: 6.0.2
        version: 6.0.2
  packages/a:
    dependencies:
      left-pad: { specifier: 1.3.0, version: 1.3.0 }
snapshots:
  vitest@4.1.12(@types/node@20.19.43):
    dependencies:
      tinyexec: 1.3.1
      '@vitest/expect': 4.1.12
      '@types/node': 20.19.43
    optionalDependencies:
      fsevents: 2.3.3
  tinyexec@1.3.1: {}
  '@vitest/expect@4.1.12':
    dependencies:
      tinyexec: 1.3.1
      chai: 6.0.0
  chai@6.0.0: {}
  '@types/node@20.19.43':
    dependencies:
      chai: 5.0.0
  chai@5.0.0: {}
  fsevents@2.3.3: {}
  typescript@6.0.2: {}
`;

describe('lockedClosure', () => {
  it('pins every package the tools need, to the versions the lockfile holds', () => {
    expect(lockedClosure(LOCKFILE, { vitest: '4.1.12' })).toEqual({
      '@types/node': '20.19.43',
      '@vitest/expect': '4.1.12',
      fsevents: '2.3.3',
      tinyexec: '1.3.1',
      vitest: '4.1.12',
    });
  });

  it('leaves out a tool locked at another version, and a package needed at two versions', () => {
    const closure = lockedClosure(LOCKFILE, { vitest: '4.1.12', typescript: '6.0.3' });
    expect(closure).not.toHaveProperty('typescript');
    expect(closure).not.toHaveProperty('chai'); // 5.0.0 and 6.0.0
  });

  it('is empty for a lockfile without the tools', () => {
    expect(lockedClosure(LOCKFILE, { eslint: '9.0.0' })).toEqual({});
    expect(lockedClosure('', { vitest: '4.1.12' })).toEqual({});
  });
});

describe('loomLockedClosure', () => {
  it("reads Loom's own lockfile: the plugin tools and what they need, at the versions installed here", async () => {
    const closure = await loomLockedClosure(PLUGIN_DEV_TOOLS);
    expect(closure).toMatchObject(PLUGIN_DEV_TOOLS);
    const lockfile = await readFile(fileURLToPath(new URL('../../../../pnpm-lock.yaml', import.meta.url)), 'utf8');
    for (const [name, version] of Object.entries(closure ?? {})) {
      expect(lockfile, `${name}@${version}`).toContain(`${name}@${version}`);
    }
    expect(Object.keys(closure ?? {}).length).toBeGreaterThan(20);
  });
});
