export { type ArtifactStore, hashFile, LocalArtifactStore, type StoredArtifact } from './artifact-store.ts';
export { AtomicFiles } from './atomic-files.ts';
export {
  type AttemptEnvironment,
  type AttemptHooks,
  type AttemptOutcome,
  type AttemptRequest,
  executeAttempt,
  resolvePath,
} from './execute-attempt.ts';
export { InlineTransport, type InlineTransportOptions, type StepTransport } from './inline-transport.ts';
export type { OutputRecord } from './output-record.ts';
export type {
  FailureReason,
  RunEvent,
  RunEventBody,
  RunEventKind,
  RunStatus,
  StepFailure,
  StepStatus,
} from './run-events.ts';
export { newRunId, type RunPlanOptions, type RunResult, runPlan, type StepResult } from './run-plan.ts';
export { RunScheduler, type RunSchedulerOptions, type SchedulerCommand, type SchedulerInput } from './run-scheduler.ts';
export { sha256 } from './sha256.ts';
export { type CachedStepResult, LocalStepCache, type StepCache } from './step-cache.ts';
