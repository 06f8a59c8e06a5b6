/**
 * `loom run` and `loom start` on one home share one store: a CLI run shows in the server's run list and
 * in its pipeline's history, marked `source: 'cli'`, with its outputs in the same artifact store, even
 * while the server runs the same pipeline at the same moment.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';
import { afterEachTest, json, post, servingAddress, startLoom } from './loom-server.ts';

const test = afterEachTest();

interface RunSummary {
  id: string;
  pipelineId: string;
  pipelineVersion: number;
  status: string;
  source: string;
}

interface CliReport {
  runId: string;
  status: string;
  steps: Array<{ id: string; outputs: Array<{ sha256: string; path: string }> }>;
}

/** Polls the server until the run has ended. */
async function finished(base: string, runId: string): Promise<RunSummary> {
  for (;;) {
    const run = await json<RunSummary>(await fetch(`${base}/api/runs/${runId}`));
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The kinds of the events the server streams for a run, up to its `run.finished`. */
async function streamedKinds(base: string, runId: string): Promise<string[]> {
  const response = await fetch(`${base}/api/runs/${runId}/events`);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (reader === undefined) throw new Error('no event stream');
  let text = '';
  while (!text.includes('event: run.finished')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1] ?? '');
}

describe('loom run beside loom start', { timeout: 120_000 }, () => {
  it('records its runs in the server’s store while the server runs the same pipeline', async () => {
    const dir = await test.tempDir('loom-shared-store-');
    const project = join(dir, 'project');
    await cp(join(EXAMPLES, 'model-report'), project, { recursive: true });
    const home = join(dir, 'home');
    const server = test.track(
      startLoom(['start', '--port', '0', '--home', home], { LOOM_DATA_ROOTS: project }, /serving on/),
    );
    const base = await servingAddress(server);

    // The designer saved the pipeline: `loom run` of the same document files its runs under it.
    const document = JSON.parse(await readFile(join(project, 'pipeline.loom.json'), 'utf8'));
    const saved = await json<{ id: string; version: number }>(await post(base, '/api/pipelines', document));

    // A server run and two CLI runs, all at once, all writing to the one SQLite file.
    const [serverRun, cached, uncached] = await Promise.all([
      json<RunSummary>(await post(base, `/api/pipelines/${saved.id}/runs`, {})).then((run) => finished(base, run.id)),
      loom(['run', 'pipeline.loom.json', '--home', home, '--json'], project),
      loom(['run', 'pipeline.loom.json', '--home', home, '--json', '--no-cache'], project),
    ]);
    expect(serverRun.status).toBe('succeeded');
    for (const result of [cached, uncached]) expect(result.code, result.stderr).toBe(0);
    const cliReports = [cached, uncached].map((result) => JSON.parse(result.stdout) as CliReport);

    const { runs } = await json<{ runs: RunSummary[] }>(await fetch(`${base}/api/runs?pipelineId=${saved.id}`));
    expect(runs.map((run) => run.id).sort()).toEqual([serverRun.id, ...cliReports.map((r) => r.runId)].sort());
    for (const report of cliReports) {
      expect(runs.find((run) => run.id === report.runId)).toMatchObject({
        pipelineId: saved.id,
        pipelineVersion: saved.version,
        status: 'succeeded',
        source: 'cli',
      });
    }
    expect(runs.find((run) => run.id === serverRun.id)?.source).toBe('server');

    // A CLI run's outputs are in the server's artifact store, byte for byte what the CLI reported.
    const report = cliReports[1] as CliReport;
    const stored = await json<{ steps: Array<{ id: string; outputs: Record<string, { sha256: string }> }> }>(
      await fetch(`${base}/api/runs/${report.runId}`),
    );
    for (const step of report.steps) {
      const output = step.outputs[0];
      if (output === undefined) continue;
      expect(Object.values(stored.steps.find((s) => s.id === step.id)?.outputs ?? {}).map((o) => o.sha256)).toContain(
        output.sha256,
      );
      const download = await fetch(`${base}/api/artifacts/${output.sha256}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(await readFile(output.path))).toBe(true);
    }

    // Its events stream from the server as a server run's do, up to the end.
    const kinds = await streamedKinds(base, report.runId);
    expect(kinds[0]).toBe('run.started');
    expect(kinds.at(-1)).toBe('run.finished');
    expect(kinds.filter((kind) => kind === 'step.succeeded')).toHaveLength(report.steps.length);

    // A CLI run cannot be cancelled from the server: it is driven elsewhere.
    const cancel = await post(base, `/api/runs/${report.runId}/cancel`, {});
    expect(cancel.status).toBe(409);
  });

  it('files a changed document as a new version of the pipeline, and streams a CLI run live', async () => {
    const dir = await test.tempDir('loom-shared-store-');
    const project = join(dir, 'project');
    await cp(join(EXAMPLES, 'model-report'), project, { recursive: true });
    const home = join(dir, 'home');
    const server = test.track(
      startLoom(['start', '--port', '0', '--home', home], { LOOM_DATA_ROOTS: project }, /serving on/),
    );
    const base = await servingAddress(server);

    const first = await loom(['run', 'pipeline.loom.json', '--home', home, '--json'], project);
    expect(first.code, first.stderr).toBe(0);
    const { pipelines } = await json<{ pipelines: Array<{ id: string; name: string; latestVersion: number }> }>(
      await fetch(`${base}/api/pipelines`),
    );
    expect(pipelines).toEqual([expect.objectContaining({ name: 'model-report', latestVersion: 1 })]);
    const pipelineId = pipelines[0]?.id ?? '';

    const document = JSON.parse(await readFile(join(project, 'pipeline.loom.json'), 'utf8'));
    document.description = 'edited outside the designer';
    await writeFile(join(project, 'pipeline.loom.json'), JSON.stringify(document));
    const running = loom(['run', 'pipeline.loom.json', '--home', home, '--json', '--no-cache'], project);
    // Watch the new run from the server as soon as it is recorded: its events come as the CLI writes them.
    let runId: string | undefined;
    while (runId === undefined) {
      const { runs } = await json<{ runs: RunSummary[] }>(await fetch(`${base}/api/runs?pipelineId=${pipelineId}`));
      runId = runs.find((run) => run.pipelineVersion === 2)?.id;
      if (runId === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    const kinds = await streamedKinds(base, runId);
    expect(kinds[0]).toBe('run.started');
    expect(kinds.at(-1)).toBe('run.finished');
    expect((await running).code).toBe(0);

    const versions = await json<{ versions: Array<{ version: number }> }>(
      await fetch(`${base}/api/pipelines/${pipelineId}/versions`),
    );
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    const latest = await json<{ document: { description: string } }>(
      await fetch(`${base}/api/pipelines/${pipelineId}`),
    );
    expect(latest.document.description).toBe('edited outside the designer');
  });
});
