/**
 * How a container "runs" in the test kubelet: either a scripted outcome, or the container's command as
 * a real local child process (there are no images here, so the command must be given).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IContainer, IPod } from 'kubernetes-models/v1';
import type { ContainerLog } from './container-log.ts';

/** What a pod's containers do; chosen per pod by {@link KubeletBehaviour}. */
export type ContainerScript =
  /** Run `command` + `args` as a local process: its output is the log, its exit code the outcome. */
  | { kind: 'process' }
  /** Log the lines, then exit 0 after `afterMs` (default 10). */
  | { kind: 'succeed'; afterMs?: number; log?: string[]; terminationMessage?: string }
  /** Log the lines, then exit `exitCode` (default 1) after `afterMs` (default 10). */
  | { kind: 'fail'; afterMs?: number; exitCode?: number; log?: string[]; terminationMessage?: string }
  /** Killed by the OOM killer after `afterMs` (default 10): exit 137, reason OOMKilled. */
  | { kind: 'oomKilled'; afterMs?: number; log?: string[] }
  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending. */
  | { kind: 'imagePullBackOff' }
  /** The image cannot be pulled and the pod stays at ErrImagePull. */
  | { kind: 'errImagePull' }
  /** Run until the pod is deleted. */
  | { kind: 'hang'; log?: string[] };

/** Picks the script for a pod. @default () => ({ kind: 'process' }) */
export type KubeletBehaviour = (pod: IPod) => ContainerScript;

export interface ContainerExit {
  exitCode: number;
  reason: 'Completed' | 'Error' | 'OOMKilled' | 'StartError';
  /** The termination message, as `state.terminated.message`. */
  message?: string;
  signal?: string;
}

export interface RunningContainer {
  readonly exited: Promise<ContainerExit>;
  /** SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container. */
  stop(graceSeconds: number): void;
  /** SIGKILL now (the node is gone, or the server closes). */
  kill(): void;
}

const MAX_MESSAGE_BYTES = 4096;
const FALLBACK_LOG_BYTES = 2048;
const FALLBACK_LOG_LINES = 80;
const SIGNAL_NUMBERS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };

function fallbackMessage(log: ContainerLog): string {
  const text = log.lines
    .slice(-FALLBACK_LOG_LINES)
    .map((line) => line.text)
    .join('');
  return Buffer.from(text).subarray(-FALLBACK_LOG_BYTES).toString();
}

function terminationMessage(
  container: IContainer,
  written: string,
  exitCode: number,
  log: ContainerLog,
): string | undefined {
  const message = Buffer.from(written).subarray(0, MAX_MESSAGE_BYTES).toString();
  if (message !== '') return message;
  if (container.terminationMessagePolicy === 'FallbackToLogsOnError' && exitCode !== 0) {
    const fallback = fallbackMessage(log);
    return fallback === '' ? undefined : fallback;
  }
  return undefined;
}

/** A scripted container: its lines, its exit code, and a stop that exits 143 at once. */
function startScripted(
  script: Exclude<ContainerScript, { kind: 'process' | 'imagePullBackOff' | 'errImagePull' }>,
  container: IContainer,
  log: ContainerLog,
): RunningContainer {
  let settle: (exit: ContainerExit) => void = () => {};
  const exited = new Promise<ContainerExit>((resolve) => {
    settle = resolve;
  });
  let done = false;
  const finish = (exit: ContainerExit) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    log.end();
    settle(exit);
  };
  for (const line of script.log ?? []) log.write('stdout', `${line}\n`);
  let timer: NodeJS.Timeout | undefined;
  if (script.kind !== 'hang') {
    timer = setTimeout(() => {
      if (script.kind === 'succeed') {
        const message = script.terminationMessage ?? '';
        finish({ exitCode: 0, reason: 'Completed', ...(message === '' ? {} : { message }) });
      } else if (script.kind === 'fail') {
        const exitCode = script.exitCode ?? 1;
        const message = terminationMessage(container, script.terminationMessage ?? '', exitCode, log);
        finish({ exitCode, reason: 'Error', ...(message === undefined ? {} : { message }) });
      } else {
        finish({ exitCode: 137, reason: 'OOMKilled', signal: 'SIGKILL' });
      }
    }, script.afterMs ?? 10);
  }
  return {
    exited,
    stop: () => finish({ exitCode: 143, reason: 'Error', signal: 'SIGTERM' }),
    kill: () => finish({ exitCode: 137, reason: 'Error', signal: 'SIGKILL' }),
  };
}

