import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** How often the server checks that the process that started it is still there. */
const PARENT_POLL_MS = 500;

/** Shells that package managers run scripts in (`sh -c "node packages/cli/bin/loom.js start"`). */
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh']);

/**
 * Resolves once the process that started this one has gone. An orphan is handed to init (or to the
 * nearest subreaper), so its `process.ppid` changes: polling it is cheap and needs no help from the
 * parent. `pnpm loom start` puts `sh -c` between pnpm and Loom, and SIGKILL (or, for pnpm, SIGTERM)
 * ends pnpm without ending the shell's child; so when the parent is such a shell, its own parent is
 * watched too (through /proc, Linux only). A process started by init itself (a container's entry
 * point, a systemd service: parent 0 or 1) has no parent to outlive, so nothing is watched. Windows
 * keeps the old `ppid` of an orphan, so this never fires there.
 *
 * @param intervalMs @default 500
 * @returns `gone`, and `stop` to stop watching (the timer never keeps the process alive).
 */
export function watchParent(intervalMs = PARENT_POLL_MS): { gone: Promise<void>; stop(): void } {
  const parent = process.ppid;
  const grandparent = isScriptShell(parent) ? parentOf(parent) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolveGone) => {
    if (parent <= 1) return;
    timer = setInterval(() => {
      if (process.ppid === parent && (grandparent === undefined || parentOf(parent) === grandparent)) return;
      clearInterval(timer);
      resolveGone();
    }, intervalMs);
    timer.unref();
  });
  return { gone, stop: () => clearInterval(timer) };
}

/** Whether `pid` runs `sh -c …` (or bash, dash, zsh); false where /proc cannot tell. */
function isScriptShell(pid: number): boolean {
  try {
    const [program, flag] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return program !== undefined && SCRIPT_SHELLS.has(basename(program)) && flag === '-c';
  } catch {
    return false;
  }
}

/** The parent of `pid` from /proc, or undefined once `pid` has gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses (which may hold spaces): the state, then the parent's id.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}
