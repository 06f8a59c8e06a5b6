import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseInputsArgument, runStepInPod } from '@loom/kubernetes';
import { httpModelRegistry, LocalArtifactStore } from '@loom/runtime';
import { dataRootsFromEnv } from '@loom/server';
import { resolveLoomHome } from '../loom-home.ts';
import { pluginSources } from '../node-registry.ts';
import { UserError } from '../user-error.ts';
import { createRegistry } from '../worker-registry.ts';

export interface StepOptions {
  run: string;
  step: string;
  attempt: string;
  plan: string;
  contentKey: string;
  inputs: string;
  outcomeFile: string;
  home?: string;
}

/**
 * `loom step`: runs one attempt of one step in this process and leaves its outcome in a file: what a
 * Kubernetes step pod runs (the worker that made the Job passes the identifiers). Reads the plan and
 * inputs from the artifact store at LOOM_HOME, which it shares with the server.
 */
export async function stepCommand(options: StepOptions): Promise<number> {
  const attempt = Number(options.attempt);
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new UserError(`--attempt must be a positive whole number, not "${options.attempt}"`, 2);
  }
  if (!/^[0-9a-f]{64}$/.test(options.plan)) throw new UserError(`--plan must be a sha256, not "${options.plan}"`, 2);
  let inputs: ReturnType<typeof parseInputsArgument>;
  try {
    inputs = parseInputsArgument(options.inputs);
  } catch (cause) {
    throw new UserError(cause instanceof Error ? cause.message : String(cause), 2);
  }
  const home = resolveLoomHome(options.home);
  const dataRoots = dataRootsFromEnv(process.env).map((root) => resolve(root));
  const apiUrl = process.env.LOOM_API_URL?.trim();
  const apiToken = process.env.LOOM_API_TOKEN?.trim();
  const controller = new AbortController();
  // The Job deleted (a cancel) or past its deadline: the kubelet sends SIGTERM, the step is asked to stop.
  const onTerm = () => controller.abort();
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onTerm);
  try {
    return await runStepInPod({
      job: {
        runId: options.run,
        stepId: options.step,
        attempt,
        planSha256: options.plan,
        contentKey: options.contentKey,
        inputs,
      },
      outcomePath: options.outcomeFile,
      signal: controller.signal,
      environment: {
        registry: await createRegistry(pluginSources()),
        store: new LocalArtifactStore(home),
        baseDir: dataRoots[0] ?? process.cwd(),
        ...(dataRoots.length === 0 ? {} : { dataRoots }),
        machine: `pod ${hostname()}`,
        ...(apiUrl === undefined || apiUrl === ''
          ? {}
          : { models: httpModelRegistry({ apiUrl, ...(apiToken ? { apiToken } : {}) }) }),
      },
    });
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onTerm);
  }
}
