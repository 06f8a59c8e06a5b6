// End-to-end tests of `loom format`: each one runs the real `bin/loom.js` in a child process.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, loomWithHome as loom } from './loom-process.ts';

const EXAMPLE = join(EXAMPLES, 'model-report', 'pipeline.loom.json');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-format-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same document with every object's keys in reverse order and no indentation. */
function scrambled(text: string): string {
  const reverse = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverse);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverse(v)]),
    );
  };
  return JSON.stringify(reverse(JSON.parse(text)));
}

describe('loom format', () => {
  it('finds every example already canonical', async () => {
    const examples = (await readdir(EXAMPLES, { recursive: true }))
      .filter((f) => f.endsWith('.loom.json'))
      .map((f) => join(EXAMPLES, f));
    expect(examples.length).toBeGreaterThan(0);
    const result = await loom(['format', '--check', ...examples], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('reports a scrambled document with --check, then rewrites it byte for byte canonical', async () => {
    const canonical = await readFile(EXAMPLE, 'utf8');
    const file = join(dir, 'scrambled.loom.json');
    await writeFile(file, scrambled(canonical));

    const check = await loom(['format', '--check', file], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`would reformat ${file}`);
    expect(await readFile(file, 'utf8')).toBe(scrambled(canonical));

    const format = await loom(['format', file], dir);
    expect(format.code).toBe(0);
    expect(format.stdout).toContain(`formatted ${file}`);
    expect(await readFile(file, 'utf8')).toBe(canonical);
    expect(await readdir(dir)).toEqual(['scrambled.loom.json']); // no temporary file left beside it
  });

  it('rewrites a format version 1 document as version 2, changing nothing else', async () => {
    const canonical = await readFile(EXAMPLE, 'utf8');
    expect(canonical).toContain('\n  "formatVersion": 2,\n');
    const file = join(dir, 'version-1.loom.json');
    const versionOne = canonical.replace('\n  "formatVersion": 2,\n', '\n  "formatVersion": 1,\n');
    await writeFile(file, versionOne);

    const check = await loom(['format', '--check', file], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`would reformat ${file}`);
    expect(await readFile(file, 'utf8')).toBe(versionOne);

    const format = await loom(['format', file], dir);
    expect(format.code).toBe(0);
    expect(format.stdout).toContain(`formatted ${file} (format version 1 → 2)`);
    expect(await readFile(file, 'utf8')).toBe(canonical);
    await rm(file);
  });

  it('keeps canvas notes, in canonical order after the edges', async () => {
    const canonical = await readFile(EXAMPLE, 'utf8');
    const note = {
      color: '#fde68a',
      size: { height: 60, width: 200 },
      position: { y: -80, x: 0 },
      text: 'Why.',
      id: 'why',
    };
    const file = join(dir, 'notes.loom.json');
    await writeFile(file, JSON.stringify({ notes: [note], ...JSON.parse(canonical) }));

    const format = await loom(['format', file], dir);
    expect(format.code).toBe(0);
    const written = await readFile(file, 'utf8');
    expect(Object.keys(JSON.parse(written)).at(-1)).toBe('notes');
    expect(
      written.endsWith(
        '  "notes": [\n    {\n      "id": "why",\n      "text": "Why.",\n      "position": {\n        "x": 0,\n        "y": -80\n      },\n' +
          '      "size": {\n        "width": 200,\n        "height": 60\n      },\n      "color": "#fde68a"\n    }\n  ]\n}\n',
      ),
    ).toBe(true);
    expect(written.startsWith(canonical.slice(0, canonical.lastIndexOf('\n}')))).toBe(true);
    await rm(file);
  });

  it('leaves an invalid document untouched and says why', async () => {
    const file = join(dir, 'broken.loom.json');
    const text = '{ "format": "loom.pipeline", "formatVersion": 2, "nodes": [], "edges": [] }';
    await writeFile(file, text);
    const result = await loom(['format', file], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing required property "name"');
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
