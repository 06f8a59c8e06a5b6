import type { StoredStep } from '@loom/server/api-types';

export type StepStatus = StoredStep['status'];

export const STATUS_LABEL: Record<StepStatus, string> = {
  pending: 'pending',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cached: 'cached',
  cancelled: 'cancelled',
  skipped: 'skipped',
};
