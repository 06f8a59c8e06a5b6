import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCacheRecord, LocalArtifactStore, LocalStepCache } from '@loom/runtime';
import { LoomStore, type RunDefinition, type StoredRun } from '@loom/server/store';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, LOOM_BIN, loom } from './loom-process.ts';

const SERVER_PACKAGE = fileURLToPath(new URL('../../../server/package.json', import.meta.url));
const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/model-report/', import.meta.url));
const PIPELINE = 'pipeline.loom.json';
const STEP_IDS = ['candidate', 'baseline', 'candidate_metrics', 'baseline_metrics', 'gate', 'compare'];
const STACK_FRAME = /^\s+at .+[(:]/m;

interface ReportOutput {
  port: string;
  type: string;
  sha256: string;
  path: string;
}

interface ReportStep {
  id: string;
  type: string;
  version: string;
  status: string;
  cached: boolean;
  durationMs: number;
  metrics: Record<string, number>;
  outputs: ReportOutput[];
  error?: { reason: string; message: string };
  skippedBecause?: string;
}

interface RunReport {
  runId: string;
  status: string;
  steps: ReportStep[];
}

/** Parses `run --json` output: exactly one JSON object (JSON.parse rejects anything after it). */
function parseRunReport(stdout: string, stepIds: readonly string[] = STEP_IDS): RunReport {
  const report = JSON.parse(stdout) as RunReport;
  expect(report).toBeTypeOf('object');
  expect(Array.isArray(report)).toBe(false);
  expect(report.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/);
  expect(report.status).toBeTypeOf('string');
  expect(report.steps.map((step) => step.id).sort()).toEqual([...stepIds].sort());
  for (const step of report.steps) {
    expect(step).toMatchObject({
      type: expect.stringMatching(/^core\./),
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      status: expect.any(String),
      cached: expect.any(Boolean),
      durationMs: expect.any(Number),
      metrics: expect.any(Object),
      outputs: expect.any(Array),
    });
    for (const output of step.outputs) {
      expect(Object.keys(output).sort()).toEqual(['path', 'port', 'sha256', 'type']);
    }
  }
  return report;
}

function step(report: RunReport, id: string): ReportStep {
  const found = report.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step "${id}" in the report`);
  return found;
}

const sha256Of = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** Every output file exists where the report says, under the home, with the content hash it claims. */
async function expectOutputsOnDisk(report: RunReport, home: string): Promise<void> {
  for (const s of report.steps.filter((s) => s.status === 'succeeded' || s.status === 'cached')) {
    expect(s.outputs.length, s.id).toBeGreaterThan(0);
    for (const output of s.outputs) {
      expect(output.path.startsWith(home), output.path).toBe(true);
      expect(await sha256Of(output.path), `${s.id}.${output.port}`).toBe(output.sha256);
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/**
 * The step cache table of `<home>/loom.db`, opened directly to damage its records. better-sqlite3 is the
 * server's dependency, not the CLI's, so it is loaded from there.
 */
function cacheTable(home: string): CacheDatabase {
  const Database = createRequire(SERVER_PACKAGE)('better-sqlite3') as new (path: string) => CacheDatabase;
  return new Database(join(home, 'loom.db'));
}

/** The little of better-sqlite3's API these tests use. */
interface CacheDatabase {
  prepare(sql: string): { all(): Array<{ content_key: string; record: string }>; run(...params: string[]): unknown };
  close(): void;
}

/** The runs recorded in `<home>/loom.db`, the store `loom start` on the same home serves, oldest first. */
function storedRuns(home: string): Array<StoredRun & { definition: RunDefinition | undefined }> {
  const store = LoomStore.open(join(home, 'loom.db'));
  try {
    return store
      .listRuns({ limit: 500 })
      .reverse()
      .map((summary) => ({
        ...(store.getRun(summary.id) as StoredRun),
        definition: store.getRunDefinition(summary.id),
      }));
  } finally {
    store.close();
  }
}

const temps: string[] = [];

/** A fresh temp directory holding a copy of the example, and a home directory path beside it. */
async function workspace(): Promise<{ dir: string; home: string }> {
  const root = await mkdtemp(join(tmpdir(), 'loom-run-'));
  temps.push(root);
  const dir = join(root, 'project');
  await cp(EXAMPLE_DIR, dir, { recursive: true });
  return { dir, home: join(root, 'home') };
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

// Each test spawns loom several times; run side by side, they can take a while on a small machine.
describe.concurrent('loom run', { timeout: 90_000 }, () => {
  it('runs the example, reuses every result on the next run, and re-runs all with --no-cache', async ({ expect }) => {
    const { dir, home } = await workspace();

    // First run, not a terminal: one progress line per change on stderr, the summary table on stdout.
    const first = await loom(['run', PIPELINE, '--home', home], dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^run \d{8}T\d{9}Z-[0-9a-f]{6}: model-report, 6 steps$/m);
    for (const id of STEP_IDS) {
      expect(first.stderr).toContain(`▶ ${id} started`);
      expect(first.stderr).toMatch(new RegExp(`^✔ ${id} succeeded in [\\d.]+ m?s$`, 'm'));
      expect(first.stdout).toMatch(new RegExp(`^✔ ${id} +core\\.\\w+@[12]\\.0\\.0 +succeeded`, 'm'));
    }
    expect(first.stderr).toContain('gate info: the rule holds');
    expect(first.stdout).toMatch(/accuracy=0\.941 f1=0\.928/);
    expect(first.stdout).toMatch(/^run succeeded in .+ · 6 steps · \d{8}T/m);
    const firstRunId = /run (\S+): model-report/.exec(first.stderr)?.[1];
    expect(storedRuns(home).map((run) => run.id)).toEqual([firstRunId]);

    // Second run: nothing changed, so every step is cached; --json prints one object and no progress.
    const second = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    const cached = parseRunReport(second.stdout);
    expect(cached.status).toBe('succeeded');
    expect(cached.runId).not.toBe(firstRunId);
    for (const s of cached.steps) expect(s, s.id).toMatchObject({ status: 'cached', cached: true });
    expect(step(cached, 'candidate_metrics').metrics).toEqual({ accuracy: 0.941, f1: 0.928 });
    expect(step(cached, 'baseline_metrics').metrics).toEqual({ accuracy: 0.902, f1: 0.889 });
    expect(step(cached, 'compare').outputs).toEqual([
      { port: 'metrics', type: 'metrics', sha256: expect.any(String), path: expect.any(String) },
    ]);
    await expectOutputsOnDisk(cached, home);
    const compared = JSON.parse(await readFile(step(cached, 'compare').outputs[0]?.path ?? '', 'utf8'));
    // Shared names are told apart by the node each set came from.
    expect(compared).toEqual({
      'gate.accuracy': 0.941,
      'gate.f1': 0.928,
      'baseline_metrics.accuracy': 0.902,
      'baseline_metrics.f1': 0.889,
    });

    // The run record: in the home's store, as the server records its own runs, from the CLI.
    const record = storedRuns(home).find((run) => run.id === cached.runId);
    expect(record).toMatchObject({
      status: 'succeeded',
      source: 'cli',
      pipelineName: 'model-report',
      pipelineVersion: 1,
      options: { parameters: {}, noCache: false },
      definition: { pipelineVersion: 1, plan: { pipeline: 'model-report', parameters: { min_accuracy: 0.9 } } },
    });
    expect(record?.steps.map((s) => [s.id, s.status])).toEqual(cached.steps.map((s) => [s.id, 'cached']));

    // --no-cache: every step runs again and produces the very same bytes.
    const third = await loom(['run', PIPELINE, '--home', home, '--json', '--no-cache'], dir);
    expect(third.code).toBe(0);
    const rerun = parseRunReport(third.stdout);
    expect(rerun.status).toBe('succeeded');
    for (const s of rerun.steps) {
      expect(s, s.id).toMatchObject({ status: 'succeeded', cached: false });
      expect(s.outputs.map((o) => o.sha256)).toEqual(step(cached, s.id).outputs.map((o) => o.sha256));
    }
    await expectOutputsOnDisk(rerun, home);
    expect(storedRuns(home).map((run) => [run.id, run.options.noCache])).toEqual([
      [firstRunId, false],
      [cached.runId, false],
      [rerun.runId, true],
    ]);
  });

  it('fails the gate with --param min_accuracy=0.99, skips what depends on it and exits 1', async ({ expect }) => {
    const { dir, home } = await workspace();
    const json = await loom(['run', PIPELINE, '--home', home, '--json', '--param', 'min_accuracy=0.99'], dir);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const report = parseRunReport(json.stdout);
    expect(report.status).toBe('failed');
    const gate = step(report, 'gate');
    expect(gate.status).toBe('failed');
    expect(gate.error?.message).toBe('quality gate failed: accuracy = 0.941 is below the minimum 0.99');
    // The failed gate keeps the number it judged.
    expect(gate.metrics).toEqual({ accuracy: 0.941 });
    expect(step(report, 'compare')).toMatchObject({ status: 'skipped', skippedBecause: 'gate', outputs: [] });
    for (const id of ['candidate', 'baseline', 'candidate_metrics', 'baseline_metrics']) {
      expect(step(report, id).status, id).toBe('succeeded');
    }
    const record = storedRuns(home).find((run) => run.id === report.runId);
    expect(record?.status).toBe('failed');
    expect(record?.options.parameters).toEqual({ min_accuracy: 0.99 });
    expect(record?.steps.find((s) => s.id === 'gate')?.failure?.message).toBe(gate.error?.message);

    // The same run as text: the failure names metric, value and bound; upstream steps come from the cache.
    const text = await loom(['run', PIPELINE, '--home', home, '-p', 'min_accuracy=0.99'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      '✖ gate failed (error): quality gate failed: accuracy = 0.941 is below the minimum 0.99',
    );
    expect(text.stdout).toMatch(/^✖ gate +core\.metrics_gate@1\.0\.0 +failed +[\d.]+ m?s +accuracy=0\.941$/m);
    expect(text.stdout).toContain(
      '✖ gate failed (error): quality gate failed: accuracy = 0.941 is below the minimum 0.99\n  its metrics: accuracy=0.941\n',
    );
    expect(text.stdout).toMatch(/^⊘ compare +core\.merge_metrics@2\.0\.0 +skipped/m);
    expect(text.stdout).toMatch(/^run failed in .+ · 6 steps, 4 cached · /m);
    expect(text.stderr).toContain('✖ gate failed: quality gate failed: accuracy = 0.941 is below the minimum 0.99');
    expect(text.stderr).toContain('⊘ compare skipped: gate did not succeed');
    expect(text.stderr).not.toMatch(STACK_FRAME);

    // Bounds are inclusive: exactly the candidate's accuracy passes.
    const edge = await loom(['run', PIPELINE, '--home', home, '--json', '--param', 'min_accuracy=0.941'], dir);
    expect(edge.code).toBe(0);
    expect(step(parseRunReport(edge.stdout), 'compare').status).toBe('succeeded');
  });

  it('rejects bad --param and --concurrency values with exit 2 before running anything', async ({ expect }) => {
    const { dir, home } = await workspace();
    const cases: Array<[string[], string]> = [
      [
        ['--param', 'min_acc=0.5'],
        'error: --param min_acc: the pipeline has no parameter "min_acc"; its parameters are min_accuracy',
      ],
      [['--param', 'min_accuracy=high'], 'error: --param min_accuracy: expected a number, got "high"'],
      [['--param', 'min_accuracy='], 'error: --param min_accuracy: expected a number, got ""'],
      [['--param', 'min_accuracy'], 'error: --param min_accuracy: expected name=value'],
      [['--concurrency', '0'], 'error: --concurrency 0: expected a whole number of at least 1'],
    ];
    const results = await Promise.all(cases.map(([flags]) => loom(['run', PIPELINE, '--home', home, ...flags], dir)));
    for (const [i, result] of results.entries()) {
      const [flags, message] = cases[i] as [string[], string];
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(message);
    }
    expect(await listFiles(home)).toEqual([]);
  });

  it('names a missing input file, exits 1 without a stack trace, and runs again once it is back', async ({
    expect,
  }) => {
    const { dir, home } = await workspace();
    await rm(join(dir, 'candidate.json'));

    const failed = await loom(['run', PIPELINE, '--home', home], dir);
    expect(failed.code).toBe(1);
    const expected = `file not found: candidate.json (${join(dir, 'candidate.json')})`;
    expect(failed.stdout).toContain(`✖ candidate failed (error): ${expected}`);
    expect(failed.stderr).toContain(`✖ candidate failed: ${expected}`);
    for (const id of ['candidate_metrics', 'gate', 'compare']) {
      expect(failed.stdout).toMatch(new RegExp(`^⊘ ${id} .* skipped`, 'm'));
    }
    expect(failed.stdout).toMatch(/^✔ baseline_metrics .* succeeded/m);
    for (const output of [failed.stdout, failed.stderr]) {
      expect(output).not.toMatch(STACK_FRAME);
      expect(output).not.toContain('internal error');
    }

    // Restored, the next run succeeds: the failure left nothing behind that a later run trips on.
    await cp(join(EXAMPLE_DIR, 'candidate.json'), join(dir, 'candidate.json'));
    const restored = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(restored.code).toBe(0);
    const report = parseRunReport(restored.stdout);
    expect(report.status).toBe('succeeded');
    for (const id of ['candidate', 'candidate_metrics', 'gate', 'compare']) {
      expect(step(report, id), id).toMatchObject({ status: 'succeeded', cached: false });
    }
    for (const id of ['baseline', 'baseline_metrics']) {
      expect(step(report, id), id).toMatchObject({ status: 'cached', cached: true });
    }
    await expectOutputsOnDisk(report, home);
    expect(await listFiles(join(home, 'tmp'))).toEqual([]);
  });

  it('treats corrupted cache records and missing artifacts as misses, never as a crash', async ({ expect }) => {
    const { dir, home } = await workspace();
    const first = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(first.code).toBe(0);
    const original = parseRunReport(first.stdout);

    const cache = cacheTable(home);
    const records = cache.prepare('SELECT content_key, record FROM cache').all();
    expect(records).toHaveLength(6);
    const edit = (change: (record: Record<string, unknown>) => unknown) => (text: string) =>
      JSON.stringify(change(JSON.parse(text)));
    const damage = [
      (text: string) => text.slice(0, 20), // truncated
      edit(() => null),
      edit(({ metrics: _metrics, ...rest }) => rest), // outputs intact, metrics gone
      edit((record) => ({ ...record, outputs: {} })), // the step's output missing
      edit((record) => ({ ...record, outputs: { data: null, metrics: null, value: null } })),
      edit(({ runId: _runId, ...rest }) => ({ ...rest, outputs: [] })),
    ];
    const update = cache.prepare('UPDATE cache SET record = ? WHERE content_key = ?');
    for (const [i, { content_key, record }] of records.entries()) {
      update.run(damage[i % damage.length]?.(record) ?? record, content_key);
    }
    cache.close();

    // Not --json, so the summary table (which shows each step's metrics) is printed too.
    const second = await loom(['run', PIPELINE, '--home', home], dir);
    expect(second.stderr).not.toContain('internal error');
    expect(second.code).toBe(0);
    for (const id of STEP_IDS) expect(second.stdout).toMatch(new RegExp(`^✔ ${id} .* succeeded`, 'm'));
    expect(second.stdout).toMatch(/^run succeeded in .+ · 6 steps · /m);
    expect(second.stderr).not.toContain('cached');

    // The re-run rewrote the records: the next run is fully cached again, with the very same outputs.
    const third = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(third.code).toBe(0);
    for (const s of parseRunReport(third.stdout).steps) {
      expect(s.status, s.id).toBe('cached');
      expect(s.outputs).toEqual(step(original, s.id).outputs);
    }

    // A record whose artifact is gone is a miss too: that step runs again, and as it gives the same
    // bytes, the steps after it stay cached.
    const candidateOutput = step(original, 'candidate').outputs[0];
    await rm(candidateOutput?.path ?? '');
    const fourth = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(fourth.code).toBe(0);
    const report = parseRunReport(fourth.stdout);
    expect(step(report, 'candidate')).toMatchObject({ status: 'succeeded', cached: false });
    for (const id of ['baseline', 'candidate_metrics', 'baseline_metrics', 'gate', 'compare']) {
      expect(step(report, id).status, id).toBe('cached');
    }
    await expectOutputsOnDisk(report, home);
  });

  it('reuses the results an earlier Loom cached in files under <home>/cache', async ({ expect }) => {
    const { dir, home } = await workspace();
    const first = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(first.code).toBe(0);
    const original = parseRunReport(first.stdout);
    // As an earlier `loom run` left them: each record a file (LocalStepCache), none in the store.
    const cache = cacheTable(home);
    const records = cache.prepare('SELECT content_key, record FROM cache').all();
    cache.prepare('DELETE FROM cache').run();
    cache.close();
    const files = new LocalStepCache(home, new LocalArtifactStore(home));
    const artifacts = new LocalArtifactStore(home);
    for (const { content_key, record } of records) {
      const result = await decodeCacheRecord(record, artifacts);
      if (result === undefined) throw new Error(`record ${content_key} does not decode`);
      await files.put(content_key, result);
    }

    const second = await loom(['run', PIPELINE, '--home', home, '--json'], dir);
    expect(second.code).toBe(0);
    for (const s of parseRunReport(second.stdout).steps) {
      expect(s, s.id).toMatchObject({ status: 'cached', outputs: step(original, s.id).outputs });
    }
  });

  it('keeps its state in LOOM_HOME, else in ./.loom, and honours --concurrency', async ({ expect }) => {
    const { dir, home } = await workspace();
    const [fromEnv, fromCwd] = await Promise.all([
      loom(['run', PIPELINE, '--json', '--concurrency', '1'], dir, { LOOM_HOME: home }),
      loom(['run', join(dir, PIPELINE), '--json'], join(dir, '..')),
    ]);
    expect(fromEnv.code).toBe(0);
    const envReport = parseRunReport(fromEnv.stdout);
    expect(storedRuns(home).map((run) => run.id)).toEqual([envReport.runId]);
    await expectOutputsOnDisk(envReport, home);

    expect(fromCwd.code).toBe(0);
    const cwdHome = join(dir, '..', '.loom');
    const cwdReport = parseRunReport(fromCwd.stdout);
    expect(storedRuns(cwdHome).map((run) => run.id)).toEqual([cwdReport.runId]);
    await expectOutputsOnDisk(cwdReport, cwdHome);
  });

  it('refuses an invalid document, reporting its problems rather than the --param flags', async ({ expect }) => {
    const { dir, home } = await workspace();
    const document = JSON.parse(await readFile(join(dir, PIPELINE), 'utf8'));
    await writeFile(join(dir, PIPELINE), JSON.stringify({ ...document, colour: 'teal' }));

    const [text, json] = await Promise.all([
      loom(['run', PIPELINE, '--home', home, '--param', 'min_accuracy=0.5'], dir),
      loom(['run', PIPELINE, '--home', home, '--json'], dir),
    ]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('pipeline.loom.json cannot run: 1 problem');
    expect(text.stderr).toContain('at /colour: unknown property "colour" [document.schema]');
    expect(text.stderr).not.toContain('has no parameter');

    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      status: 'invalid',
      diagnostics: [{ code: 'document.schema', message: 'unknown property "colour"', path: '/colour' }],
    });
    expect(await listFiles(home)).toEqual([]);
  });
});

describe('loom run and Ctrl-C', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'cancels the run on %s: reports and records it cancelled, exits 1, and caches nothing it did not finish',
    async (signal) => {
      const { dir, home } = await workspace();
      await writeFile(join(dir, 'sensor.loom.json'), await readFile(join(FIXTURES, 'sensor.loom.json'), 'utf8'));
      await writeFile(join(dir, 'ready.json'), '{"ok":true}');
      const { FORCE_COLOR: _force, LOOM_HOME: _home, ...env } = process.env;
      const child = spawn(process.execPath, [LOOM_BIN, 'run', 'sensor.loom.json', '--home', home], {
        cwd: dir,
        env: { ...env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      // `drop` waits for a file nobody writes; once the other branch is done, the run is under way.
      await expect.poll(() => stderr, { timeout: 20_000 }).toContain('ready succeeded');
      await expect.poll(() => stderr, { timeout: 20_000 }).toContain('drop started');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill(signal);
      expect(await exited).toBe(1);
      expect(stderr).toContain('cancelling');
      expect(stdout).toContain('run cancelled');
      expect(stdout).toMatch(/drop\s+core\.wait_for_file@1\.0\.0\s+cancelled/);
      const [recorded] = storedRuns(home);
      expect(recorded?.status).toBe('cancelled');
      expect(recorded?.steps.map((s) => [s.id, s.status])).toEqual([
        ['ready', 'succeeded'],
        ['drop', 'cancelled'],
      ]);

      // The cancelled step left nothing behind: once its file arrives, it runs (not cached) and succeeds.
      await writeFile(join(dir, 'drop.csv'), 'a,b\n1,2\n');
      const again = await loom(['run', 'sensor.loom.json', '--home', home, '--json'], dir);
      expect(again.code).toBe(0);
      const report = parseRunReport(again.stdout, ['ready', 'drop']);
      expect(step(report, 'drop').cached).toBe(false);
      expect(step(report, 'drop').status).toBe('succeeded');
      expect(step(report, 'ready').cached).toBe(true);
    },
    60_000,
  );
});
