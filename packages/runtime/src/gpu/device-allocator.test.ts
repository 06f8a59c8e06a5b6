import { describe, expect, it } from 'vitest';
import { allocateDevices, type DeviceLoad } from './device-allocator.js';

const two = [
  { index: 0, memoryTotalMb: 16000 },
  { index: 1, memoryTotalMb: 16000 },
];

describe('allocateDevices', () => {
  it('gives a whole-device step an idle device, and makes the next wait when all are busy', () => {
    const loads = new Map<number, DeviceLoad>([[0, { exclusive: 1, sharedMb: 0 }]]);
    expect(allocateDevices(two, loads, { count: 1, memoryMb: 0 })).toEqual({ kind: 'allocated', indices: [1] });
    loads.set(1, { exclusive: 1, sharedMb: 0 });
    expect(allocateDevices(two, loads, { count: 1, memoryMb: 0 })).toEqual({ kind: 'wait' });
  });

  it('shares a device among steps whose declared memory fits', () => {
    const loads = new Map<number, DeviceLoad>([[0, { exclusive: 0, sharedMb: 10000 }]]);
    expect(allocateDevices(two.slice(0, 1), loads, { count: 1, memoryMb: 6000 })).toEqual({
      kind: 'allocated',
      indices: [0],
    });
    expect(allocateDevices(two.slice(0, 1), loads, { count: 1, memoryMb: 6001 })).toEqual({ kind: 'wait' });
  });

  it('hands several devices at once to a multi-GPU step', () => {
    expect(allocateDevices(two, new Map(), { count: 2, memoryMb: 0 })).toEqual({ kind: 'allocated', indices: [0, 1] });
  });

  it('fails clearly for a step that can never fit', () => {
    expect(allocateDevices(two, new Map(), { count: 3, memoryMb: 0 })).toEqual({
      kind: 'never',
      message: 'needs 3 GPUs (whole devices); this worker has #0 (16000 MiB), #1 (16000 MiB)',
    });
    expect(allocateDevices(two, new Map(), { count: 1, memoryMb: 20000 })).toMatchObject({ kind: 'never' });
  });
});
