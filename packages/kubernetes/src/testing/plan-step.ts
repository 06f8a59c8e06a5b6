import type { PlanStep } from '@loom/compiler';

/**
 * A plan step for the Kubernetes backend's tests and bench: a step of node `test.train` on the
 * `kubernetes` backend with 1 CPU, 512 MiB, no GPU and a 60 s timeout, changed by `overrides`.
 */
export function kubernetesPlanStep(overrides: Partial<PlanStep> = {}): PlanStep {
  return {
    id: 'train',
    type: 'test.train',
    version: '1.0.0',
    title: 'train',
    params: {},
    inputs: {},
    outputs: { text: 'text' },
    dependsOn: [],
    backend: 'kubernetes',
    resources: { cpu: 1, memoryMb: 512, gpu: { count: 0, memoryMb: 0, cpuFallback: false } },
    retry: { retries: 0, backoffMs: 1000, maxBackoffMs: 60_000 },
    timeoutMs: 60_000,
    cacheable: true,
    implementationHash: 'impl',
    cacheKey: 'k'.repeat(64),
    ...overrides,
  };
}
