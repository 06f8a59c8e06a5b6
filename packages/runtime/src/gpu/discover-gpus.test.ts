import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverGpus } from './discover-gpus.js';

let dir: string;

async function fakeNvidiaSmi(body: string): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(dir, 'nvidia-smi'), `#!/bin/sh\n${body}\n`);
  await chmod(join(dir, 'nvidia-smi'), 0o755);
  return { ...process.env, PATH: dir };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-fake-smi-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('discoverGpus', () => {
  it('reads the devices that nvidia-smi prints', async () => {
    const env = await fakeNvidiaSmi("printf '0, GPU-a, Fake GPU, 16000, 10, 5\\n1, GPU-b, Fake GPU, 16000, 0, 0\\n'");
    const devices = await discoverGpus({ env });
    expect(devices.map((d) => d.uuid)).toEqual(['GPU-a', 'GPU-b']);
  });

  it('says so when nvidia-smi fails', async () => {
    const env = await fakeNvidiaSmi("echo 'NVIDIA-SMI has failed' >&2; exit 9");
    await expect(discoverGpus({ env })).rejects.toThrow(/nvidia-smi failed .*NVIDIA-SMI has failed/);
  });

  it('says so when nvidia-smi is missing', async () => {
    await expect(discoverGpus({ env: { PATH: join(dir, 'nowhere') } })).rejects.toThrow(/nvidia-smi not found on PATH/);
  });
});
