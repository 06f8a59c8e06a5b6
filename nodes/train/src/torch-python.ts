import { execFile } from 'node:child_process';

/** What {@link findTorchPython} learned about one candidate interpreter. */
export interface TorchPythonProbe {
  /** The interpreter as tried (a command name or a path). */
  readonly python: string;
  /** True when `import torch, numpy` succeeded there. */
  readonly ok: boolean;
  /** Why it was rejected: spawn error or the import error's last line. */
  readonly reason?: string;
}

/** The candidates, in order: `LOOM_PYTHON` when set, then `python3`, then Debian's `/usr/bin/python3`. */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env.LOOM_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  return [...new Set(list)];
}

/** Tries `import torch, numpy` in one interpreter; never throws. */
export function probeTorchPython(python: string, timeoutMs = 60_000): Promise<TorchPythonProbe> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import torch, numpy'], { timeout: timeoutMs }, (error, _stdout, stderr) => {
      if (!error) return resolve({ python, ok: true });
      const lastLine = String(stderr).trim().split('\n').at(-1);
      resolve({ python, ok: false, reason: lastLine || error.message });
    });
  });
}

/**
 * The first interpreter among {@link torchPythonCandidates} that imports torch and numpy, or
 * `undefined` with every probe so a caller (a test's skip reason, a step error) can say why.
 *
 * @example
 * const found = await findTorchPython();
 * if (!found.python) console.log(found.probes.map((p) => `${p.python}: ${p.reason}`).join('; '));
 */
export async function findTorchPython(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ python: string | undefined; probes: TorchPythonProbe[] }> {
  const probes: TorchPythonProbe[] = [];
  for (const candidate of torchPythonCandidates(env)) {
    const probe = await probeTorchPython(candidate);
    probes.push(probe);
    if (probe.ok) return { python: candidate, probes };
  }
  return { python: undefined, probes };
}
