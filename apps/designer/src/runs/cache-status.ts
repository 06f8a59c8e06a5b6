import type { Plan, PlanStep } from '@loom/compiler';
import { canonicalJson } from '@loom/graph';
import type { StoredStep } from '@loom/server/api-types';

export type CacheVerdict =
  | { kind: 'reuse'; reason: string }
  | { kind: 'rerun'; reason: string }
  | { kind: 'unknown'; reason: string };

/**
 * Whether a step of the current plan will re-run, judged against a run: its plan (when known) and its
 * step states. A step re-runs when its cache key differs from that run's; the reason names what differs
 * (its node's code or version, its parameters, or a step upstream). Data read from files is
 * fingerprinted only when the run starts, so a changed file can still make an unchanged step re-run.
 */
export function cacheVerdict(
  stepId: string,
  current: Plan | undefined,
  previous: { plan: Plan | undefined; steps: Readonly<Record<string, StoredStep>> } | undefined,
): CacheVerdict {
  const step = current?.steps.find((candidate) => candidate.id === stepId);
  if (step === undefined)
    return { kind: 'unknown', reason: 'Fix the pipeline’s problems to see whether this step will re-run.' };
  if (!step.cacheable) return { kind: 'rerun', reason: 'Runs every time: this node type is not cacheable.' };
  if (previous === undefined)
    return { kind: 'unknown', reason: 'Runs unless a stored result matches its code, parameters and inputs.' };
  const before = previous.plan?.steps.find((candidate) => candidate.id === stepId);
  const state = previous.steps[stepId];
  const hadResult = state?.status === 'succeeded' || state?.status === 'cached';
  if (before === undefined) {
    if (previous.plan !== undefined) return { kind: 'rerun', reason: 'New since the shown run.' };
    return hadResult
      ? { kind: 'unknown', reason: 'Had a result in the shown run; it is reused if nothing about it changed.' }
      : { kind: 'rerun', reason: `Had no result in the shown run (${state?.status ?? 'not run'}).` };
  }
  if (before.cacheKey === step.cacheKey) {
    return hadResult
      ? {
          kind: 'reuse',
          reason: 'Unchanged since the shown run: its stored result will be reused (unless an input file changed).',
        }
      : { kind: 'rerun', reason: `Unchanged, but it had no result in the shown run (${state?.status ?? 'not run'}).` };
  }
  return { kind: 'rerun', reason: changeReason(step, before, current as Plan, previous.plan as Plan) };
}

function changeReason(step: PlanStep, before: PlanStep, current: Plan, previous: Plan): string {
  if (step.type !== before.type || step.version !== before.version)
    return `Its node changed from ${before.type}@${before.version} to ${step.type}@${step.version}.`;
  if (step.implementationHash !== before.implementationHash) return 'The code of its node changed since the shown run.';
  if (canonicalJson(step.params as never) !== canonicalJson(before.params as never)) {
    const names = [...new Set([...Object.keys(step.params), ...Object.keys(before.params)])].filter(
      (name) => canonicalJson(step.params[name] as never) !== canonicalJson(before.params[name] as never),
    );
    return `Its parameters changed: ${names.join(', ')}.`;
  }
  const changedUpstream = step.dependsOn.filter((id) => {
    const now = current.steps.find((candidate) => candidate.id === id);
    const then = previous.steps.find((candidate) => candidate.id === id);
    return now === undefined || then === undefined || now.cacheKey !== then.cacheKey;
  });
  if (changedUpstream.length > 0)
    return `Upstream step${changedUpstream.length > 1 ? 's' : ''} ${changedUpstream.join(', ')} changed.`;
  return 'Its inputs are wired differently since the shown run.';
}
