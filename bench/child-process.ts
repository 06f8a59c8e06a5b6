import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a measured child reports: its own figures plus its peak resident memory (VmHWM). */
export interface ChildFigures {
  seconds: number;
  rows: number;
  peakRssMb: number;
}

/**
 * Runs `bench/<script>` in a fresh Node process, so each measurement gets a clean heap and its own
 * peak-memory reading, and returns the JSON object the script prints on its last line.
 */
export async function runMeasuredChild(script: string, args: string[]): Promise<ChildFigures> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  const last = output.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as ChildFigures;
}

/** The process's peak resident set size in MiB, from /proc (Linux), or the current RSS elsewhere. */
export async function peakRssMb(): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile('/proc/self/status', 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {}
  return process.memoryUsage.rss() / 2 ** 20;
}
