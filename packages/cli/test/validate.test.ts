import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, loomWithHome as loom, loom as loomWithEnv } from './loom-process.ts';

const EXAMPLE = join(EXAMPLES, 'model-report', 'pipeline.loom.json');

interface PublicDiagnostic {
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  path?: string;
}

/** Parses `validate --json` output and checks it is exactly `{ ok, diagnostics: [{ code, message, nodeId?, edgeId?, path? }] }`. */
function parseReport(stdout: string): { ok: boolean; diagnostics: PublicDiagnostic[] } {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  expect(Object.keys(report).sort()).toEqual(['diagnostics', 'ok']);
  expect(typeof report.ok).toBe('boolean');
  expect(Array.isArray(report.diagnostics)).toBe(true);
  for (const diagnostic of report.diagnostics as Array<Record<string, unknown>>) {
    expect(typeof diagnostic.code).toBe('string');
    expect(typeof diagnostic.message).toBe('string');
    for (const [key, value] of Object.entries(diagnostic)) {
      expect(['code', 'message', 'nodeId', 'edgeId', 'path']).toContain(key);
      expect(typeof value).toBe('string');
    }
  }
  return report as unknown as { ok: boolean; diagnostics: PublicDiagnostic[] };
}

const STACK_FRAME = /^\s+at .+[(:]/m;

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-validate-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('loom validate', () => {
  it('accepts every example document, in text and as JSON', async () => {
    const documents = (await readdir(EXAMPLES, { recursive: true }))
      .filter((file) => file.endsWith('.loom.json'))
      .map((file) => join(EXAMPLES, file));
    expect(documents).toContain(EXAMPLE);
    // With the example plugins (examples/plugins), whose pipelines use their nodes.
    const env = { LOOM_HOME: join(work, 'home'), LOOM_PLUGINS_DIR: join(EXAMPLES, 'plugins') };
    const results = await Promise.all(documents.map((file) => loomWithEnv(['validate', file], work, env)));
    for (const [i, result] of results.entries()) {
      expect(result, documents[i]).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`${documents[i]} is valid`);
    }

    const json = await loom(['validate', EXAMPLE, '--json'], work);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(parseReport(json.stdout)).toEqual({ ok: true, diagnostics: [] });
  });

  it('reports broken JSON with its line and column, without a stack trace', async () => {
    const file = join(work, 'broken.loom.json');
    // The comma after `"formatVersion": 2` is missing: the parser stops at line 4, column 3.
    await writeFile(
      file,
      '{\n  "format": "loom.pipeline",\n  "formatVersion": 2\n  "name": "broken",\n  "nodes": [],\n  "edges": []\n}\n',
    );

    const [text, json, run] = await Promise.all([
      loom(['validate', 'broken.loom.json'], work),
      loom(['validate', 'broken.loom.json', '--json'], work),
      loom(['run', 'broken.loom.json'], work),
    ]);

    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('broken.loom.json: 1 problem');
    expect(text.stderr).toContain('line 4, column 3');
    expect(text.stderr).toContain('[document.invalid-json]');
    expect(text.stderr).not.toMatch(STACK_FRAME);

    expect(json.code).toBe(1);
    const report = parseReport(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ code: 'document.invalid-json', path: '' });
    expect(report.diagnostics[0]?.message).toMatch(/^invalid JSON: line 4, column 3: /);

    // `run` refuses it the same way, before touching any state.
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 4, column 3');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(await readdir(work)).not.toContain('home');
  });

  it('reports every shape problem, each with its path', async () => {
    const file = join(FIXTURES, 'wrong-shape.loom.json');
    const [text, json] = await Promise.all([loom(['validate', file], work), loom(['validate', file, '--json'], work)]);

    expect(json.code).toBe(1);
    const report = parseReport(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([
      { code: 'document.schema', message: 'missing required property "name"', path: '/name' },
      { code: 'document.schema', message: 'unknown property "colour"', path: '/colour' },
      {
        code: 'document.schema',
        message: 'unknown property "position"',
        nodeId: 'report',
        path: '/nodes/0/position',
      },
      { code: 'document.schema', message: 'missing required property "to"', path: '/edges/0/to' },
    ]);

    expect(text.code).toBe(1);
    expect(text.stderr).toContain('wrong-shape.loom.json: 4 problems');
    for (const path of ['/name', '/colour', '/nodes/0/position', '/edges/0/to']) {
      expect(text.stderr).toContain(`at ${path}:`);
    }
  });

  it('reports each cycle as graph.cycle, naming every node in it', async () => {
    const result = await loom(['validate', join(FIXTURES, 'cycle.loom.json'), '--json'], work);
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.ok).toBe(false);
    const cycles = report.diagnostics.filter((d) => d.code === 'graph.cycle');
    expect(cycles).toHaveLength(2);
    expect(report.diagnostics).toHaveLength(2);

    // A simple cycle is shown in edge order, back to where it started.
    expect(cycles[0]).toMatchObject({ nodeId: 'merge_in', path: '/nodes/2' });
    expect(cycles[0]?.message).toContain('"merge_in" → "gate" → "merge_out" → "merge_in"');
    // A knot of several cycles lists all its members.
    expect(cycles[1]).toMatchObject({ nodeId: 'x', path: '/nodes/5' });
    for (const id of ['x', 'y', 'z']) expect(cycles[1]?.message).toContain(`"${id}"`);
    // Nodes that feed a cycle are not part of it.
    for (const cycle of cycles) {
      expect(cycle.message).not.toContain('"source"');
      expect(cycle.message).not.toContain('"to_metrics"');
    }
  });

  it('reports unknown node types and versions, and nothing spurious about their neighbours', async () => {
    const result = await loom(['validate', join(FIXTURES, 'unknown-node.loom.json'), '--json'], work);
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'node.unknown-type',
          message: 'unknown node type "acme.train_forest"; is the plugin that provides it installed?',
          nodeId: 'forest',
          path: '/nodes/0/type',
        },
        {
          code: 'node.unknown-version',
          message: 'core.read_json has no version 9.9.9; installed: 1.0.0',
          nodeId: 'report',
          path: '/nodes/1/version',
        },
      ],
    });
  });

  it('reports every bad node parameter with its node and path', async () => {
    const result = await loom(['validate', join(FIXTURES, 'bad-params.loom.json'), '--json'], work);
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map(({ code, nodeId, path }) => ({ code, nodeId, path }))).toEqual([
      { code: 'param.unknown', nodeId: 'report', path: '/nodes/0/params/pth' },
      { code: 'param.invalid', nodeId: 'report', path: '/nodes/0/params/path' },
      { code: 'param.invalid', nodeId: 'metrics', path: '/nodes/1/params/fields/accuracy' },
      { code: 'param.invalid', nodeId: 'gate', path: '/nodes/2/params/rules' },
    ]);
    const [unknown, missing, pattern, rules] = report.diagnostics;
    expect(unknown?.message).toBe('core.read_json@1.0.0 has no parameter "pth"; its parameters are path, lines');
    expect(missing?.message).toBe('parameter "path" is required by core.read_json@1.0.0');
    expect(pattern?.message).toContain('"evaluation/accuracy"');
    expect(rules?.message).toContain('"rules"');
  });

  it('reports a bad value and an undefined parameter reference in one pass', async () => {
    const iris = JSON.parse(await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 'utf8')) as {
      nodes: Array<{ id: string; params: Record<string, unknown> }>;
    };
    const split = iris.nodes.find((node) => node.id === 'split') as { params: Record<string, unknown> };
    split.params.fraction = 1.5;
    split.params.seed = { $param: 'undefined_seed' };
    // The copy lies elsewhere: it names the example's data where it is.
    (iris.nodes[0] as { params: Record<string, unknown> }).params.path = join(
      EXAMPLES,
      'iris-classification',
      'iris.csv',
    );
    const file = join(work, 'two-problems.loom.json');
    await writeFile(file, JSON.stringify(iris));
    const result = await loom(['validate', file, '--json'], work);
    expect(result.code).toBe(1);
    expect(parseReport(result.stdout).diagnostics.map(({ code, path }) => `${code} ${path}`)).toEqual([
      'param.unknown-reference /nodes/1/params/seed',
      'param.invalid /nodes/1/params/fraction',
    ]);
  });

  it('reports a file a node reads that is not there, with the files of that name it may have meant', async () => {
    const folder = join(work, 'moved');
    await mkdir(join(folder, 'data'), { recursive: true });
    await writeFile(
      join(folder, 'data', 'iris.csv'),
      await readFile(join(EXAMPLES, 'iris-classification', 'iris.csv')),
    );
    const file = join(folder, 'pipeline.loom.json');
    await writeFile(file, await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json')));
    const result = await loom(['validate', file, '--json'], work);
    expect(result.code).toBe(1);
    expect(parseReport(result.stdout).diagnostics).toEqual([
      {
        code: 'data.file-missing',
        nodeId: 'iris',
        path: '/nodes/0/params/path',
        message: `path "iris.csv" of node "iris" names no file: looked for ${join(folder, 'iris.csv')}; did you mean "${join('data', 'iris.csv')}"?`,
      },
    ]);
    // Found through LOOM_DATA_ROOTS, as `loom run` finds it.
    const withRoots = await loomWithEnv(['validate', file], work, {
      LOOM_HOME: join(work, 'home'),
      LOOM_DATA_ROOTS: join(folder, 'data'),
    });
    expect(withRoots).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses normalising before the split (data leakage), naming the fix, before anything runs', async () => {
    const file = join(FIXTURES, 'normalize-before-split.loom.json');
    const result = await loom(['validate', file, '--json'], work);
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.diagnostics).toEqual([
      {
        code: 'data.leakage',
        nodeId: 'normalize',
        path: '/nodes/2',
        message: expect.stringContaining(
          '"normalize" (transform.normalize) is fitted on every row, including the rows that "split" then holds out as "test" for "validate" to score',
        ),
      },
    ]);
    expect(report.diagnostics[0]?.message).toContain(
      'Move the split before "normalize": feed "split" from "iris" (what "normalize" reads now), and "normalize" from "split"\'s "train" output',
    );
    const run = await loom(['run', file], work);
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain('data leakage');
  });

  it("accepts canvas notes, and refuses a note that takes a node's id", async () => {
    const example = JSON.parse(await readFile(EXAMPLE, 'utf8')) as {
      nodes: Array<{ id: string; params: { path?: unknown } }>;
    };
    const note = {
      text: 'Why the gate is set where it is.',
      position: { x: 0, y: -80 },
      size: { width: 200, height: 60 },
    };
    for (const node of example.nodes)
      if (typeof node.params.path === 'string') node.params.path = join(EXAMPLES, 'model-report', node.params.path);
    const withNotes = join(work, 'notes.loom.json');
    await writeFile(withNotes, JSON.stringify({ ...example, notes: [{ id: 'why', ...note, color: '#fde68a' }] }));
    const clash = join(work, 'clash.loom.json');
    const nodeId = example.nodes[0]?.id as string;
    await writeFile(clash, JSON.stringify({ ...example, notes: [{ id: nodeId, ...note }] }));

    const [valid, refused] = await Promise.all([
      loom(['validate', withNotes], work),
      loom(['validate', clash, '--json'], work),
    ]);
    expect(valid).toMatchObject({ code: 0, stderr: '' });
    expect(valid.stdout).toContain(`${withNotes} is valid`);
    expect(refused.code).toBe(1);
    expect(parseReport(refused.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'note.id-taken-by-node', path: '/notes/0/id' }),
    ]);
  });

  it('refuses a document written by a newer Loom', async () => {
    const [text, json] = await Promise.all([
      loom(['validate', join(FIXTURES, 'newer-format.loom.json')], work),
      loom(['validate', join(FIXTURES, 'newer-format.loom.json'), '--json'], work),
    ]);
    expect(json.code).toBe(1);
    const report = parseReport(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ code: 'document.newer-format', path: '/formatVersion' });
    expect(report.diagnostics[0]?.message).toContain('format version 3');
    expect(report.diagnostics[0]?.message).toContain('Upgrade Loom');

    expect(text.code).toBe(1);
    expect(text.stderr).toContain('newer Loom');
  });

  it('says clearly when the file is missing or is a directory, without a stack trace', async () => {
    await mkdir(join(work, 'a-folder.loom.json'), { recursive: true });
    const [missing, missingJson, folder] = await Promise.all([
      loom(['validate', 'no-such-pipeline.loom.json'], work),
      loom(['validate', 'no-such-pipeline.loom.json', '--json'], work),
      loom(['validate', 'a-folder.loom.json'], work),
    ]);
    for (const result of [missing, missingJson]) {
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe('error: no-such-pipeline.loom.json: no such file');
    }
    expect(folder.code).not.toBe(0);
    expect(folder.stderr).toContain('a-folder.loom.json: is a directory');
    for (const result of [missing, missingJson, folder]) {
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).not.toContain('internal error');
    }
  });
});

describe('pnpm loom', () => {
  it('takes file arguments from the directory the command was typed in', async () => {
    const cwd = join(EXAMPLES, 'model-report');
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'pnpm',
        ['loom', 'validate', 'pipeline.loom.json', '--json'],
        { cwd, timeout: 30_000 },
        (error, stdout) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout });
        },
      );
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.slice(result.stdout.indexOf('{')))).toEqual({ ok: true, diagnostics: [] });
  });
});
