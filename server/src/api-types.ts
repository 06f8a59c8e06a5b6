/**
 * The shapes of the HTTP API's replies, as TypeScript types, for clients such as the designer. This
 * module is types only: importing it (with `import type`) loads nothing of the server.
 */
import type { DriftReport } from '@loom/drift';
import type { Static } from '@sinclair/typebox';
import type {
  MetricPointSchema,
  RunDefinitionSchema,
  RunRequestSchema,
  RunSummarySchema,
  RunTriggerSchema,
  StepLogSchema,
  StoredRunSchema,
  StoredStepSchema,
} from './runs/run-schemas.ts';
import type { ArtifactPreviewSchema } from './schemas/artifacts.ts';
import type { ErrorSchema } from './schemas/common.ts';
import type { CompileReplySchema } from './schemas/compile.ts';
import type { EndpointStatsSchema } from './schemas/endpoint-stats.ts';
import type {
  AliasMoveSchema,
  EndpointListSchema,
  EndpointSchema,
  ModelDetailSchema,
  ModelEventListSchema,
  ModelListSchema,
  ModelVersionListSchema,
  ModelVersionSchema,
  RegisteredVersionSchema,
} from './schemas/models.ts';
import type {
  AlertListSchema,
  AlertSchema,
  MonitorActionSchema,
  MonitorCreatedSchema,
  MonitorCreateSchema,
  MonitorListSchema,
  MonitorPatchSchema,
  MonitorRuleSchema,
  MonitorSchema,
  MonitorWindowListSchema,
  MonitorWindowSchema,
} from './schemas/monitors.ts';
import type {
  PipelineListSchema,
  PipelineVersionListSchema,
  PipelineVersionSchema,
  SavedPipelineSchema,
} from './schemas/pipelines.ts';
import type {
  CreatedTriggerSchema,
  CreateTriggerBody,
  PatchTriggerBody,
  TriggerFireListSchema,
  TriggerFireSchema,
  TriggerListSchema,
  TriggerSchema,
} from './schemas/triggers.ts';

export type ApiError = Static<typeof ErrorSchema>;
export type StoredRun = Static<typeof StoredRunSchema>;
export type StoredStep = Static<typeof StoredStepSchema>;
export type RunSummary = Static<typeof RunSummarySchema>;
export type RunRequest = Static<typeof RunRequestSchema>;
export type StepLog = Static<typeof StepLogSchema>;
export type MetricPoint = Static<typeof MetricPointSchema>;
export type ArtifactPreview = Static<typeof ArtifactPreviewSchema>;
export type CompileReply = Static<typeof CompileReplySchema>;
export type PipelineList = Static<typeof PipelineListSchema>;
export type PipelineVersionList = Static<typeof PipelineVersionListSchema>;
export type PipelineVersion = Static<typeof PipelineVersionSchema>;
export type SavedPipeline = Static<typeof SavedPipelineSchema>;
export type RunDefinition = Static<typeof RunDefinitionSchema>;
export type ModelList = Static<typeof ModelListSchema>;
export type ModelDetail = Static<typeof ModelDetailSchema>;
export type ModelVersion = Static<typeof ModelVersionSchema>;
export type ModelVersionList = Static<typeof ModelVersionListSchema>;
export type RegisteredVersion = Static<typeof RegisteredVersionSchema>;
export type AliasMove = Static<typeof AliasMoveSchema>;
export type ModelEventList = Static<typeof ModelEventListSchema>;
export type Endpoint = Static<typeof EndpointSchema>;
export type EndpointList = Static<typeof EndpointListSchema>;
export type RunTrigger = Static<typeof RunTriggerSchema>;
export type Trigger = Static<typeof TriggerSchema>;
export type TriggerList = Static<typeof TriggerListSchema>;
export type TriggerFire = Static<typeof TriggerFireSchema>;
export type TriggerFireList = Static<typeof TriggerFireListSchema>;
export type CreatedTrigger = Static<typeof CreatedTriggerSchema>;
export type NewTrigger = Static<typeof CreateTriggerBody>;
export type TriggerPatch = Static<typeof PatchTriggerBody>;
export type Monitor = Static<typeof MonitorSchema>;
export type MonitorList = Static<typeof MonitorListSchema>;
export type MonitorCreate = Static<typeof MonitorCreateSchema>;
export type MonitorCreated = Static<typeof MonitorCreatedSchema>;
export type MonitorPatch = Static<typeof MonitorPatchSchema>;
export type MonitorRule = Static<typeof MonitorRuleSchema>;
export type MonitorAction = Static<typeof MonitorActionSchema>;
export type MonitorWindow = Static<typeof MonitorWindowSchema>;
export type MonitorWindowList = Static<typeof MonitorWindowListSchema>;
export type Alert = Static<typeof AlertSchema>;
export type AlertList = Static<typeof AlertListSchema>;
/** `GET /api/monitors/:id/windows/:start/report`: the route serves the report as @loom/drift makes it. */
export type WindowDriftReport = DriftReport;
export type EndpointStats = Static<typeof EndpointStatsSchema>;
