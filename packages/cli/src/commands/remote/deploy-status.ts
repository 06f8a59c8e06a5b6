import type { EndpointList, ModelDetail, ModelList, ModelVersion, ModelVersionList } from '@loom/server/api-types';
import pc from 'picocolors';
import { alignColumns, renderTable } from '../../format.ts';
import { metricsSummary } from '../../metrics-output.ts';
import { describeAliases, describeEndpoint, shortTime } from '../../registry-format.ts';
import { UserError } from '../../user-error.ts';
import { ApiError, explainingApiErrors, LoomApi } from './loom-api.ts';

export interface DeployStatusOptions {
  server?: string;
  json?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `loom remote deploy-status [MODEL]`: what the server serves. Every model with its aliases (and the
 * version each points at), its endpoint's traffic split and its infer URL; with MODEL, that model in
 * full: the versions its aliases and endpoint name, with their gating metrics and the run that made
 * them. Returns the exit code: 1 when MODEL is not a model there.
 */
export async function deployStatusCommand(
  model: string | undefined,
  options: DeployStatusOptions,
  env: Env = process.env,
): Promise<number> {
  const api = LoomApi.fromEnv(options.server, env);
  const inferBase = modelServerBase(api, env);
  return explainingApiErrors(api, () =>
    model === undefined ? allModels(api, inferBase, options) : oneModel(api, model, inferBase, options),
  );
}

/**
 * Where the endpoints answer: `$LOOM_MODEL_SERVER_URL` when the model server lives elsewhere (as the
 * server's own setting of that name says), else the server itself, which embeds one by default.
 */
function modelServerBase(api: LoomApi, env: Env): string {
  const given = env.LOOM_MODEL_SERVER_URL?.trim();
  return given === undefined || given === '' ? api.base : given.replace(/\/+$/, '');
}

function inferUrl(base: string, model: string): string {
  return `${base}/v2/models/${encodeURIComponent(model)}/infer`;
}

async function allModels(api: LoomApi, inferBase: string, options: DeployStatusOptions): Promise<number> {
  const [{ models }, { endpoints }] = await Promise.all([
    api.get<ModelList>('/api/models'),
    api.get<EndpointList>('/api/endpoints'),
  ]);
  const byModel = new Map(endpoints.map((endpoint) => [endpoint.model, endpoint]));
  const listed = models.map((model) => {
    const endpoint = byModel.get(model.name) ?? null;
    return { ...model, endpoint, inferUrl: endpoint === null ? null : inferUrl(inferBase, model.name) };
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ server: api.base, models: listed }, null, 2)}\n`);
    return 0;
  }
  if (listed.length === 0) {
    process.stdout.write(
      `no models are registered on ${api.base}\n${pc.dim('a run with a deploy.endpoint step registers one')}\n`,
    );
    return 0;
  }
  const rows = listed.map((model) => [
    model.name,
    model.latestVersion === null ? '—' : `v${model.latestVersion}`,
    describeAliases(model) || pc.dim('none'),
    model.endpoint === null ? pc.dim('no endpoint') : describeEndpoint(model.endpoint),
    model.inferUrl ?? '',
  ]);
  process.stdout.write(`${renderTable(['model', 'latest', 'aliases', 'endpoint', 'infer'], rows)}\n`);
  return 0;
}

async function oneModel(api: LoomApi, name: string, inferBase: string, options: DeployStatusOptions): Promise<number> {
  let detail: ModelDetail;
  try {
    detail = await api.get<ModelDetail>(`/api/models/${encodeURIComponent(name)}`);
  } catch (cause) {
    if (cause instanceof ApiError && (cause.status === 404 || cause.status === 400)) {
      throw new UserError(await noSuchModel(api, name), 1);
    }
    throw cause;
  }
  const { versions } = await api.get<ModelVersionList>(`/api/models/${encodeURIComponent(name)}/versions`);
  const percent = new Map((detail.endpoint?.routes ?? []).map((share) => [share.version, share.percent]));
  // What serves or could serve at a word: versions an alias or the endpoint names, and the latest.
  const shown = versions.filter(
    (v) => v.aliases.length > 0 || percent.has(v.version) || v.version === detail.latestVersion,
  );
  const url = detail.endpoint === null ? null : inferUrl(inferBase, name);
  if (options.json) {
    const { endpoint, ...model } = detail;
    process.stdout.write(
      `${JSON.stringify({ server: api.base, model, endpoint, inferUrl: url, versions: shown }, null, 2)}\n`,
    );
    return 0;
  }
  const facts = alignColumns([
    ['aliases', describeAliases(detail) || pc.dim('none')],
    ['endpoint', detail.endpoint === null ? pc.dim('none: nothing serves it') : describeEndpoint(detail.endpoint)],
    ['infer', url === null ? pc.dim('—') : `POST ${url}`],
  ]);
  const heading = `${pc.bold(detail.name)}${detail.description === '' ? '' : `  ${detail.description}`}`;
  const table =
    shown.length === 0
      ? pc.dim('no versions left (all were deleted)')
      : renderTable(
          ['version', 'created', 'aliases', 'traffic', 'metrics', 'made by'],
          shown.map((v) => [
            `v${v.version}`,
            shortTime(v.createdAt),
            v.aliases.join(', '),
            percent.has(v.version) ? `${percent.get(v.version)}%` : '',
            metricsSummary(v.metrics),
            madeBy(v),
          ]),
        );
  process.stdout.write(`${heading}\n${facts}\n\n${table}\n`);
  return 0;
}

/** `run 01J… (pipeline 9ab1… v3)`, or `registered by hand`. */
function madeBy(version: ModelVersion): string {
  const { runId, pipelineId, pipelineVersion } = version.provenance;
  if (runId === null) return pc.dim('registered by hand');
  const pipeline =
    pipelineId === null ? '' : ` (pipeline ${pipelineId}${pipelineVersion === null ? '' : ` v${pipelineVersion}`})`;
  return `run ${runId}${pipeline}`;
}

async function noSuchModel(api: LoomApi, name: string): Promise<string> {
  const { models } = await api.get<ModelList>('/api/models');
  const known = models.map((model) => model.name);
  return `no model "${name}" on ${api.base}${known.length === 0 ? ': no model is registered there' : `; its models: ${known.join(', ')}`}`;
}
