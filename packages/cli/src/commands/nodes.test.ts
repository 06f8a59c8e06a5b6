import { describe, expect, it } from 'vitest';
import { gpuText } from './nodes.ts';

describe('gpuText', () => {
  it('says nothing for a node that needs no GPU', () => {
    expect(gpuText({ count: 0, memoryMb: 0, cpuFallback: true })).toBe('');
  });

  it('gives the count, and the memory and CPU fallback when the node asks for them', () => {
    expect(gpuText({ count: 1, memoryMb: 0, cpuFallback: false })).toBe(', 1 GPU');
    expect(gpuText({ count: 2, memoryMb: 8192, cpuFallback: false })).toBe(', 2 GPU (8192 MB free)');
    expect(gpuText({ count: 1, memoryMb: 4096, cpuFallback: true })).toBe(', 1 GPU (4096 MB free, else CPU)');
    expect(gpuText({ count: 1, memoryMb: 0, cpuFallback: true })).toBe(', 1 GPU (else CPU)');
  });
});
