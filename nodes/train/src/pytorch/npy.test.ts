import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTorchPython } from '../torch-python.ts';
import { encodeNpy } from './npy.ts';

const run = promisify(execFile);
const found = await findTorchPython();
const reason = found.probes.map((p) => `${p.python}: ${p.reason}`).join('; ');
if (!found.python) console.warn(`npy tests skipped: no Python with numpy (${reason})`);

/** Loads a file in numpy and returns its dtype, shape and values as JSON. */
async function readInNumpy(python: string, path: string) {
  const script =
    'import json,sys,numpy as np; a=np.load(sys.argv[1]); print(json.dumps({"dtype":str(a.dtype),"shape":list(a.shape),"values":a.ravel().tolist(),"text":[str(v) for v in a.ravel().tolist()]}))';
  const { stdout } = await run(python, ['-c', script, path]);
  return JSON.parse(stdout) as { dtype: string; shape: number[]; values: number[]; text: string[] };
}

describe.skipIf(!found.python)('encodeNpy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-npy-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes float32 matrices that numpy reads back exactly, with data on a 64-byte boundary', async () => {
    const values = new Float32Array([1.5, -2.25, 3.1, 0, 3.4e38, 1e-7]);
    const bytes = encodeNpy(values, [2, 3]);
    expect((bytes.length - values.byteLength) % 64).toBe(0);
    await writeFile(join(dir, 'f.npy'), bytes);
    const read = await readInNumpy(found.python as string, join(dir, 'f.npy'));
    expect(read.dtype).toBe('float32');
    expect(read.shape).toEqual([2, 3]);
    expect(read.values).toEqual(Array.from(values));
    expect(read.values[4]).toBeCloseTo(3.4e38, -33);
  });

  it('writes 1-D int64, int32 and float64 vectors, and an empty one', async () => {
    const cases = [
      { data: new BigInt64Array([0n, 2n, 1n, 9007199254740993n]), dtype: 'int64' },
      { data: new Int32Array([-1, 7]), dtype: 'int32' },
      { data: new Float64Array([Math.PI]), dtype: 'float64' },
      { data: new Float32Array([]), dtype: 'float32' },
    ];
    for (const [i, c] of cases.entries()) {
      const path = join(dir, `v${i}.npy`);
      await writeFile(path, encodeNpy(c.data, [c.data.length]));
      const read = await readInNumpy(found.python as string, path);
      expect(read.dtype).toBe(c.dtype);
      expect(read.shape).toEqual([c.data.length]);
      expect(read.text).toEqual(Array.from(c.data as ArrayLike<number | bigint>, (v) => String(v)));
    }
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, got 5/);
  });
});
