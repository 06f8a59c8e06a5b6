import type { ModelProvenance, ModelVersion } from '@loom/server/store';
import pc from 'picocolors';
import { alignColumns, renderTable } from '../format.ts';
import { metricsSummary } from '../metrics-output.ts';
import { requireModel, withModelStore } from '../model-store.ts';
import { describeAliases, describeEndpoint, shortTime } from '../registry-format.ts';

/**
 * `loom models [NAME]`: the registered models of a home's store with their aliases and endpoints; with
 * NAME, that model's versions (newest first) with their aliases, gating metrics and provenance.
 * `--json` prints `[{ ...model, endpoint }]`, or `{ model, endpoint, versions }` for one model.
 */
export function modelsCommand(name: string | undefined, options: { home?: string; json?: boolean }): number {
  return withModelStore(options.home, (access) => {
    if (name !== undefined) {
      const { model, store } = requireModel('models', access, name);
      const endpoint = store.getEndpoint(name) ?? null;
      const versions = store.listModelVersions(name) ?? [];
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ model, endpoint, versions }, null, 2)}\n`);
        return 0;
      }
      const facts = alignColumns([
        ['aliases', describeAliases(model) || pc.dim('none')],
        ['endpoint', endpoint === null ? pc.dim('none') : describeEndpoint(endpoint)],
      ]);
      const heading = `${pc.bold(model.name)}${model.description === '' ? '' : `  ${model.description}`}`;
      const table =
        versions.length === 0
          ? pc.dim('no versions left (all were deleted)')
          : renderTable(
              ['version', 'created', 'aliases', 'task', 'metrics', 'trained by', 'provenance'],
              versions.map((v) => [
                `v${v.version}`,
                shortTime(v.createdAt),
                v.aliases.join(', '),
                describeTask(v),
                metricsSummary(v.metrics),
                v.trainedBy,
                describeProvenance(v.provenance),
              ]),
            );
      process.stdout.write(`${heading}\n${facts}\n\n${table}\n`);
      return 0;
    }

    const models = access.store?.listModels() ?? [];
    const endpoints = new Map((access.store?.listEndpoints() ?? []).map((e) => [e.model, e]));
    if (options.json) {
      const listed = models.map((model) => ({ ...model, endpoint: endpoints.get(model.name) ?? null }));
      process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
      return 0;
    }
    if (models.length === 0) {
      process.stdout.write(
        `no models are registered in ${access.path}\n` +
          `${pc.dim('a deploy.endpoint step, or POST /api/models/NAME/versions, registers one')}\n`,
      );
      return 0;
    }
    const rows = models.map((model) => {
      const endpoint = endpoints.get(model.name);
      return [
        model.name,
        String(model.versionCount),
        model.latestVersion === null ? '—' : `v${model.latestVersion}`,
        describeAliases(model),
        endpoint === undefined ? '' : describeEndpoint(endpoint),
        model.description,
      ];
    });
    process.stdout.write(
      `${renderTable(['model', 'versions', 'latest', 'aliases', 'endpoint', 'description'], rows)}\n` +
        `${pc.dim('`loom models NAME` lists one model’s versions')}\n`,
    );
    return 0;
  });
}

/** `classification (setosa, versicolor, virginica)` or `regression`. */
function describeTask(version: ModelVersion): string {
  if (version.task === 'regression' || version.classes === undefined) return version.task;
  const classes = version.classes.map(String);
  const shown = classes.length > 4 ? [...classes.slice(0, 4), '…'] : classes;
  return `${version.task} (${shown.join(', ')})`;
}

/** `run 4f2c… step train · pipeline 9ab1… v3`, or `—` for a version registered by hand. */
function describeProvenance(provenance: ModelProvenance): string {
  const parts: string[] = [];
  if (provenance.runId !== null) {
    parts.push(`run ${provenance.runId}${provenance.stepId === null ? '' : ` step ${provenance.stepId}`}`);
  }
  if (provenance.pipelineId !== null) {
    const version = provenance.pipelineVersion === null ? '' : ` v${provenance.pipelineVersion}`;
    parts.push(`pipeline ${provenance.pipelineId}${version}`);
  }
  return parts.length === 0 ? '—' : parts.join(' · ');
}
