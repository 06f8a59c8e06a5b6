import type { PlanStep } from '@loom/compiler';
import type { RunEvent, StepStatus } from '@loom/runtime';
import { createLogUpdate } from 'log-update';
import pc from 'picocolors';
import { formatDuration, padEndVisible } from './format.ts';
import { statusLabel, statusSymbol } from './status-style.ts';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 16;
/** Past this many steps the live view shows the active ones and a count of the rest. */
const MAX_LIVE_LINES = 20;

interface LiveStep {
  id: string;
  status: StepStatus;
  attempt: number;
  startedAt?: number;
  endedAt?: number;
  fraction?: number;
  message?: string;
}

export interface RunProgress {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/**
 * Shows a run as it happens. On a terminal: one redrawn line per step with a spinner, a progress bar
 * and elapsed time. Elsewhere (CI logs, pipes): one plain line per state change.
 */
export function createRunProgress(steps: readonly Pick<PlanStep, 'id'>[], stream: NodeJS.WriteStream): RunProgress {
  return stream.isTTY ? new LiveProgress(steps, stream) : new LineProgress(stream);
}

class LiveProgress implements RunProgress {
  readonly #steps = new Map<string, LiveStep>();
  readonly #render: ReturnType<typeof createLogUpdate>;
  readonly #timer: NodeJS.Timeout;
  readonly #startedAt = Date.now();
  readonly #logs: string[] = [];
  #frame = 0;

  constructor(steps: readonly Pick<PlanStep, 'id'>[], stream: NodeJS.WriteStream) {
    for (const step of steps) this.#steps.set(step.id, { id: step.id, status: 'pending', attempt: 0 });
    this.#render = createLogUpdate(stream, { showCursor: false });
    this.#timer = setInterval(() => this.#draw(), 80);
  }

  onEvent(event: RunEvent): void {
    if (!('stepId' in event)) return;
    const step = this.#steps.get(event.stepId);
    if (step === undefined) return;
    applyEvent(step, event);
    if (event.kind === 'step.log' && (event.level === 'warn' || event.level === 'error')) {
      this.#logs.push(`${pc.yellow(event.level)} ${event.stepId}: ${event.message}`);
    }
    if (event.kind === 'step.retrying') {
      this.#logs.push(
        `${pc.yellow('retry')} ${event.stepId}: attempt ${event.attempt} failed (${event.failure.message}); next in ${formatDuration(event.delayMs)}`,
      );
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#draw();
    this.#render.done();
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % SPINNER.length;
    const all = [...this.#steps.values()];
    const counts = new Map<StepStatus, number>();
    for (const step of all) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
    const shown =
      all.length <= MAX_LIVE_LINES
        ? all
        : all.filter((s) => s.status === 'running' || s.status === 'failed').slice(0, MAX_LIVE_LINES);
    const width = Math.min(32, Math.max(...all.map((s) => s.id.length), 4));
    const lines = shown.map((step) => this.#line(step, width));
    const done = (counts.get('succeeded') ?? 0) + (counts.get('cached') ?? 0);
    const summary = [
      `${done}/${all.length} done`,
      ...(['running', 'cached', 'failed', 'skipped'] as const)
        .filter((status) => (counts.get(status) ?? 0) > 0)
        .map((status) => `${counts.get(status)} ${status}`),
      formatDuration(Date.now() - this.#startedAt),
    ].join(' · ');
    this.#render([...this.#logs.slice(-5), ...lines, pc.dim(summary)].join('\n'));
  }

  #line(step: LiveStep, width: number): string {
    const symbol = step.status === 'running' ? pc.blue(SPINNER[this.#frame] as string) : statusSymbol(step.status);
    const now = step.endedAt ?? Date.now();
    const elapsed = step.startedAt === undefined ? '' : formatDuration(now - step.startedAt);
    let bar = '';
    if (step.status === 'running' && step.fraction !== undefined) {
      const filled = Math.round(step.fraction * BAR_WIDTH);
      bar = `${pc.blue('█'.repeat(filled))}${pc.dim('░'.repeat(BAR_WIDTH - filled))} ${String(Math.round(step.fraction * 100)).padStart(3)}%`;
    }
    const attempt = step.attempt > 1 ? pc.yellow(` (attempt ${step.attempt})`) : '';
    const message = step.status === 'running' && step.message !== undefined ? pc.dim(` ${step.message}`) : '';
    return `${symbol} ${padEndVisible(step.id, width)}  ${padEndVisible(statusLabel(step.status), 9)}  ${padEndVisible(bar, BAR_WIDTH + 5)} ${elapsed.padStart(8)}${attempt}${message}`;
  }
}

class LineProgress implements RunProgress {
  readonly #stream: NodeJS.WriteStream;
  readonly #steps = new Map<string, LiveStep>();

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  onEvent(event: RunEvent): void {
    const line = this.#describe(event);
    if (line !== undefined) this.#stream.write(`${line}\n`);
  }

  stop(): void {}

  #describe(event: RunEvent): string | undefined {
    switch (event.kind) {
      case 'run.started':
        return pc.dim(`run ${event.runId}: ${event.pipeline}, ${event.stepCount} steps`);
      case 'run.resumed':
        return pc.dim(`run ${event.runId} resumed (${event.reason})`);
      case 'step.started':
        this.#steps.set(event.stepId, {
          id: event.stepId,
          status: 'running',
          attempt: event.attempt,
          startedAt: Date.now(),
        });
        return `${statusSymbol('running')} ${event.stepId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
      case 'step.succeeded':
        return `${statusSymbol('succeeded')} ${event.stepId} succeeded in ${formatDuration(event.durationMs)}`;
      case 'step.cached':
        return `${statusSymbol('cached')} ${event.stepId} cached (from run ${event.fromRunId})`;
      case 'step.failed':
        return `${statusSymbol('failed')} ${event.stepId} failed: ${event.failure.message}`;
      case 'step.retrying':
        return `${pc.yellow('↻')} ${event.stepId} attempt ${event.attempt} failed (${event.failure.message}); retrying in ${formatDuration(event.delayMs)}`;
      case 'step.skipped':
        return `${statusSymbol('skipped')} ${event.stepId} skipped: ${event.because} did not succeed`;
      case 'step.cancelled':
        return `${statusSymbol('cancelled')} ${event.stepId} cancelled`;
      case 'step.log':
        return event.level === 'debug' ? undefined : pc.dim(`  ${event.stepId} ${event.level}: ${event.message}`);
      case 'step.progress':
      case 'step.metric':
      case 'step.queued':
      case 'run.finished':
        return undefined;
    }
  }
}

function applyEvent(step: LiveStep, event: RunEvent): void {
  switch (event.kind) {
    case 'step.queued':
      step.status = 'queued';
      step.attempt = event.attempt;
      break;
    case 'step.started':
      step.status = 'running';
      step.attempt = event.attempt;
      step.startedAt = Date.now();
      delete step.fraction;
      delete step.message;
      break;
    case 'step.progress':
      step.fraction = event.fraction;
      if (event.message !== undefined) step.message = event.message;
      break;
    case 'step.succeeded':
    case 'step.cached':
    case 'step.failed':
    case 'step.skipped':
    case 'step.cancelled':
      step.status = event.kind.slice('step.'.length) as StepStatus;
      step.endedAt = Date.now();
      break;
    default:
      break;
  }
}
