import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageNameForFolder, packageNameProblem, typePrefixFor, typePrefixProblem } from './plugin-names.ts';

describe('packageNameForFolder', () => {
  it('is the folder name, scoped inside an @scope folder', () => {
    expect(packageNameForFolder(join('plugins', 'loom-text'))).toBe('loom-text');
    expect(packageNameForFolder(join('plugins', '@acme', 'loom-text'))).toBe('@acme/loom-text');
  });
});

describe('packageNameProblem', () => {
  it('accepts npm names, scoped or not', () => {
    for (const name of ['loom-text', '@acme/loom-text', 'a.b_c-1'])
      expect(packageNameProblem(name), name).toBe(undefined);
  });

  it('refuses upper case, spaces, a leading dot and over-long names', () => {
    for (const name of ['Loom', 'my nodes', '.hidden', '@acme/', `x${'y'.repeat(214)}`]) {
      expect(packageNameProblem(name), name).toBeDefined();
    }
  });
});

describe('typePrefixFor', () => {
  it('takes the scope of a scoped package', () => {
    expect(typePrefixFor('@acme/loom-text')).toBe('acme');
    expect(typePrefixFor('@my-company/whatever')).toBe('my_company');
  });

  it('takes an unscoped name without its loom affixes, in snake case', () => {
    expect(typePrefixFor('loom-plugin-images')).toBe('images');
    expect(typePrefixFor('loom-nodes-audio')).toBe('audio');
    expect(typePrefixFor('text-tools-loom')).toBe('text_tools');
    expect(typePrefixFor('my.nodes')).toBe('my_nodes');
  });

  it('gives nothing usable for a name that starts with a digit', () => {
    expect(typePrefixFor('3d-tools')).toBe(undefined);
  });
});

describe('typePrefixProblem', () => {
  it('accepts dotted lower-case words and refuses anything else', () => {
    expect(typePrefixProblem('acme')).toBe(undefined);
    expect(typePrefixProblem('acme.text_2')).toBe(undefined);
    for (const prefix of ['Acme', '9a', 'acme.', 'a-b', '']) expect(typePrefixProblem(prefix), prefix).toBeDefined();
  });
});
