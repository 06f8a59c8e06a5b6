import { type DataProfile, parseDriftOptions, parseProfile } from '@loom/drift';
import type { LoomStore } from '../store/loom-store.ts';
import type { MonitorDefinition } from '../store/monitor-types.ts';
import { MonitorError } from './monitor-error.ts';
import { actionsProblem, rulesProblem } from './monitor-rules.ts';

/** The newest version's baseline, against which per-feature drift overrides are checked. */
function latestBaseline(store: LoomStore, model: string): DataProfile | undefined {
  const latest = store.getModel(model)?.latestVersion;
  return latest === undefined || latest === null ? undefined : parseProfile(store.getModelBaseline(model, latest));
}

/**
 * Checks a monitor definition against the store and the server's settings before it is stored: the
 * model exists, the drift options are valid (per-feature overrides name features of the model), rules
 * read known metrics, run actions name a pipeline and parameters it has, and webhook URLs are allowed.
 *
 * @throws MonitorError `invalid` naming the field (a JSON Pointer into the request body)
 */
export function checkMonitorDefinition(
  store: LoomStore,
  definition: MonitorDefinition,
  webhookAllow: readonly string[],
): void {
  if (store.getModel(definition.model) === undefined) {
    throw new MonitorError('invalid', `no model "${definition.model}" in the registry`, '/model');
  }
  const baseline = latestBaseline(store, definition.model);
  const drift = parseDriftOptions(definition.drift, baseline);
  if (!drift.ok) {
    const [first] = drift.errors;
    const field = `/drift/${(first?.path ?? '').split('.').join('/')}`;
    throw new MonitorError('invalid', `drift.${first?.path}: ${first?.message}`, field);
  }
  const rule = rulesProblem(definition.rules);
  if (rule !== undefined) throw new MonitorError('invalid', `${rule.field.slice(1)}: ${rule.message}`, rule.field);
  const action = actionsProblem(definition.actions, webhookAllow);
  if (action !== undefined) {
    throw new MonitorError('invalid', `${action.field.slice(1)}: ${action.message}`, action.field);
  }
  definition.actions.forEach((candidate, i) => {
    if (candidate.kind !== 'run') return;
    const pipeline = store.getPipeline(candidate.pipelineId, candidate.version);
    if (pipeline === undefined) {
      const which = candidate.version === undefined ? '' : ` version ${candidate.version}`;
      throw new MonitorError(
        'invalid',
        `actions/${i}/pipelineId: no pipeline "${candidate.pipelineId}"${which}`,
        `/actions/${i}/pipelineId`,
      );
    }
    const known = Object.keys(pipeline.document.parameters ?? {});
    for (const name of Object.keys(candidate.parameters ?? {})) {
      if (!known.includes(name)) {
        const list = known.length === 0 ? 'it has none' : `it has ${known.join(', ')}`;
        throw new MonitorError(
          'invalid',
          `actions/${i}/parameters/${name}: pipeline "${pipeline.document.name}" has no parameter "${name}" (${list})`,
          `/actions/${i}/parameters/${name}`,
        );
      }
    }
  });
}
