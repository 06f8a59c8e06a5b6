import type { Plan } from '@loom/compiler';

/** A run request that names something the plan does not have. */
export class RunRequestError extends Error {}

interface Selection {
  fromStep?: string;
  onlyStep?: string;
}

/**
 * The part of the plan a run executes: all of it, or for `onlyStep` that step and the steps it reads
 * from (which the cache usually answers). Throws {@link RunRequestError} for an unknown step.
 */
export function prunePlan(plan: Plan, selection: Selection): Plan {
  if (selection.fromStep !== undefined && selection.onlyStep !== undefined) {
    throw new RunRequestError('ask for fromStep or onlyStep, not both');
  }
  for (const stepId of [selection.fromStep, selection.onlyStep]) {
    if (stepId !== undefined && !plan.steps.some((s) => s.id === stepId)) {
      throw new RunRequestError(
        `the pipeline has no step "${stepId}"; its steps are ${plan.steps.map((s) => s.id).join(', ')}`,
      );
    }
  }
  if (selection.onlyStep === undefined) return plan;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const keep = new Set<string>();
  const stack = [selection.onlyStep];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return { ...plan, steps: plan.steps.filter((s) => keep.has(s.id)) };
}

/** Steps that must run whatever the cache holds: `onlyStep` itself, or `fromStep` and all downstream of it. */
export function stepsToForce(plan: Plan, selection: Selection): Set<string> {
  if (selection.onlyStep !== undefined) return new Set([selection.onlyStep]);
  if (selection.fromStep === undefined) return new Set();
  const forced = new Set([selection.fromStep]);
  // Plan order is topological, so one pass reaches every descendant.
  for (const step of plan.steps) {
    if (step.dependsOn.some((d) => forced.has(d))) forced.add(step.id);
  }
  return forced;
}
