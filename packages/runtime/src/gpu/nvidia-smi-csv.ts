/**
 * One GPU as `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
 * --format=csv,noheader,nounits` reports it (memory in MiB, utilisation in percent).
 */
export interface GpuDevice {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMb: number;
  memoryUsedMb: number;
  /** 0..100; `undefined` where the driver reports `[N/A]` (some MIG and vGPU setups). */
  utilizationPercent: number | undefined;
}

/** The query fields, in the order {@link parseNvidiaSmiCsv} expects them. */
export const NVIDIA_SMI_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'utilization.gpu',
] as const;

function parseNumber(field: string, value: string, line: number): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n)) {
    throw new Error(`nvidia-smi output line ${line}: ${field} is "${value}", not a number`);
  }
  return n;
}

/**
 * Parses nvidia-smi's CSV (no header, no units) into devices; blank lines are skipped.
 * Throws naming the line and field when the output is not what the query asks for.
 *
 * @example parseNvidiaSmiCsv('0, GPU-1a, NVIDIA H100, 81559, 3, 0\n')
 */
export function parseNvidiaSmiCsv(text: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const cells = raw.split(',').map((c) => c.trim());
    if (cells.length !== NVIDIA_SMI_QUERY_FIELDS.length) {
      throw new Error(
        `nvidia-smi output line ${i + 1}: expected ${NVIDIA_SMI_QUERY_FIELDS.length} fields (${NVIDIA_SMI_QUERY_FIELDS.join(', ')}), got ${cells.length}: "${raw}"`,
      );
    }
    const [index, uuid, name, total, used, util] = cells as [string, string, string, string, string, string];
    devices.push({
      index: parseNumber('index', index, i + 1),
      uuid,
      name,
      memoryTotalMb: parseNumber('memory.total', total, i + 1),
      memoryUsedMb: parseNumber('memory.used', used, i + 1),
      utilizationPercent: /^\[?N\/A\]?$/i.test(util) ? undefined : parseNumber('utilization.gpu', util, i + 1),
    });
  }
  return devices;
}
