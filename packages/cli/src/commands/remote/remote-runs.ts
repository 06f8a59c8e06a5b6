import type { StepStatus } from '@loom/runtime';
import type { PipelineList, RunSummary } from '@loom/server/api-types';
import pc from 'picocolors';
import { formatDuration, renderTable } from '../../format.ts';
import { shortTime } from '../../registry-format.ts';
import { statusLabel, statusSymbol } from '../../status-style.ts';
import { UserError } from '../../user-error.ts';
import { explainingApiErrors, LoomApi } from './loom-api.ts';

export interface RemoteRunsOptions {
  server?: string;
  pipeline?: string;
  limit?: string;
  json?: boolean;
}

/** Runs listed unless `--limit` says otherwise. */
export const DEFAULT_RUN_LIMIT = 20;
/** The most the server lists in one reply. */
const MAX_RUN_LIMIT = 500;

/**
 * `loom remote runs`: the server's most recent runs, newest first, with status, pipeline, version,
 * start and duration; `--pipeline NAME` only that pipeline's (every pipeline of that name). Returns the
 * exit code: 1 when no pipeline has the name.
 */
export async function remoteRunsCommand(
  options: RemoteRunsOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const api = LoomApi.fromEnv(options.server, env);
  const limit = parseLimit(options.limit);
  return explainingApiErrors(api, async () => {
    const runs =
      options.pipeline === undefined ? await listRuns(api, limit) : await pipelineRuns(api, options.pipeline, limit);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write(
        `no runs on ${api.base}${options.pipeline === undefined ? '' : ` of ${options.pipeline}`}\n`,
      );
      return 0;
    }
    const rows = runs.map((run) => {
      const status = run.status as StepStatus;
      return [
        `${statusSymbol(status)} ${run.id}`,
        statusLabel(status),
        run.pipelineName,
        `v${run.pipelineVersion}`,
        shortTime(run.startedAt ?? run.createdAt),
        run.durationMs === undefined ? pc.dim('—') : formatDuration(run.durationMs),
        run.source === 'cli' ? pc.dim('loom run') : '',
      ];
    });
    process.stdout.write(
      `${renderTable(['run', 'status', 'pipeline', 'version', 'started', 'duration', 'by'], rows)}\n`,
    );
    return 0;
  });
}

function listRuns(api: LoomApi, limit: number, pipelineId?: string): Promise<RunSummary[]> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (pipelineId !== undefined) query.set('pipelineId', pipelineId);
  return api.get<{ runs: RunSummary[] }>(`/api/runs?${query}`).then((reply) => reply.runs);
}

/** The runs of every pipeline called `name`, newest first. @throws {UserError} (exit 1) naming the pipelines there are, when none is. */
async function pipelineRuns(api: LoomApi, name: string, limit: number): Promise<RunSummary[]> {
  const { pipelines } = await api.get<PipelineList>('/api/pipelines');
  const named = pipelines.filter((pipeline) => pipeline.name === name);
  if (named.length === 0) {
    const known = [...new Set(pipelines.map((pipeline) => pipeline.name))].sort();
    throw new UserError(
      `no pipeline "${name}" on ${api.base}${known.length === 0 ? ' (it has no pipelines)' : `; its pipelines: ${known.join(', ')}`}`,
    );
  }
  const lists = await Promise.all(named.map((pipeline) => listRuns(api, limit, pipeline.id)));
  return lists
    .flat()
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, limit);
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RUN_LIMIT;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_RUN_LIMIT) {
    throw new UserError(`--limit ${text}: expected a whole number from 1 to ${MAX_RUN_LIMIT}`, 2);
  }
  return value;
}
