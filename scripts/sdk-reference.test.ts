import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectExports, type ReferenceLayout, sdkReference } from './sdk-reference.ts';

const root = join(import.meta.dirname, '..');
const sdkDir = join(root, 'packages', 'sdk');
const docsDir = join(root, 'docs');
const generated = sdkReference(sdkDir, docsDir);

/** The markdown under one `##` or `###` heading, up to the next heading of that level or above. */
function under(heading: string): string {
  const start = generated.indexOf(`\n${heading}\n`);
  expect(start, `no heading ${heading}`).toBeGreaterThan(-1);
  const level = heading.split(' ')[0] ?? '';
  const rest = generated.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{2,${level.length}} `));
  return next === -1 ? rest : rest.slice(0, next);
}

describe('docs/sdk-reference.md', () => {
  it('is what the SDK says now', () => {
    const committed = readFileSync(join(docsDir, 'sdk-reference.md'), 'utf8');
    expect(committed, 'docs/sdk-reference.md is out of date: run `pnpm docs:sdk` and commit the result').toBe(
      generated,
    );
  });

  it('lists every export of both entry points exactly once', () => {
    const names = collectExports(sdkDir).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['defineNode', 'runNode', 'NodeError', 'Type']));
    for (const name of names) {
      expect(generated.split(`\n### \`${name}\`\n`).length - 1, name).toBe(1);
    }
  });

  it("shows defineNode's signature, what it throws and its example", () => {
    const entry = under('### `defineNode`');
    expect(entry).toContain("`import { defineNode } from '@loom/sdk'`");
    expect(entry).toContain('>(definition: NodeDefinitionInput<P, I, O>): NodeDefinition<P, I, O>');
    expect(entry).toContain('**Throws** when `type` is not dotted lower-case words');
    expect(entry).toContain("**Example**\n\n```ts\nexport const readJson = defineNode({\n  type: 'core.read_json',");
  });

  it('shows each interface member with its type, optional marker, description and default', () => {
    expect(under('### `ResourceNeeds`')).toContain('- `memoryMb?: number` — Memory in MiB. **Default:** `512`');
    expect(under('### `ResourceNeeds`')).toContain(
      "**Default:** `'gpu'` when the GPU count (`gpu` or `gpu.count`) is above 0, else `'cpu'`",
    );
    expect(under('### `RetryPolicy`')).toContain('- `retries: number` — Attempts after the first. **Default:** `0`');
  });

  it('links {@link} references to the entries they name', () => {
    expect(under('### `NodeDefinitionInput`')).toContain('see [`ParameterMigration`](#parametermigration)');
  });

  it('puts the test harness under Testing, imported from @loom/sdk/testing', () => {
    const testing = under('## Testing');
    expect(testing).toContain('### `runNode`');
    expect(testing).toContain("`import { runNode } from '@loom/sdk/testing'`");
    expect(testing).toContain('### `RunNodeOptions`');
  });

  it('lists the built-in port types as a table', () => {
    const entry = under('### `BUILTIN_PORT_TYPES`');
    expect(entry).toContain('| name | description | storage | extends |');
    expect(entry).toContain('| `any` | Accepts a value of any type (inputs only). | abstract | — |');
    expect(entry).toContain('| `table` | Columnar data (Parquet). | file | file |');
  });

  it('orders the sections for a plugin author, with Loom-internal exports last', () => {
    const sections = [...generated.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(sections).toEqual([
      'Contents',
      'Defining nodes',
      'Ports and port types',
      'Parameters',
      'The step context',
      'Errors',
      'Testing',
      'For Loom itself',
    ]);
  });
});

describe('the generator', () => {
  let packageDir = '';
  beforeAll(() => {
    packageDir = mkdtempSync(join(tmpdir(), 'loom-sdk-reference-'));
    mkdirSync(join(packageDir, 'src'));
    writeFileSync(
      join(packageDir, 'package.json'),
      JSON.stringify({ name: '@acme/kit', exports: { '.': './src/index.ts' } }),
    );
    writeFileSync(
      join(packageDir, 'src', 'index.ts'),
      [
        '/** Placed by the layout. */',
        'export function placed(): void {}',
        '/** Placed by nobody. */',
        'export const stray = 1;',
        '/** Written on one line no formatter has seen. */',
        'export function configure(options: { alpha: string; beta: number; gamma: boolean; delta: string[]; epsilon: Record<string, number> }): void {}',
        '/** A class with members of every visibility. */',
        'export class Widget {',
        '  #secret = 1;',
        '  private hidden = 2;',
        '  /** Says hello. */',
        '  greet(name: string): string {',
        '    return name;',
        '  }',
        '  /** Too long for one line of a list. */',
        '  settings: { first: string; second: number; third: boolean; fourth: string[]; fifth: number[]; sixth: boolean[] } = {',
        "    first: '', second: 0, third: false, fourth: [], fifth: [], sixth: [],",
        '  };',
        '}',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(packageDir, { recursive: true, force: true }));
  const layout = (names: string[]): ReferenceLayout => ({
    sections: [
      { title: 'First', intro: '', names },
      { title: 'Rest', intro: '', names: [] },
    ],
    tables: {},
  });

  it('lists exports no section places in the last one, so nothing is left out', () => {
    const markdown = sdkReference(packageDir, packageDir, layout(['placed']));
    expect(markdown.indexOf('## Rest')).toBeLessThan(markdown.indexOf('### `stray`'));
    expect(markdown).toContain("*const* · `import { stray } from '@acme/kit'`");
  });

  it('shows public class members only, and long member types as code blocks', () => {
    const markdown = sdkReference(packageDir, packageDir, layout(['placed']));
    expect(markdown).toContain('- `greet(name: string): string` — Says hello.');
    expect(markdown).not.toMatch(/secret|hidden/);
    expect(markdown).toContain(
      '- `settings` — Too long for one line of a list.\n\n  ```ts\n  settings: { first: string; second: number; third: boolean; fourth: string[]; fifth: number[]; sixth: boolean[] }\n  ```',
    );
  });

  it('spreads a declaration with a line too long to read over several lines', () => {
    const markdown = sdkReference(packageDir, packageDir, layout(['placed']));
    expect(markdown).toContain(
      [
        '```ts',
        'function configure(options: {',
        '  alpha: string;',
        '  beta: number;',
        '  gamma: boolean;',
        '  delta: string[];',
        '  epsilon: Record<string, number>;',
        '}): void',
        '```',
      ].join('\n'),
    );
  });

  it('refuses a layout that places a name the package does not export', () => {
    expect(() => sdkReference(packageDir, packageDir, layout(['placed', 'gone']))).toThrow(
      'the reference layout places gone, which the package does not export',
    );
  });
});
