import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confinePath } from './path-confinement.ts';

describe('confinePath', () => {
  let dir: string;
  let root: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-confine-'));
    root = join(dir, 'data');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'sub', 'a.csv'), 'x\n1\n');
    await writeFile(join(dir, 'secret.txt'), 'no');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('resolves relative paths against the base folder and lets paths inside a root through', () => {
    expect(confinePath(root, [root], 'sub/a.csv')).toBe(join(root, 'sub', 'a.csv'));
    expect(confinePath(root, [root], join(root, 'sub'))).toBe(join(root, 'sub'));
    expect(confinePath(root, [root], 'not-yet/written.csv')).toBe(join(root, 'not-yet', 'written.csv'));
  });

  it('refuses paths that climb out, absolute paths elsewhere, and links that lead out', async () => {
    await symlink(join(dir, 'secret.txt'), join(root, 'link.txt'));
    for (const path of ['../secret.txt', join(dir, 'secret.txt'), '/etc/passwd', 'link.txt', 'sub/../../secret.txt']) {
      expect(() => confinePath(root, [root], path), path).toThrow(NodeError);
    }
    expect(() => confinePath(root, [root], '../secret.txt')).toThrow(/outside the data folders.*LOOM_DATA_ROOTS/);
  });

  it('accepts any of several roots, and a root that is itself a link', async () => {
    const other = join(dir, 'other');
    await mkdir(other);
    await symlink(other, join(dir, 'linked-root'));
    expect(confinePath(root, [root, join(dir, 'linked-root')], join(other, 'b.csv'))).toBe(join(other, 'b.csv'));
    expect(() => confinePath(root, [root], join(`${root}-sibling`, 'x'))).toThrow(NodeError);
  });
});
