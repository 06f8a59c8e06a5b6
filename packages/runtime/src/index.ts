export { type ArtifactStore, hashFile, LocalArtifactStore, type StoredArtifact } from './artifact-store.ts';
export { AtomicFiles } from './atomic-files.ts';
export {
  candidatePaths,
  checkInputFiles,
  type DataFileListing,
  type FileLookup,
  type FileLookupResult,
  isDataFileName,
  listDataFiles,
  lookUpFiles,
} from './data-files.ts';
export {
  type AttemptEnvironment,
  type AttemptHooks,
  type AttemptOutcome,
  type AttemptRequest,
  type AttemptRunner,
  executeAttempt,
  resolveDocumentPath,
  resolvePath,
} from './execute-attempt.ts';
export {
  type AllocatableDevice,
  type Allocation,
  allocateDevices,
  type DeviceLoad,
  type GpuNeed,
} from './gpu/device-allocator.ts';
export { type DiscoverGpusOptions, discoverGpus } from './gpu/discover-gpus.ts';
export { type GpuDevice, NVIDIA_SMI_QUERY_FIELDS, parseNvidiaSmiCsv } from './gpu/nvidia-smi-csv.ts';
export { type HttpModelRegistryOptions, httpModelRegistry } from './http-model-registry.ts';
export { InlineTransport, type InlineTransportOptions, type StepTransport } from './inline-transport.ts';
export {
  type DeployProvenance,
  type HostDeployRequest,
  type HostTrafficWindow,
  type ModelRegistryHost,
  NO_MODEL_REGISTRY,
  NO_MODEL_REGISTRY_FOR_TRAFFIC,
  registryRefused,
} from './model-registry-host.ts';
export type { OutputRecord } from './output-record.ts';
export { confinePath } from './path-confinement.ts';
export {
  BACKENDS,
  type Backend,
  BullMqTransport,
  type BullMqTransportOptions,
  closeRedis,
  openRedis,
  ProcessTransport,
  type QueueDepths,
  queueName,
  type RedisConnection,
  ReportConsumer,
  type ReportConsumerOptions,
  type StepJobData,
  type StepReport,
  StepRunnerPool,
  type StepRunnerPoolOptions,
  StepWorker,
  type StepWorkerOptions,
  sleep,
  stepJobId,
} from './queue/index.ts';
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
export {
  type RestoredStep,
  RunScheduler,
  type RunSchedulerOptions,
  type SchedulerCommand,
  type SchedulerInput,
} from './run-scheduler.ts';
export { sha256 } from './sha256.ts';
export { SharedAttemptTransport } from './shared-attempt-transport.ts';
export {
  type CachedStepResult,
  decodeCacheRecord,
  encodeCacheRecord,
  LocalStepCache,
  type StepCache,
} from './step-cache.ts';
