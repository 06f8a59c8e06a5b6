import { execFile } from 'node:child_process';
import { type GpuDevice, NVIDIA_SMI_QUERY_FIELDS, parseNvidiaSmiCsv } from './nvidia-smi-csv.js';

/** Options for {@link discoverGpus}. */
export interface DiscoverGpusOptions {
  /** The program to run, looked up on PATH. @default 'nvidia-smi' */
  command?: string;
  /** Kill nvidia-smi after this long. @default 10000 */
  timeoutMs?: number;
  /** Environment for the child (PATH decides which nvidia-smi runs). @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Lists this machine's NVIDIA GPUs by running nvidia-smi. Rejects with a message that names the
 * command when it is missing, times out, exits non-zero or prints something unexpected.
 *
 * @example const devices = await discoverGpus();
 */
export function discoverGpus(options: DiscoverGpusOptions = {}): Promise<GpuDevice[]> {
  const command = options.command ?? 'nvidia-smi';
  const args = [`--query-gpu=${NVIDIA_SMI_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 10_000, env: options.env ?? process.env, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            reject(new Error(`${command} not found on PATH: no NVIDIA driver tools on this machine`));
          } else if (error.killed) {
            reject(new Error(`${command} did not answer within ${options.timeoutMs ?? 10_000} ms`));
          } else {
            reject(new Error(`${command} failed (${error.message.split('\n')[0]}): ${stderr.trim()}`));
          }
          return;
        }
        try {
          resolve(parseNvidiaSmiCsv(stdout));
        } catch (parseError) {
          reject(parseError);
        }
      },
    );
  });
}