/** Resolves `valueFrom.fieldRef` for the fields the downward API offers most often. */
function fieldRefValue(pod: IPod, fieldPath: string): string {
  if (fieldPath === 'metadata.name') return pod.metadata?.name ?? '';
  if (fieldPath === 'metadata.namespace') return pod.metadata?.namespace ?? '';
  if (fieldPath === 'metadata.uid') return pod.metadata?.uid ?? '';
  if (fieldPath === 'spec.nodeName') return pod.spec?.nodeName ?? '';
  if (fieldPath === 'status.podIP') return pod.status?.podIP ?? '';
  const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
  if (label?.[1] !== undefined) return pod.metadata?.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath);
  if (annotation?.[1] !== undefined) return pod.metadata?.annotations?.[annotation[1]] ?? '';
  return '';
}

interface ProcessStart {
  container: IContainer;
  pod: IPod;
  log: ContainerLog;
  podEnv: Record<string, string>;
}

/**
 * Runs the container's command as a child process. The termination-message path is "mounted" as a
 * temp file: any argument or env value equal to it is rewritten to that file, which is read on exit.
 */
function startProcess({ container, pod, log, podEnv }: ProcessStart): RunningContainer {
  const [executable, ...commandArgs] = container.command ?? [];
  if (executable === undefined) {
    log.end();
    return {
      exited: Promise.resolve({
        exitCode: 128,
        reason: 'StartError',
        message: `the Loom test kubelet runs no images, so container "${container.name}" needs a command (its image entrypoint cannot be run)`,
      }),
      stop: () => {},
      kill: () => {},
    };
  }
  const messagePath = container.terminationMessagePath ?? '/dev/termination-log';
  const mount = mkdtempSync(join(tmpdir(), 'loom-k8s-termination-'));
  const hostMessagePath = join(mount, 'termination-log');
  const mounted = (value: string) => (value === messagePath ? hostMessagePath : value);
  const env: Record<string, string> = { HOSTNAME: pod.metadata?.name ?? '', ...podEnv };
  for (const variable of container.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    env[variable.name] = mounted(variable.value ?? (fieldPath === undefined ? '' : fieldRefValue(pod, fieldPath)));
  }
  const args = [...commandArgs, ...(container.args ?? [])].map(mounted);
  let child: ChildProcess;
  let killTimer: NodeJS.Timeout | undefined;
  const exited = new Promise<ContainerExit>((resolve) => {
    child = spawn(executable, args, {
      env,
      ...(container.workingDir === undefined ? {} : { cwd: container.workingDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => log.write('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.write('stderr', chunk));
    child.on('error', (error) => {
      log.end();
      rmSync(mount, { recursive: true, force: true });
      resolve({
        exitCode: 128,
        reason: 'StartError',
        message: `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${executable}": ${error.message}: unknown`,
      });
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      log.end();
      const exitCode = code ?? 128 + (signal === null ? 9 : (SIGNAL_NUMBERS[signal] ?? 9));
      let written = '';
      try {
        written = readFileSync(hostMessagePath, 'utf8');
      } catch {
        // Nothing written: no termination message.
      }
      rmSync(mount, { recursive: true, force: true });
      const message = terminationMessage(container, written, exitCode, log);
      resolve({
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        ...(message === undefined ? {} : { message }),
        ...(signal === null ? {} : { signal }),
      });
    });
  });
  return {
    exited,
    stop(graceSeconds) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), graceSeconds * 1000);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Starts one container according to its script; image-pull scripts never get here. */
export function startContainer(script: ContainerScript, start: ProcessStart): RunningContainer {
  if (script.kind === 'process') return startProcess(start);
  if (script.kind === 'imagePullBackOff' || script.kind === 'errImagePull') {
    throw new Error('containers whose image cannot be pulled do not start');
  }
  return startScripted(script, start.container, start.log);
}
