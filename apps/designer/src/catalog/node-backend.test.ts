import { describe, expect, it } from 'vitest';
import { backendBadge, backendChoices, backendHint, effectiveBackend } from './node-backend.ts';

const cpuEntry = {
  resources: { cpu: 1, memoryMb: 512, gpu: { count: 0, memoryMb: 0, cpuFallback: false }, backend: 'cpu' as const },
};
const gpuEntry = {
  resources: { cpu: 4, memoryMb: 8192, gpu: { count: 1, memoryMb: 0, cpuFallback: false }, backend: 'gpu' as const },
};

describe('backendChoices', () => {
  it("offers the type's default first, naming it, then every backend", () => {
    expect(backendChoices(cpuEntry)).toEqual([
      { value: '', label: 'Node default (cpu)' },
      { value: 'cpu', label: 'CPU workers' },
      { value: 'gpu', label: 'GPU workers' },
      { value: 'kubernetes', label: 'Kubernetes Job' },
    ]);
  });

  it('disables CPU workers, with the reason, for a type that needs a GPU', () => {
    const choices = backendChoices(gpuEntry);
    expect(choices[0]).toEqual({ value: '', label: 'Node default (gpu)' });
    expect(choices.find((choice) => choice.value === 'cpu')).toEqual({
      value: 'cpu',
      label: 'CPU workers',
      disabledReason: 'needs 1 GPU',
    });
    expect(choices.filter((choice) => choice.disabledReason !== undefined)).toHaveLength(1);
  });

  it('names no default for a type that is not installed', () => {
    expect(backendChoices(undefined)[0]).toEqual({ value: '', label: 'Node default' });
    expect(backendChoices(undefined).every((choice) => choice.disabledReason === undefined)).toBe(true);
  });
});

describe('effectiveBackend', () => {
  it("is the node's own backend, else its type's", () => {
    expect(effectiveBackend({ backend: 'kubernetes' }, cpuEntry)).toBe('kubernetes');
    expect(effectiveBackend({}, gpuEntry)).toBe('gpu');
    expect(effectiveBackend({}, undefined)).toBeUndefined();
  });
});

describe('backendBadge', () => {
  it('marks a node that runs somewhere other than its default', () => {
    expect(backendBadge({ backend: 'kubernetes' }, cpuEntry)).toEqual({
      text: 'k8s',
      title: "Runs as Kubernetes Jobs (its type's default: cpu)",
    });
    expect(backendBadge({ backend: 'gpu' }, cpuEntry)?.text).toBe('GPU');
    expect(backendBadge({ backend: 'cpu' }, gpuEntry)?.text).toBe('CPU');
  });

  it('marks nothing when the node runs where its type does, named or not', () => {
    expect(backendBadge({}, cpuEntry)).toBeUndefined();
    expect(backendBadge({ backend: 'cpu' }, cpuEntry)).toBeUndefined();
    expect(backendBadge({ backend: 'gpu' }, gpuEntry)).toBeUndefined();
  });

  it('marks an override of a type that is not installed, without a default to name', () => {
    expect(backendBadge({ backend: 'gpu' }, undefined)).toEqual({ text: 'GPU', title: 'Runs on GPU workers' });
    expect(backendBadge({}, undefined)).toBeUndefined();
  });
});

describe('backendHint', () => {
  it('says where the steps run and which worker takes them', () => {
    expect(backendHint('kubernetes')).toEqual({
      text: 'Each step runs as a Kubernetes Job',
      worker: 'loom worker --backend kubernetes',
    });
    expect(backendHint('gpu').worker).toBe('loom worker --backend gpu');
  });
});
