import type { PlanStep } from '@loom/compiler';
import type { NodeRegistry, RegisteredNode } from '@loom/sdk';

/**
 * The node a step needs, if this machine has exactly it: the same type and version, and the same code
 * (implementation hash) the plan was made with. Anything else is a refusal naming the plugin to install,
 * never a run on other code: a worker with a different build of a plugin would give a silently different
 * result under the same cache key.
 *
 * @param where names this machine in the message, e.g. `worker gpu-3`.
 */
export function installedNode(
  step: Pick<PlanStep, 'type' | 'version' | 'implementationHash' | 'source'>,
  registry: NodeRegistry,
  where: string,
): { ok: true; entry: RegisteredNode } | { ok: false; message: string } {
  const node = `${step.type}@${step.version}`;
  const plugin = step.source === undefined ? 'its plugin' : `plugin ${step.source}`;
  const entry = registry.get(step.type, step.version);
  if (entry === undefined) {
    const others = registry
      .versions(step.type)
      .map((version) => `${version} (from ${registry.get(step.type, version)?.source})`);
    const here = others.length === 0 ? `no version of ${step.type}` : `only ${step.type} ${others.join(', ')}`;
    return {
      ok: false,
      message: `${where} does not have node type ${node}, which comes from ${plugin}; it has ${here}. Install ${plugin === 'its plugin' ? 'the plugin' : step.source} where this step runs.`,
    };
  }
  if (
    step.implementationHash !== '' &&
    entry.implementationHash !== '' &&
    step.implementationHash !== entry.implementationHash
  ) {
    return {
      ok: false,
      message: `${where} has node type ${node} from ${entry.source}, but not the code the pipeline was planned with (implementation ${short(entry.implementationHash)} here, ${short(step.implementationHash)} in the plan). Install the same build of ${step.source ?? entry.source} on the server and on every worker.`,
    };
  }
  return { ok: true, entry };
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
