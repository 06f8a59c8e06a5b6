import { MODEL_NAME_PATTERN } from '@loom/sdk';
import type { Endpoint, TrafficShare } from '../store/store-types.ts';
import type { ServingStore } from './serving-table.ts';

/**
 * A model server restricted to one model and pinned to given versions (`LOOM_SERVE_MODEL`,
 * `LOOM_SERVE_ROUTES`): it serves exactly those, whatever the alias says, as the pods of an endpoint
 * on Kubernetes do. The registry moving on does not change what a running pod serves; a new deploy
 * changes the Deployment's routes, so the pods roll one by one, and a rollback rolls them back.
 */
export interface ServePin {
  model: string;
  /** Where requests go: versions and integer percents summing to 100. */
  routes: TrafficShare[];
}

const ROUTE = /^(\d+):(\d+)$/;

/**
 * Reads `LOOM_SERVE_ROUTES`: `version:percent` pairs joined by commas (`3:90,4:10`); a lone version
 * (`3`) takes 100 %. Versions are whole numbers from 1, each once; percents whole numbers from 0 to
 * 100 summing to 100.
 *
 * @throws naming the entry that is wrong.
 * @example
 * parseServeRoutes('3:90,4:10') // [{ version: 3, percent: 90 }, { version: 4, percent: 10 }]
 */
export function parseServeRoutes(text: string): TrafficShare[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new Error('LOOM_SERVE_ROUTES is empty: give version:percent pairs, e.g. 3:90,4:10, or one version, e.g. 3');
  }
  if (entries.length === 1 && /^\d+$/.test(entries[0] as string)) return parseServeRoutes(`${entries[0]}:100`);
  const routes: TrafficShare[] = [];
  for (const entry of entries) {
    const match = ROUTE.exec(entry);
    if (match === null) {
      throw new Error(`LOOM_SERVE_ROUTES: "${entry}" is not version:percent (e.g. 3:90)`);
    }
    const version = Number(match[1]);
    const percent = Number(match[2]);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new Error(`LOOM_SERVE_ROUTES: "${entry}": versions are numbered from 1`);
    }
    if (percent > 100) throw new Error(`LOOM_SERVE_ROUTES: "${entry}": a percent is at most 100`);
    if (routes.some((route) => route.version === version)) {
      throw new Error(`LOOM_SERVE_ROUTES: version ${version} is given twice`);
    }
    routes.push({ version, percent });
  }
  const total = routes.reduce((sum, route) => sum + route.percent, 0);
  if (total !== 100) throw new Error(`LOOM_SERVE_ROUTES: the percents of "${text}" sum to ${total}, not 100`);
  return routes;
}

/**
 * The pin in the environment: `LOOM_SERVE_MODEL` and `LOOM_SERVE_ROUTES`, both or neither.
 *
 * @throws naming the variable that is missing or wrong.
 */
export function servePinFromEnv(read: (name: string) => string | undefined): ServePin | undefined {
  const model = read('LOOM_SERVE_MODEL');
  const routes = read('LOOM_SERVE_ROUTES');
  if (model === undefined && routes === undefined) return undefined;
  if (model === undefined) {
    throw new Error('LOOM_SERVE_ROUTES is set but LOOM_SERVE_MODEL is not: name the model whose versions it pins');
  }
  if (!new RegExp(MODEL_NAME_PATTERN).test(model)) {
    throw new Error(
      `LOOM_SERVE_MODEL: "${model}" is not a model name (letters, digits, ".", "_" and "-", starting with a letter or digit)`,
    );
  }
  if (routes === undefined) {
    throw new Error(
      `LOOM_SERVE_MODEL is set but LOOM_SERVE_ROUTES is not: give the versions of "${model}" to serve, e.g. 3:90,4:10`,
    );
  }
  return { model, routes: parseServeRoutes(routes) };
}

/**
 * The store as a pinned model server sees it: one endpoint, `pin.model`, with `pin.routes`, and
 * nothing else; its alias is the registry endpoint's, for `/v2` to show, or `pinned` when the
 * registry has none. Versions and their ONNX files still come from the registry.
 */
export function pinnedServingStore(
  store: ServingStore & { getEndpoint(model: string): Endpoint | undefined },
  pin: ServePin,
): ServingStore {
  return {
    getModel: (name) => store.getModel(name),
    getModelVersion: (name, version) => store.getModelVersion(name, version),
    servingRevision: () => store.servingRevision(),
    listEndpoints: () => {
      const endpoint = store.getEndpoint(pin.model);
      return [
        {
          model: pin.model,
          alias: endpoint?.alias ?? 'pinned',
          traffic: pin.routes,
          routes: pin.routes,
          updatedAt: endpoint?.updatedAt ?? new Date(0).toISOString(),
        },
      ];
    },
  };
}
