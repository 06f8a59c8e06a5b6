import type { StepStatus } from '@loom/runtime';
import pc from 'picocolors';
import { formatDuration, formatNumber, renderTable } from './format.ts';
import { statusLabel, statusSymbol } from './status-style.ts';

/** A step as both a local run's result and a server's stored run hold it. */
export interface SummaryStep {
  id: string;
  type: string;
  version: string;
  status: StepStatus;
  durationMs?: number | undefined;
  metrics: Record<string, number>;
  failure?: { reason: string; message: string } | undefined;
}

/** A finished run, local (`loom run`) or on a server (`loom remote run`). */
export interface SummaryRun {
  runId: string;
  status: string;
  durationMs?: number | undefined;
  steps: readonly SummaryStep[];
}

/**
 * Writes the table of a finished run's steps, each failed step's error with all its metrics (a gate that
 * failed is judged by them), and the `run succeeded in 4.2 s · 8 steps` line, to `out`.
 */
export function writeRunSummary(run: SummaryRun, out: NodeJS.WritableStream = process.stdout): void {
  const rows = run.steps.map((step) => [
    `${statusSymbol(step.status)} ${step.id}`,
    pc.dim(`${step.type}@${step.version}`),
    statusLabel(step.status),
    step.status === 'cached'
      ? pc.dim('—')
      : step.durationMs !== undefined && step.durationMs > 0
        ? formatDuration(step.durationMs)
        : '',
    Object.entries(step.metrics)
      .slice(0, 4)
      .map(([name, value]) => `${name}=${formatNumber(value)}`)
      .join(' '),
  ]);
  out.write(`\n${renderTable(['step', 'node', 'status', 'time', 'metrics'], rows)}\n\n`);
  for (const step of run.steps) {
    if (step.status === 'failed' && step.failure !== undefined) {
      out.write(`${pc.red('✖')} ${pc.bold(step.id)} failed (${step.failure.reason}): ${step.failure.message}\n`);
      // The table has room for four metrics; a gate's verdict may rest on any of them.
      const measured = Object.entries(step.metrics).map(([name, value]) => `${name}=${formatNumber(value)}`);
      if (measured.length > 0) out.write(`  ${pc.dim('its metrics:')} ${measured.join(' ')}\n`);
    }
  }
  const colour = run.status === 'succeeded' ? pc.green : run.status === 'cancelled' ? pc.yellow : pc.red;
  const cached = run.steps.filter((s) => s.status === 'cached').length;
  const took = run.durationMs === undefined ? '' : ` in ${formatDuration(run.durationMs)}`;
  out.write(
    `${colour(`run ${run.status}`)}${took} · ${run.steps.length} steps${cached > 0 ? `, ${cached} cached` : ''} · ${pc.dim(run.runId)}\n`,
  );
}
