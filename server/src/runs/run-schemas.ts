import type { Plan } from '@loom/compiler';
import type { PipelineDocument } from '@loom/graph';
import { type Static, Type } from '@sinclair/typebox';
import { looseObject } from '../schemas/common.ts';

const StepStatus = Type.Union(
  ['pending', 'queued', 'running', 'succeeded', 'failed', 'cached', 'cancelled', 'skipped'].map((s) => Type.Literal(s)),
);
const RunStatus = Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s)));

const OutputRecord = Type.Object(
  {
    type: Type.String(),
    storage: Type.String(),
    sha256: Type.String(),
    size: Type.Number(),
    mediaType: Type.Optional(Type.String()),
  },
  { description: 'One output: its port type and the artifact (GET /api/artifacts/{sha256}) that holds it.' },
);

const StepFailure = Type.Object({
  reason: Type.String({ description: 'error | timeout | invalid-output | input | cancelled' }),
  message: Type.String(),
  detail: Type.Optional(Type.String()),
});

export const StoredStepSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  version: Type.String(),
  title: Type.String(),
  status: StepStatus,
  attempts: Type.Integer(),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Number()),
  progress: Type.Optional(Type.Object({ fraction: Type.Number(), message: Type.Optional(Type.String()) })),
  metrics: Type.Record(Type.String(), Type.Number()),
  outputs: Type.Record(Type.String(), OutputRecord),
  contentKey: Type.Optional(Type.String()),
  cachedFromRun: Type.Optional(Type.String()),
  failure: Type.Optional(StepFailure),
  skippedBecause: Type.Optional(Type.String()),
});

const RunOptionsSchema = Type.Object({
  parameters: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  noCache: Type.Boolean(),
  fromStep: Type.Optional(Type.String()),
  onlyStep: Type.Optional(Type.String()),
});

/** What started a run; absent when it was started by hand. */
export const RunTriggerSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('schedule'), Type.Literal('webhook'), Type.Literal('alert')]),
    id: Type.String({ description: 'The trigger’s id (GET /api/triggers/{id}); for an alert, the monitor’s.' }),
    name: Type.Optional(Type.String()),
    alertId: Type.Optional(Type.String({ description: 'For an alert: the alert that started the run.' })),
  },
  { description: 'What started the run: a schedule’s tick, a webhook delivery or an alert. Absent: started by hand.' },
);

const runFields = {
  id: Type.String(),
  pipelineId: Type.String(),
  pipelineVersion: Type.Integer(),
  pipelineName: Type.String(),
  status: RunStatus,
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Number()),
  lastSeq: Type.Integer({
    description: 'Number of the last event: a Last-Event-ID to continue the event stream from.',
  }),
  resumeCount: Type.Integer(),
  trigger: Type.Optional(RunTriggerSchema),
  source: Type.Union([Type.Literal('server'), Type.Literal('cli')], {
    description:
      'Who drives the run: `server` (started through this API) or `cli` (`loom run FILE` on the same home, recorded here as it goes).',
  }),
};

export const StoredRunSchema = Type.Object({
  ...runFields,
  options: RunOptionsSchema,
  steps: Type.Array(StoredStepSchema),
});

export const RunSummarySchema = Type.Object({
  ...runFields,
  stepCounts: Type.Record(Type.String(), Type.Integer()),
});

export const RunRequestSchema = Type.Object(
  {
    parameters: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
        description: 'Values for the pipeline parameters, overriding their defaults.',
      }),
    ),
    noCache: Type.Optional(Type.Boolean({ description: 'Run every step, even those with a cached result.' })),
    fromStep: Type.Optional(Type.String({ description: 'Run this step and everything downstream of it again.' })),
    onlyStep: Type.Optional(Type.String({ description: 'Run only this step again (its inputs from the cache).' })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Pipeline version to run. Default: the latest.' })),
  },
  { additionalProperties: false },
);
export type RunRequestBody = Static<typeof RunRequestSchema>;

export const RunIdParams = Type.Object({ id: Type.String({ maxLength: 200 }) });

export const StepLogSchema = Type.Object({
  seq: Type.Integer(),
  attempt: Type.Integer(),
  level: Type.String(),
  message: Type.String(),
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  at: Type.String(),
});

export const MetricPointSchema = Type.Object({
  seq: Type.Integer({ description: 'The seq of the step.metric event that reported it.' }),
  attempt: Type.Integer(),
  name: Type.String(),
  step: Type.Number({ description: 'The iteration or epoch the value belongs to.' }),
  value: Type.Number(),
});

/** What a run was started from; after a resume, the document and plan it was resumed with. */
export const RunDefinitionSchema = Type.Object({
  pipelineVersion: Type.Integer(),
  document: looseObject<PipelineDocument>('The pipeline document the run was started (or resumed) with.'),
  plan: looseObject<Plan>('The plan compiled from it.'),
});
