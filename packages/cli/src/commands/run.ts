import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { compileDocument } from '@loom/compiler';
import { type Diagnostic, parseDocument } from '@loom/graph';
import { LocalArtifactStore, newRunId, ProcessTransport, type RunResult, runPlan, sha256 } from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import { DEFAULT_MODEL_SERVER_URL, storeModelRegistry } from '@loom/server/models';
import pc from 'picocolors';
import { publicDiagnostic, writeProblems } from '../diagnostics-output.ts';
import { resolveLoomHome } from '../loom-home.ts';
import { printMetricsOutputs } from '../metrics-output.ts';
import { pluginSources } from '../node-registry.ts';
import { parseParameterFlags } from '../parameter-flags.ts';
import { readDocumentText } from '../read-document.ts';
import { createRunProgress } from '../run-progress.ts';
import { createRunRecorder, openRunStore, runStepCache } from '../run-store.ts';
import { writeRunSummary } from '../run-summary.ts';
import { UserError } from '../user-error.ts';
import { WORKER_REGISTRY_MODULE } from '../worker-registry.ts';

export interface RunOptions {
  param: string[];
  cache: boolean;
  json?: boolean;
  home?: string;
  concurrency?: string;
}

/** `loom run FILE`: compiles and runs a pipeline here, showing progress. Returns the exit code. */
export async function runCommand(file: string, options: RunOptions, registry: NodeRegistry): Promise<number> {
  // The document's own problems come first: `--param` flags can only be checked against a document that loads.
  const loaded = parseDocument(await readDocumentText(file));
  if (!loaded.ok) return reportDiagnostics(file, loaded.diagnostics, options);
  const parameters = parseParameterFlags(loaded.document, options.param);
  const compiled = compileDocument(loaded.document, registry, { parameters, hash: sha256 });
  if (!compiled.ok) return reportDiagnostics(file, compiled.diagnostics, options);
  const plan = compiled.plan;

  const home = resolveLoomHome(options.home);
  const artifacts = new LocalArtifactStore(home);
  const concurrency = parseConcurrency(options.concurrency);
  const store = openRunStore(home);
  try {
    // Filed as the server files its own runs: under the pipeline of this name, at the version that
    // holds this very document, so the designer's history of that pipeline shows the run.
    const pipeline = store.pipelineVersionFor(loaded.document);
    const runId = newRunId();
    store.createRun({
      id: runId,
      pipelineId: pipeline.pipelineId,
      pipelineVersion: pipeline.version,
      document: loaded.document,
      plan,
      options: { parameters, noCache: !options.cache },
      createdAt: new Date().toISOString(),
      source: 'cli',
    });
    const recorder = createRunRecorder(store, (cause) => {
      process.stderr.write(pc.yellow(`warning: the run goes on, but is no longer recorded: ${cause.message}\n`));
    });
    const baseDir = dirname(resolve(file));
    // Each step in a process of its own, loading the same plugins: a node that crashes, leaks or calls
    // process.exit fails its step, and the run goes on to report it.
    const transport = new ProcessTransport({
      registryModule: WORKER_REGISTRY_MODULE,
      registryOptions: pluginSources(),
      storeRoot: home,
      baseDir,
      size: concurrency ?? availableParallelism(),
      // deploy.endpoint registers into this home's registry, which `loom start` on the same home serves;
      // monitor.drift reads the request log `loom start` writes there.
      models: storeModelRegistry({ store, artifacts, home, modelServerUrl: () => modelServerUrl() }),
    });
    transport.pool.warm();

    // Ctrl-C (or SIGTERM) cancels the run: running steps see their abort signal, and the run is recorded
    // as cancelled. A second one quits at once, keeping what was recorded so far.
    const cancel = new AbortController();
    const onStopSignal = (signal: NodeJS.Signals) => {
      if (cancel.signal.aborted) {
        recorder.flush();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      if (!options.json) process.stderr.write(pc.yellow('\ncancelling… (Ctrl-C again to quit now)\n'));
      cancel.abort();
    };
    process.on('SIGINT', onStopSignal);
    process.on('SIGTERM', onStopSignal);

    const progress = options.json ? undefined : createRunProgress(plan.steps, process.stderr);
    let result: RunResult;
    try {
      result = await runPlan(plan, {
        runId,
        registry,
        store: artifacts,
        cache: runStepCache(store, home, artifacts),
        transport,
        baseDir,
        noCache: !options.cache,
        signal: cancel.signal,
        onEvent: (event) => {
          recorder.record(event);
          progress?.onEvent(event);
        },
      });
    } finally {
      recorder.flush();
      progress?.stop();
      process.off('SIGINT', onStopSignal);
      process.off('SIGTERM', onStopSignal);
      await transport.close();
    }

    const report = await buildReport(result, artifacts);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      writeRunSummary(result);
      await printMetricsOutputs(result, artifacts);
    }
    return result.status === 'succeeded' ? 0 : 1;
  } finally {
    store.close();
  }
}

function reportDiagnostics(file: string, diagnostics: Diagnostic[], options: RunOptions): number {
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ status: 'invalid', diagnostics: diagnostics.map(publicDiagnostic) }, null, 2)}\n`,
    );
  } else {
    writeProblems(`${file} cannot run`, diagnostics);
  }
  return 1;
}

/** Where the deployed endpoints answer: `LOOM_MODEL_SERVER_URL`, else where `loom start` listens by default. */
function modelServerUrl(): string {
  const given = process.env.LOOM_MODEL_SERVER_URL?.trim();
  return given === undefined || given === '' ? DEFAULT_MODEL_SERVER_URL : given;
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UserError(`--concurrency ${text}: expected a whole number of at least 1`, 2);
  return value;
}

async function buildReport(result: RunResult, store: LocalArtifactStore) {
  return {
    runId: result.runId,
    status: result.status,
    durationMs: result.durationMs,
    steps: await Promise.all(
      result.steps.map(async (step) => ({
        id: step.id,
        type: step.type,
        version: step.version,
        status: step.status,
        cached: step.cached,
        attempts: step.attempts,
        durationMs: step.durationMs,
        metrics: step.metrics,
        outputs: await Promise.all(
          Object.entries(step.outputs).map(async ([port, record]) => ({
            port,
            type: record.type,
            sha256: record.sha256,
            path: await store.localPath(record.sha256),
          })),
        ),
        ...(step.failure === undefined ? {} : { error: step.failure }),
        ...(step.skippedBecause === undefined ? {} : { skippedBecause: step.skippedBecause }),
      })),
    ),
  };
}
