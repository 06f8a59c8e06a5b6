import { describe, expect, it } from 'vitest';
import { findTorchPython, probeTorchPython, torchPythonCandidates } from './torch-python.ts';

describe('findTorchPython', () => {
  it('tries LOOM_PYTHON first, then python3, then /usr/bin/python3, without repeats', () => {
    expect(torchPythonCandidates({ LOOM_PYTHON: '/opt/py' })).toEqual(['/opt/py', 'python3', '/usr/bin/python3']);
    expect(torchPythonCandidates({ LOOM_PYTHON: 'python3' })).toEqual(['python3', '/usr/bin/python3']);
    expect(torchPythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
  });

  it('rejects an interpreter that does not exist, with a reason', async () => {
    const probe = await probeTorchPython('/nonexistent/python-for-loom-test');
    expect(probe.ok).toBe(false);
    expect(probe.reason).toMatch(/ENOENT/);
  });

  it('skips a nonexistent LOOM_PYTHON and reports each probe', async () => {
    const found = await findTorchPython({ LOOM_PYTHON: '/nonexistent/python-for-loom-test' });
    expect(found.probes[0]).toMatchObject({ python: '/nonexistent/python-for-loom-test', ok: false });
    if (found.python) {
      expect((await probeTorchPython(found.python)).ok).toBe(true);
    } else {
      expect(found.probes.every((p) => !p.ok)).toBe(true);
    }
  });
});
