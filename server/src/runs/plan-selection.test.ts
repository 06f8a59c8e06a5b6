import type { Plan, PlanStep } from '@loom/compiler';
import { describe, expect, it } from 'vitest';
import { prunePlan, RunRequestError, stepsToForce } from './plan-selection.ts';

// a → b → d, c → d, e alone
const plan = {
  planVersion: 1,
  pipeline: 'p',
  parameters: {},
  steps: [
    { id: 'a', dependsOn: [] },
    { id: 'c', dependsOn: [] },
    { id: 'e', dependsOn: [] },
    { id: 'b', dependsOn: ['a'] },
    { id: 'd', dependsOn: ['b', 'c'] },
  ] as PlanStep[],
} as Plan;

const ids = (p: Plan) => p.steps.map((s) => s.id);

describe('plan selection', () => {
  it('keeps the whole plan unless onlyStep is given, then the step and its ancestors in plan order', () => {
    expect(prunePlan(plan, {})).toBe(plan);
    expect(prunePlan(plan, { fromStep: 'b' })).toBe(plan);
    expect(ids(prunePlan(plan, { onlyStep: 'b' }))).toEqual(['a', 'b']);
    expect(ids(prunePlan(plan, { onlyStep: 'd' }))).toEqual(['a', 'c', 'b', 'd']);
  });

  it('forces fromStep and everything downstream, or onlyStep alone', () => {
    expect([...stepsToForce(plan, { fromStep: 'a' })].sort()).toEqual(['a', 'b', 'd']);
    expect([...stepsToForce(plan, { fromStep: 'e' })]).toEqual(['e']);
    expect([...stepsToForce(plan, { onlyStep: 'b' })]).toEqual(['b']);
    expect(stepsToForce(plan, {}).size).toBe(0);
  });

  it('names the unknown step and the known ones', () => {
    expect(() => prunePlan(plan, { onlyStep: 'zz' })).toThrow(RunRequestError);
    expect(() => prunePlan(plan, { fromStep: 'zz' })).toThrow(/no step "zz"; its steps are a, c, e, b, d/);
    expect(() => prunePlan(plan, { fromStep: 'a', onlyStep: 'b' })).toThrow(/not both/);
  });
});
