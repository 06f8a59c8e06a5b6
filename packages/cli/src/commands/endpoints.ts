import pc from 'picocolors';
import { renderTable } from '../format.ts';
import { withModelStore } from '../model-store.ts';
import { describeRoutes, shortTime } from '../registry-format.ts';

/**
 * `loom endpoints`: each model's endpoint: the alias it serves and the version that alias points at,
 * where its requests go now (`routes`), and whether a canary split is set. `--json` prints the
 * endpoints as the store and `GET /api/endpoints` give them.
 */
export function endpointsCommand(options: { home?: string; json?: boolean }): number {
  return withModelStore(options.home, (access) => {
    const endpoints = access.store?.listEndpoints() ?? [];
    if (options.json) {
      process.stdout.write(`${JSON.stringify(endpoints, null, 2)}\n`);
      return 0;
    }
    if (endpoints.length === 0) {
      process.stdout.write(
        `no endpoints in ${access.path}\n` +
          `${pc.dim('a deploy.endpoint step, or PUT /api/endpoints/MODEL { alias }, makes one')}\n`,
      );
      return 0;
    }
    const rows = endpoints.map((endpoint) => {
      const aliasVersion = access.store?.getModel(endpoint.model)?.aliases.find((a) => a.alias === endpoint.alias);
      return [
        endpoint.model,
        `${endpoint.alias}${aliasVersion === undefined ? '' : ` → v${aliasVersion.version}`}`,
        describeRoutes(endpoint.routes),
        endpoint.traffic.length > 0 ? 'canary split' : 'follows its alias',
        shortTime(endpoint.updatedAt),
        `/v2/models/${endpoint.model}`,
      ];
    });
    process.stdout.write(`${renderTable(['endpoint', 'alias', 'routes', 'traffic', 'updated', 'path'], rows)}\n`);
    return 0;
  });
}
