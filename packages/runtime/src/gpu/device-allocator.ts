/** What a GPU step asks for: `memoryMb` 0 means the whole device. */
export interface GpuNeed {
  count: number;
  memoryMb: number;
}

/** A device as the allocator sees it. */
export interface AllocatableDevice {
  index: number;
  memoryTotalMb: number;
}

/** What is already running on one device. */
export interface DeviceLoad {
  /** Steps holding the whole device (declared no memory). */
  exclusive: number;
  /** Sum of memory declared by the steps sharing the device. */
  sharedMb: number;
}

export type Allocation =
  | { kind: 'allocated'; indices: number[] }
  | { kind: 'wait' }
  | { kind: 'never'; message: string };

function fitsEmpty(device: AllocatableDevice, need: GpuNeed): boolean {
  return need.memoryMb <= device.memoryTotalMb;
}

function fitsNow(device: AllocatableDevice, load: DeviceLoad | undefined, need: GpuNeed): boolean {
  const l = load ?? { exclusive: 0, sharedMb: 0 };
  if (l.exclusive > 0) return false;
  if (need.memoryMb === 0) return l.sharedMb === 0;
  return l.sharedMb + need.memoryMb <= device.memoryTotalMb;
}

/**
 * Picks devices for one step: one step per device unless steps declare memory, in which case as
 * many share a device as their declared memory fits. `wait` when the step fits an idle worker but
 * not now; `never` when no state of this worker's devices could hold it. Pure: the caller records
 * the load it hands out.
 *
 * @example allocateDevices([{ index: 0, memoryTotalMb: 81559 }], new Map(), { count: 1, memoryMb: 0 })
 */
export function allocateDevices(
  devices: readonly AllocatableDevice[],
  loads: ReadonlyMap<number, DeviceLoad>,
  need: GpuNeed,
): Allocation {
  const possible = devices.filter((d) => fitsEmpty(d, need));
  if (need.count < 1 || possible.length < need.count) {
    const memory = need.memoryMb === 0 ? 'whole devices' : `${need.memoryMb} MiB each`;
    const have = devices.map((d) => `#${d.index} (${d.memoryTotalMb} MiB)`).join(', ') || 'none';
    return {
      kind: 'never',
      message: `needs ${need.count} GPU${need.count === 1 ? '' : 's'} (${memory}); this worker has ${have}`,
    };
  }
  const free = possible.filter((d) => fitsNow(d, loads.get(d.index), need));
  if (free.length < need.count) return { kind: 'wait' };
  return { kind: 'allocated', indices: free.slice(0, need.count).map((d) => d.index) };
}
