import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiCsv } from './nvidia-smi-csv.js';

describe('parseNvidiaSmiCsv', () => {
  it('parses two devices and skips blank lines', () => {
    const out =
      '0, GPU-aaa, NVIDIA H100 80GB HBM3, 81559, 1024, 37\n\n1, GPU-bbb, NVIDIA H100 80GB HBM3, 81559, 0, [N/A]\n';
    expect(parseNvidiaSmiCsv(out)).toEqual([
      {
        index: 0,
        uuid: 'GPU-aaa',
        name: 'NVIDIA H100 80GB HBM3',
        memoryTotalMb: 81559,
        memoryUsedMb: 1024,
        utilizationPercent: 37,
      },
      {
        index: 1,
        uuid: 'GPU-bbb',
        name: 'NVIDIA H100 80GB HBM3',
        memoryTotalMb: 81559,
        memoryUsedMb: 0,
        utilizationPercent: undefined,
      },
    ]);
  });

  it('returns no devices for empty output', () => {
    expect(parseNvidiaSmiCsv('')).toEqual([]);
  });

  it('names the line and field of malformed output', () => {
    expect(() => parseNvidiaSmiCsv('0, GPU-aaa, H100, lots, 0, 0')).toThrow(/line 1: memory.total is "lots"/);
    expect(() => parseNvidiaSmiCsv('0, GPU-aaa, H100')).toThrow(/line 1: expected 6 fields/);
  });
});
