import { userInfo } from 'node:os';
import {
  environmentKubernetesEndpoints,
  type KubernetesEndpointsSource,
  reapplyKubernetesEndpoint,
} from '@loom/server/models';
import { ModelRegistryError } from '@loom/server/store';
import { requireModel, withModelStoreAsync } from '../model-store.ts';
import { describeRoutes } from '../registry-format.ts';
import { UserError } from '../user-error.ts';

/** The alias `loom rollback` moves when `--alias` is not given. */
export const DEFAULT_ROLLBACK_ALIAS = 'production';

/**
 * `loom rollback MODEL [--alias production]`: moves the alias back to the version it pointed at before
 * its last move, as one recorded event (the same as `POST /api/models/:name/aliases/:alias/rollback`),
 * and prints `from → to`. A canary split on the endpoint serving the alias is cleared. A model server on
 * the same home picks the change up by itself; an endpoint deployed to Kubernetes has its Deployment
 * re-applied with the rolled-back routes (its pods are pinned to versions), as the API does. `--json`
 * prints `{ model, alias, previousVersion, version, moved, updatedAt, endpoint }`.
 */
export function rollbackCommand(
  model: string,
  options: { alias?: string; home?: string; json?: boolean },
  kubernetes: KubernetesEndpointsSource = environmentKubernetesEndpoints,
): Promise<number> {
  const alias = options.alias ?? DEFAULT_ROLLBACK_ALIAS;
  return withModelStoreAsync(options.home, async (access) => {
    const { model: summary, store } = requireModel('rollback', access, model);
    if (!summary.aliases.some((a) => a.alias === alias)) {
      const aliases = summary.aliases.map((a) => a.alias);
      const hint = aliases.length === 0 ? 'it has no aliases' : `its aliases: ${aliases.join(', ')}`;
      throw new UserError(`loom rollback: model "${model}" has no alias "${alias}"; ${hint}`);
    }
    let move: ReturnType<typeof store.rollback>;
    try {
      move = store.rollback(model, alias, rollbackAuthor());
    } catch (cause) {
      if (cause instanceof ModelRegistryError) throw new UserError(`loom rollback: ${cause.message}`);
      throw cause;
    }
    const endpoint = store.getEndpoint(model) ?? null;
    let reapplied: string | undefined;
    if (move.moved && endpoint?.alias === alias) {
      try {
        reapplied = await reapplyKubernetesEndpoint(store, kubernetes, model);
      } catch (cause) {
        throw new UserError(`loom rollback: ${cause instanceof Error ? cause.message : String(cause)}`);
      }
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ model, ...move, endpoint }, null, 2)}\n`);
      return 0;
    }
    const lines = [`${model} ${alias}: v${move.previousVersion} → v${move.version}`];
    if (endpoint?.alias === alias) lines.push(`endpoint ${model} now routes ${describeRoutes(endpoint.routes)}`);
    if (reapplied !== undefined) lines.push(reapplied);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** `cli:alice`: who rolled back, for the model's history (as the API's callers name themselves in `by`). */
function rollbackAuthor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // No user name (a container's arbitrary uid): the history still says the CLI did it.
    return 'cli';
  }
}
