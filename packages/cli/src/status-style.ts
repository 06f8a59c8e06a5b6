import type { StepStatus } from '@loom/runtime';
import pc from 'picocolors';

const SYMBOLS: Record<StepStatus, string> = {
  pending: pc.dim('○'),
  queued: pc.dim('…'),
  running: pc.blue('▶'),
  succeeded: pc.green('✔'),
  cached: pc.cyan('↺'),
  failed: pc.red('✖'),
  skipped: pc.dim('⊘'),
  cancelled: pc.yellow('■'),
};

const COLOURS: Record<StepStatus, (text: string) => string> = {
  pending: pc.dim,
  queued: pc.dim,
  running: pc.blue,
  succeeded: pc.green,
  cached: pc.cyan,
  failed: pc.red,
  skipped: pc.dim,
  cancelled: pc.yellow,
};

export function statusSymbol(status: StepStatus): string {
  return SYMBOLS[status];
}

export function statusLabel(status: StepStatus): string {
  return COLOURS[status](status);
}
