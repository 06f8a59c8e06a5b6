/**
 * The shapes of the HTTP API's replies, as TypeScript types, for clients such as the designer. This
 * module is types only: importing it (with `import type`) loads nothing of the server.
 */
import type { Static } from '@sinclair/typebox';
import type {
  MetricPointSchema,
  RunDefinitionSchema,
  RunRequestSchema,
  RunSummarySchema,
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
  PipelineListSchema,
  PipelineVersionListSchema,
  PipelineVersionSchema,
  SavedPipelineSchema,
} from './schemas/pipelines.ts';

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
export type EndpointStats = Static<typeof EndpointStatsSchema>;
